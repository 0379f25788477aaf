#include "checkresult.h"

#include "conditionevaluator.h"

#include <nlohmann/json.hpp>

namespace hopscope {

std::string_view toString(CheckStatus status)
{
    switch (status) {
    case CheckStatus::Pass: return "pass";
    case CheckStatus::Warn: return "warn";
    case CheckStatus::Fail: return "fail";
    case CheckStatus::Error: return "error";
    }
    return "error";
}

namespace {

constexpr double kSeqScanRowLimit = 10'000;
constexpr double kConnectionsPctLimit = 90;

std::string joined(const nlohmann::json& list)
{
    std::string out;
    for (const auto& item : list)
        out += (out.empty() ? "" : ", ") + (item.is_string() ? item.get<std::string>() : item.dump());
    return out;
}

double number(const nlohmann::json& observed, const char* key)
{
    const auto it = observed.find(key);
    return it != observed.end() && it->is_number() ? it->get<double>() : 0;
}

// The default rule's verdict: empty when the observation passes it, else why not.
std::string defaultFailure(const Check& check, const nlohmann::json& o)
{
    switch (check.kind) {
    case CheckKind::Http:
        if (number(o, "status") >= 400)
            return "HTTP " + std::to_string(int(number(o, "status"))) + " (expected a status below 400)";
        return {};
    case CheckKind::Command:
        if (!o.contains("exit_code") || !o["exit_code"].is_number() || o["exit_code"].get<int>() != 0)
            return "exited with " + (o.contains("exit_code") ? o["exit_code"].dump() : std::string("no exit code"))
                   + " (expected 0)";
        return {};
    case CheckKind::Tcp:
        return o.value("connected", false) ? std::string() : std::string("not connected");
    case CheckKind::Dns:
        if (number(o, "answers") < 1)
            return "no answers (" + o.value("rcode", std::string("no rcode")) + ")";
        if (o.contains("addresses_match") && !o["addresses_match"].get<bool>())
            return "answers " + joined(o.value("addresses", nlohmann::json::array())) + " differ from the expected addresses";
        return {};
    case CheckKind::Postgres:
        break;
    }
    using B = PostgresProbe::Builtin;
    switch (std::get<PostgresProbe>(check.probe).builtin) {
    case B::RequiredTables:
        if (!o.value("missing_tables", nlohmann::json::array()).empty())
            return "missing tables: " + joined(o["missing_tables"]);
        return {};
    case B::Migrations:
        if (number(o, "pending") > 0 || o.value("applied", nlohmann::json()) != o.value("expected", nlohmann::json()))
            return "migrations pending: applied " + o.value("applied", nlohmann::json()).dump() + ", head "
                   + o.value("expected", nlohmann::json()).dump();
        return {};
    case B::Connections:
        if (number(o, "connections_pct") >= kConnectionsPctLimit)
            return std::to_string(int(number(o, "connections"))) + " of " + std::to_string(int(number(o, "max_connections")))
                   + " connections in use (90 % or more)";
        return {};
    case B::Indexes:
        if (!o.value("missing_indexes", nlohmann::json::array()).empty())
            return "missing indexes: " + joined(o["missing_indexes"]);
        return {};
    case B::Explain:
        for (const auto& scan : o.value("seq_scans", nlohmann::json::array())) {
            if (scan.value("estimated_rows", 0.0) > kSeqScanRowLimit)
                return "sequential scan on " + scan.value("relation", std::string("?")) + " ("
                       + std::to_string(scan.value("estimated_rows", 0LL)) + " estimated rows)";
        }
        return {};
    case B::Duplicates:
        if (number(o, "duplicate_groups") > 0)
            return std::to_string(int(number(o, "duplicate_groups"))) + " duplicate key groups";
        return {};
    case B::SameDatabase:
        return o.value("same_database", false) ? std::string() : std::string("points at a different database");
    case B::Connect:
    case B::Query:
        return {};
    }
    return {};
}

} // namespace

std::string defaultRule(const Check& check)
{
    switch (check.kind) {
    case CheckKind::Http: return "status < 400";
    case CheckKind::Command: return "exit_code == 0";
    case CheckKind::Tcp: return "connected == true";
    case CheckKind::Dns: return "answers > 0";
    case CheckKind::Postgres: break;
    }
    using B = PostgresProbe::Builtin;
    switch (std::get<PostgresProbe>(check.probe).builtin) {
    case B::RequiredTables: return "no missing tables";
    case B::Migrations: return "no pending migrations";
    case B::Connections: return "connections below 90 % of max_connections";
    case B::Indexes: return "no missing indexes";
    case B::Explain: return "no sequential scan over 10,000 estimated rows";
    case B::Duplicates: return "no duplicate key groups";
    case B::SameDatabase: return "the same database";
    case B::Connect:
    case B::Query: return "connects and answers";
    }
    return {};
}

CheckResult evaluateCheck(const Check& check, const Observation& observation)
{
    CheckResult r;
    r.check = check.name;
    r.latencyMs = observation.latencyMs;
    r.observed = observation.observed;
    r.figure = observation.figure;
    r.takenAt = std::chrono::system_clock::now();
    if (!observation.completed) {
        r.status = observation.inconclusive ? CheckStatus::Warn : CheckStatus::Error;
        r.message = observation.error.empty() ? std::string("the probe failed without saying why") : observation.error;
        return r;
    }
    if (check.expect.empty()) {
        r.message = defaultFailure(check, observation.observed);
        r.status = r.message.empty() ? CheckStatus::Pass : CheckStatus::Fail;
    } else if (const ConditionOutcome outcome = evaluateAll(check.expect, observation.observed); !outcome.passed) {
        r.status = CheckStatus::Fail;
        r.message = outcome.explanation;
    } else {
        r.status = CheckStatus::Pass;
    }
    if (r.status == CheckStatus::Pass && !check.warn.empty()) {
        if (const ConditionOutcome outcome = evaluateAll(check.warn, observation.observed); !outcome.passed) {
            r.status = CheckStatus::Warn;
            r.message = outcome.explanation;
        }
    }
    if (r.message.empty())
        r.message = observation.figure.empty() ? std::string("ok") : observation.figure;
    return r;
}

} // namespace hopscope
