#pragma once

#include "checkresult.h"
#include "environment.h"

#include <map>
#include <string>
#include <vector>

namespace hopscope {

// grey until probed; then the worst of the hop's checks.
enum class HopStatus { Grey, Green, Amber, Red };
// Failures travel upstream toward the user, hop by hop: a red hop whose nearest probed hops
// downstream are not red is the likely cause; a red hop with a red one right below it (past
// any unprobed hops) is only a symptom of it.
enum class HopRole { LikelyCause, Symptom, Healthy, Degraded, Unknown };
std::string_view toString(HopStatus status);
// The colour one check's result gives its hop: pass green, warn amber, fail and error red.
HopStatus hopStatusOf(CheckStatus status);
std::string_view toString(HopRole role);

struct HopVerdict {
    std::string hop;
    HopStatus status = HopStatus::Grey;
    HopRole role = HopRole::Unknown;
    std::vector<std::string> runbooks;  // remedies of the failing checks, failed before warned
    std::vector<const CheckResult*> results;  // in the hop's check order; null where not probed
};

struct Diagnosis {
    HopStatus overall = HopStatus::Grey;
    std::vector<HopVerdict> hops;           // in the environment's hop order
    std::vector<std::string> likelyCauses;  // hop ids, in hop order
    const HopVerdict* verdict(std::string_view hop) const;
};

// Results keyed by hop id then check name; a missing entry is a check not probed yet.
using ResultsByHop = std::map<std::string, std::map<std::string, CheckResult>>;

Diagnosis diagnose(const Environment& env, const ResultsByHop& results);

// What says most about a hop: the first of its worst results; null until a check has answered.
const CheckResult* worstResult(const HopVerdict& verdict);

// The one line a map card shows for a hop, from its worst result: the figure when it passed
// ("200 · 84 ms"), the message when not ("missing tables: users"). Empty until a check has
// answered.
std::string hopFigure(const HopVerdict& verdict);

// "db: missing tables: application_logs": the likely causes and their evidence, one line each.
std::vector<std::string> causeSummaries(const Environment& env, const Diagnosis& diagnosis);

} // namespace hopscope
