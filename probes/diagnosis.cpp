#include "diagnosis.h"

#include <algorithm>
#include <set>

namespace hopscope {

std::string_view toString(HopStatus status)
{
    switch (status) {
    case HopStatus::Grey: return "grey";
    case HopStatus::Green: return "green";
    case HopStatus::Amber: return "amber";
    case HopStatus::Red: return "red";
    }
    return "grey";
}

std::string_view toString(HopRole role)
{
    switch (role) {
    case HopRole::LikelyCause: return "likely_cause";
    case HopRole::Symptom: return "symptom";
    case HopRole::Healthy: return "healthy";
    case HopRole::Degraded: return "degraded";
    case HopRole::Unknown: return "unknown";
    }
    return "unknown";
}

const HopVerdict* Diagnosis::verdict(std::string_view hop) const
{
    for (const auto& v : hops) {
        if (v.hop == hop)
            return &v;
    }
    return nullptr;
}

HopStatus hopStatusOf(CheckStatus s)
{
    switch (s) {
    case CheckStatus::Pass: return HopStatus::Green;
    case CheckStatus::Warn: return HopStatus::Amber;
    case CheckStatus::Fail:
    case CheckStatus::Error: return HopStatus::Red;
    }
    return HopStatus::Red;
}

namespace {

// The nearest probed hops downstream of `start`. Failures travel hop by hop, so a healthy
// hop in between breaks the chain; an unprobed (grey) one says nothing, so look past it.
std::vector<std::string> nearestProbedDownstream(const Environment& env, const std::string& start,
                                                 const std::map<std::string, HopStatus>& statusById)
{
    std::vector<std::string> found;
    std::set<std::string> seen{start};
    std::vector<std::string> todo{start};
    while (!todo.empty()) {
        const std::string id = todo.back();
        todo.pop_back();
        const Hop* hop = env.hop(id);
        if (!hop)
            continue;
        for (const auto& next : hop->downstream) {
            if (!seen.insert(next).second)
                continue;
            if (statusById.at(next) == HopStatus::Grey)
                todo.push_back(next);
            else
                found.push_back(next);
        }
    }
    return found;
}

void addRemedy(std::vector<std::string>& runbooks, const std::string& remedy)
{
    if (!remedy.empty() && std::find(runbooks.begin(), runbooks.end(), remedy) == runbooks.end())
        runbooks.push_back(remedy);
}

} // namespace

Diagnosis diagnose(const Environment& env, const ResultsByHop& results)
{
    Diagnosis d;
    std::map<std::string, HopStatus> statusById;
    for (const Hop& hop : env.hops) {
        HopVerdict v;
        v.hop = hop.id;
        const auto byCheck = results.find(hop.id);
        bool anyProbed = false;
        HopStatus worst = HopStatus::Green;
        for (const Check& check : hop.checks) {
            const CheckResult* r = nullptr;
            if (byCheck != results.end()) {
                if (auto it = byCheck->second.find(check.name); it != byCheck->second.end())
                    r = &it->second;
            }
            v.results.push_back(r);
            if (!r)
                continue;
            anyProbed = true;
            worst = std::max(worst, hopStatusOf(r->status));
        }
        v.status = anyProbed ? worst : HopStatus::Grey;
        // Remedies of failed checks first, then of warned ones: fix the break before the slowness.
        for (const CheckStatus wanted : {CheckStatus::Error, CheckStatus::Fail, CheckStatus::Warn}) {
            for (std::size_t i = 0; i < hop.checks.size(); ++i) {
                if (v.results[i] && v.results[i]->status == wanted)
                    addRemedy(v.runbooks, hop.checks[i].remedy);
            }
        }
        statusById[hop.id] = v.status;
        d.overall = std::max(d.overall, v.status);
        d.hops.push_back(std::move(v));
    }

    // The rule runs on the worst colour present: red when anything is red, else amber, so a
    // degraded path still names where the degradation starts.
    const HopStatus faulty = d.overall >= HopStatus::Amber ? d.overall : HopStatus::Red;
    for (HopVerdict& v : d.hops) {
        if (v.status == HopStatus::Grey) {
            v.role = HopRole::Unknown;
        } else if (v.status == HopStatus::Green) {
            v.role = HopRole::Healthy;
        } else if (v.status != faulty) {
            v.role = HopRole::Degraded;  // amber beside a red path
        } else {
            const auto downstream = nearestProbedDownstream(env, v.hop, statusById);
            const bool faultBelow = std::any_of(downstream.begin(), downstream.end(),
                                                [&](const std::string& id) { return statusById.at(id) == faulty; });
            v.role = faultBelow ? HopRole::Symptom : HopRole::LikelyCause;
            if (!faultBelow)
                d.likelyCauses.push_back(v.hop);
        }
    }
    return d;
}

const CheckResult* worstResult(const HopVerdict& verdict)
{
    const CheckResult* worst = nullptr;
    for (const CheckResult* r : verdict.results) {
        if (r && (!worst || r->status > worst->status))
            worst = r;
    }
    return worst;
}

std::string hopFigure(const HopVerdict& verdict)
{
    const CheckResult* worst = worstResult(verdict);
    if (!worst)
        return {};
    // A passing check's figure is its measurement; a failing one is best told by its cause
    // ("missing tables: users", not the "exit 0 · 212 ms" of the command that found it).
    if (worst->status == CheckStatus::Pass)
        return worst->figure.empty() ? worst->message : worst->figure;
    return worst->message.empty() ? worst->figure : worst->message;
}

std::vector<std::string> causeSummaries(const Environment& env, const Diagnosis& diagnosis)
{
    std::vector<std::string> lines;
    for (const auto& id : diagnosis.likelyCauses) {
        const HopVerdict* v = diagnosis.verdict(id);
        const Hop* hop = env.hop(id);
        if (!v || !hop)
            continue;
        // The first of the worst: a failing check says more than a warning before it.
        const CheckResult* worst = worstResult(*v);
        const std::string evidence = worst && worst->status != CheckStatus::Pass ? worst->check + ": " + worst->message : "";
        lines.push_back(id + " (" + hop->title + ") " + evidence);
    }
    return lines;
}

} // namespace hopscope
