#include "environment.h"
#include "runbook.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace hopscope {

namespace {

constexpr std::array<std::pair<HopKind, std::string_view>, 7> kHopKinds{{
    {HopKind::Dns, "dns"},
    {HopKind::LoadBalancer, "load_balancer"},
    {HopKind::TargetGroup, "target_group"},
    {HopKind::Containers, "containers"},
    {HopKind::MigrationJob, "migration_job"},
    {HopKind::Database, "database"},
    {HopKind::Custom, "custom"},
}};

} // namespace

std::string_view toString(HopKind kind)
{
    for (const auto& [k, name] : kHopKinds) {
        if (k == kind)
            return name;
    }
    return "custom";
}

std::optional<HopKind> hopKindFromString(std::string_view text)
{
    for (const auto& [k, name] : kHopKinds) {
        if (name == text)
            return k;
    }
    return std::nullopt;
}

const std::vector<std::string_view>& hopKindNames()
{
    static const std::vector<std::string_view> names = [] {
        std::vector<std::string_view> v;
        for (const auto& entry : kHopKinds)
            v.push_back(entry.second);
        return v;
    }();
    return names;
}

bool isEnvironmentName(std::string_view name)
{
    if (name.empty() || !std::isalnum(static_cast<unsigned char>(name[0])))
        return false;
    return std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '_' || c == '-' || c == '.';
    });
}

std::string_view toString(CheckKind kind)
{
    switch (kind) {
    case CheckKind::Dns: return "dns";
    case CheckKind::Tcp: return "tcp";
    case CheckKind::Http: return "http";
    case CheckKind::Postgres: return "postgres";
    case CheckKind::Command: return "command";
    }
    return "unknown";
}

const std::vector<std::string_view>& observedNames(CheckKind kind)
{
    static const std::vector<std::string_view> dns{"answers", "addresses", "rcode", "addresses_match", "latency_ms",
                                                   "server", "message"};
    static const std::vector<std::string_view> tcp{"connected", "latency_ms", "address"};
    static const std::vector<std::string_view> http{"status", "latency_ms", "dns_ms", "connect_ms", "tls_ms",
                                                    "ttfb_ms", "body", "body_bytes", "json", "header",
                                                    "cert_days_left", "redirects", "truncated"};
    static const std::vector<std::string_view> postgres{
        "connected", "latency_ms", "rows", "value", "json", "missing_tables", "applied", "applied_count", "expected",
        "pending", "dirty", "connections", "max_connections", "connections_pct", "reserved_connections",
        "by_application", "missing_indexes", "seq_scans", "max_seq_scan_rows", "plan_cost", "duplicate_groups",
        "duplicate_rows", "duplicate_samples", "same_database", "this", "other", "server_version", "in_recovery",
        "message"};
    static const std::vector<std::string_view> command{"exit_code", "signal", "stdout", "stderr", "json",
                                                       "latency_ms", "stdout_truncated", "stderr_truncated",
                                                       "stdout_bytes", "stderr_bytes", "timed_out", "pid"};
    switch (kind) {
    case CheckKind::Dns: return dns;
    case CheckKind::Tcp: return tcp;
    case CheckKind::Http: return http;
    case CheckKind::Postgres: return postgres;
    case CheckKind::Command: return command;
    }
    return tcp;
}

const Hop* Environment::hop(std::string_view id) const
{
    for (const auto& h : hops) {
        if (h.id == id)
            return &h;
    }
    return nullptr;
}

std::string_view toString(RunbookParam::Type type)
{
    switch (type) {
    case RunbookParam::Type::String: return "string";
    case RunbookParam::Type::Choice: return "choice";
    case RunbookParam::Type::Number: return "number";
    case RunbookParam::Type::Boolean: return "boolean";
    case RunbookParam::Type::Secret: return "secret";
    }
    return "string";
}

std::string_view toString(Step::Kind kind)
{
    switch (kind) {
    case Step::Kind::Manual: return "manual";
    case Step::Kind::Check: return "check";
    case Step::Kind::Command: return "command";
    case Step::Kind::Sql: return "sql";
    case Step::Kind::Http: return "http";
    case Step::Kind::Wait: return "wait";
    case Step::Kind::Tour: return "tour";
    }
    return "manual";
}

} // namespace hopscope
