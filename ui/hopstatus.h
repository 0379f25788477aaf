#pragma once

#include "diagnosis.h"

#include <QString>

namespace hopscope {

// What the map shows of a hop: the diagnosis' colour and role, plus what only the live view
// knows: whether a probe is in flight and whether the last answer is too old to trust.
struct HopState {
    HopStatus status = HopStatus::Grey;
    HopRole role = HopRole::Unknown;
    QString figure;        // one line: "200 · 84 ms", "missing tables: users"
    bool probing = false;  // a check of the hop is in flight
    bool stale = false;    // the last answer is older than the environment's interval allows

    friend bool operator==(const HopState&, const HopState&) = default;
};

} // namespace hopscope
