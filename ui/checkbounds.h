#pragma once

#include "environment.h"

#include <optional>
#include <vector>

namespace hopscope {

// The latency above which a condition list no longer holds, when it says so plainly: a
// `latency_ms < 500` or `latency_ms <= 500` (either way round) on its own or joined by &&.
// The lowest such bound when there are several; none when latency appears only under ||.
std::optional<double> latencyCeiling(const std::vector<Condition>& conditions);

// What a chart of a check draws besides its latency.
struct CheckBounds {
    std::optional<double> warnAboveMs;  // from the check's warn conditions: amber
    std::optional<double> failAboveMs;  // from its expect conditions: red
    bool connections = false;           // the Postgres connections check: in use against max_connections
};
CheckBounds checkBounds(const Check& check);

} // namespace hopscope
