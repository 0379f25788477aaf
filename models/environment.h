#pragma once

#include "condition.h"
#include "diagnostic.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace hopscope {

using KeyValues = std::vector<std::pair<std::string, std::string>>;  // ordered, as written

enum class HopKind { Dns, LoadBalancer, TargetGroup, Containers, MigrationJob, Database, Custom };
std::string_view toString(HopKind kind);
std::optional<HopKind> hopKindFromString(std::string_view text);
const std::vector<std::string_view>& hopKindNames();

// A condition as written, where it was written, and its parsed form.
struct Condition {
    std::string text;
    SourcePos pos;
    ConditionNode parsed;
};

struct DnsProbe {
    std::string name;
    std::string type = "A";  // A AAAA CNAME TXT MX SRV
    std::string server;      // "host:port" or "host"; empty means the system resolver
    std::vector<std::string> expectAddresses;
};

struct TcpProbe {
    std::string host;
    int port = 0;
    std::string portTemplate;  // "${lb_port}": the port once rendered (port is 0 until then)
};

struct HttpProbe {
    std::string url;
    std::string method = "GET";
    KeyValues headers;
    std::string body;
    bool followRedirects = false;
    int maxRedirects = 5;
    bool verifyTls = true;
    std::string clientCert;
    std::string clientKey;
    std::string caFile;
    std::uint64_t maxBodyBytes = 1024 * 1024;  // the rest is discarded
};

struct TableColumns {
    std::string table;
    std::vector<std::string> columns;
};

struct MigrationSpec {
    std::string table = "schema_migrations";
    std::string column = "version";
    std::string expected;      // the head revision, or
    std::string expectedFrom;  // a directory of numbered migrations; its newest is the head
};

struct PostgresProbe {
    // What the check does beyond connecting; exactly one at most.
    enum class Builtin { Connect, Query, RequiredTables, Migrations, Connections, Indexes, Explain, Duplicates, SameDatabase };
    std::string dsn;
    Builtin builtin = Builtin::Connect;
    std::string query;                      // Query, Explain
    std::vector<std::string> requiredTables;
    MigrationSpec migrations;
    std::vector<TableColumns> indexes;
    TableColumns duplicates;
    std::string sameDatabaseAs;             // a DSN
    std::chrono::milliseconds statementTimeout{2000};
    std::chrono::milliseconds connectTimeout{3000};
};

struct CommandProbe {
    std::vector<std::string> argv;  // never through a shell
    std::string workingDirectory;
    KeyValues environment;          // added to the inherited environment
};

enum class CheckKind { Dns, Tcp, Http, Postgres, Command };
std::string_view toString(CheckKind kind);

struct Check {
    std::string name;
    CheckKind kind = CheckKind::Tcp;
    std::variant<DnsProbe, TcpProbe, HttpProbe, PostgresProbe, CommandProbe> probe;
    std::vector<Condition> expect;  // failing makes the hop red
    std::vector<Condition> warn;    // failing makes the hop amber
    std::string remedy;             // a runbook id
    SourcePos remedyPos;
    std::optional<std::chrono::milliseconds> timeout;
    std::string description;
    SourcePos pos;
};

// The values a check of each kind observes, which its conditions may read.
const std::vector<std::string_view>& observedNames(CheckKind kind);

struct Hop {
    std::string id;
    HopKind kind = HopKind::Custom;
    std::string title;
    std::string description;
    std::optional<std::vector<std::string>> next;  // as written; unset means "the next hop in the list"
    std::vector<std::string> downstream;           // resolved by the loader
    std::vector<Check> checks;
    SourcePos pos;
};

struct SecretRef {
    enum class Source { Env, File, Keyring };
    std::string name;
    Source source = Source::Env;
    std::string ref;  // variable name, file path or keyring entry
    SourcePos pos;
};

// Letters, digits, '_', '-' and '.', starting with a letter or digit.
bool isEnvironmentName(std::string_view name);

struct Environment {
    std::string name;
    std::string description;
    bool isProtected = false;
    KeyValues variables;
    std::vector<SecretRef> secrets;
    std::chrono::milliseconds interval{15'000};
    std::vector<Hop> hops;
    std::string file;
    SourcePos pos;

    const Hop* hop(std::string_view id) const;
};

} // namespace hopscope
