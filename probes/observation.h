#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace hopscope {

// What one probe saw, before any condition is applied. A probe that got an answer, even
// a 503 or an NXDOMAIN, has completed; one that could not (refused, timed out, bad
// password) has not, and `error` says why in an engineer's words.
struct Observation {
    bool completed = false;
    std::string error;  // "connection refused", "timed out after 3 s waiting for the response header"
    double latencyMs = 0;
    nlohmann::json observed = nlohmann::json::object();  // the values conditions read: status, answers, ...
    std::string figure;  // the key figure a map card shows: "200 · 84 ms", "2/3 running"
    // Not completed, but the target answered: what the check reads is not there (a query on a
    // table the schema lacks). Amber, not red: the target works, and the fault that removed
    // the table belongs to another hop, which its own checks should catch.
    bool inconclusive = false;
};

using ProbeDeadline = std::chrono::steady_clock::time_point;
using ProbeCallback = std::function<void(Observation)>;

// "3 s", "500 ms": how durations read in messages.
std::string humanDuration(std::chrono::milliseconds d);

// The time left before a deadline, rounded to 100 ms for messages: the scheduler computes the
// deadline a moment before start(), and a 3 s timeout should read "3 s", not "2.9 s".
std::chrono::milliseconds roundedBudget(std::chrono::steady_clock::duration d);

// Milliseconds since `start`, with fractions: what latency_ms reports.
double msSince(std::chrono::steady_clock::time_point start);

} // namespace hopscope
