#pragma once

#include "condition.h"

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace hopscope {

struct Condition;

// What a condition made of what a probe observed. A condition that is simply false has
// passed == false; one that could not be judged (a value was never observed, or has a shape
// the condition cannot use) also has error == true.
struct ConditionOutcome {
    bool passed = false;
    bool error = false;
    std::string explanation;  // an engineer's sentence: "status was 404; expected status == 200"
};

// observed is a JSON object of what the probe saw: status, latency_ms, body, headers, json, rows ...
ConditionOutcome evaluateCondition(const ConditionNode& node, const nlohmann::json& observed);

// Passes when every condition passes; otherwise the outcome of the first that does not.
ConditionOutcome evaluateAll(const std::vector<Condition>& conditions, const nlohmann::json& observed);

} // namespace hopscope
