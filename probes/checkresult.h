#pragma once

#include "environment.h"
#include "observation.h"

#include <chrono>
#include <string>
#include <string_view>

namespace hopscope {

// pass: every expect condition held; warn: a warn condition did not; fail: an expect
// condition did not; error: the probe itself could not get an answer.
enum class CheckStatus { Pass, Warn, Fail, Error };
std::string_view toString(CheckStatus status);

struct CheckResult {
    std::string environment;
    std::string hop;
    std::string check;
    CheckStatus status = CheckStatus::Error;
    double latencyMs = 0;
    std::string message;  // one line naming the cause: "relation \"application_logs\" does not exist"
    nlohmann::json observed = nlohmann::json::object();
    std::string figure;
    std::chrono::system_clock::time_point takenAt;
};

// Applies a check's conditions to what its probe observed. A check with no `expect` uses
// its kind's default rule: an HTTP status below 400, exit code 0, a connected socket, at
// least one DNS answer; a built-in database check fails when it finds what it looks for
// (a missing table or index, a pending migration, a duplicate group, a sequential scan
// over more than 10,000 estimated rows, connections at 90 % or more, another database).
CheckResult evaluateCheck(const Check& check, const Observation& observation);

// The rule evaluateCheck applies when `expect` is empty, as text, for people and reports.
std::string defaultRule(const Check& check);

} // namespace hopscope
