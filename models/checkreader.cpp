// Reads checks and their probes: shared by hops (environment files) and steps (runbooks).
#include "fieldreader.h"
#include "loaderparts.h"
#include "units.h"

#include <algorithm>

namespace hopscope::detail {

namespace {

constexpr std::string_view kProbeKeys = "dns, tcp, http, https, postgres or command";

SourcePos columnInScalar(const DocNode& scalar, int columnInText)
{
    // Exact for single-line scalars, which conditions are; a quote shifts the text by one.
    return {scalar.pos.line, scalar.pos.column + (scalar.quoted ? 1 : 0) + columnInText - 1};
}

bool readTimeout(FieldReader& r, std::optional<std::chrono::milliseconds>& timeout)
{
    return r.duration("timeout", timeout);
}

bool readDnsProbe(const DocNode& node, Diagnostics& diag, DnsProbe& out, std::optional<std::chrono::milliseconds>& timeout)
{
    FieldReader r(node, diag, "the dns probe");
    if (!r.isMap())
        return false;
    r.string("name", out.name, true);
    if (const DocNode* type = r.get("type"); type && readString(*type, diag, "type", out.type)) {
        static const std::vector<std::string> types{"A", "AAAA", "CNAME", "TXT", "MX", "SRV"};
        if (std::find(types.begin(), types.end(), out.type) == types.end())
            diag.error(type->pos, "unknown record type " + quoted(out.type) + "; expected A, AAAA, CNAME, TXT, MX or SRV"
                                      + didYouMean(out.type, types));
    }
    r.string("server", out.server);
    r.stringList("expect_addresses", out.expectAddresses);
    readTimeout(r, timeout);
    r.finish();
    return true;
}

bool readTcpProbe(const DocNode& node, Diagnostics& diag, TcpProbe& out, std::optional<std::chrono::milliseconds>& timeout)
{
    FieldReader r(node, diag, "the tcp probe");
    if (!r.isMap())
        return false;
    r.string("host", out.host, true);
    if (const DocNode* port = r.get("port"); port && port->isScalar() && port->scalar.find("${") != std::string::npos)
        out.portTemplate = port->scalar;  // checked when rendered
    else if (!r.require("port") || !r.integer("port", out.port, 1, 65535))
        out.port = 0;
    readTimeout(r, timeout);
    r.finish();
    return true;
}

bool readTableColumns(const DocNode& node, Diagnostics& diag, std::string_view what, TableColumns& out)
{
    FieldReader r(node, diag, std::string(what));
    if (!r.isMap())
        return false;
    r.string("table", out.table, true);
    if (r.stringList("columns", out.columns, true) && out.columns.empty())
        diag.error(r.pos(), std::string(what) + " needs at least one column");
    r.finish();
    return true;
}

bool readPostgresProbe(const DocNode& node, Diagnostics& diag, PostgresProbe& out,
                       std::optional<std::chrono::milliseconds>& timeout)
{
    using B = PostgresProbe::Builtin;
    FieldReader r(node, diag, "the postgres probe");
    if (!r.isMap())
        return false;
    r.string("dsn", out.dsn, true);
    r.duration("statement_timeout", out.statementTimeout);
    r.duration("connect_timeout", out.connectTimeout);
    readTimeout(r, timeout);

    const auto builtins = r.present({"query", "required_tables", "migrations", "connections", "indexes", "explain",
                                     "duplicates", "same_database_as"});
    if (builtins.size() > 1) {
        diag.error(builtins[1].second->pos, "a postgres check does one thing; it already has "
                                                + quoted(builtins[0].first) + " (line "
                                                + std::to_string(builtins[0].second->pos.line)
                                                + "): make this a check of its own");
    }
    if (!builtins.empty()) {
        const auto [key, value] = builtins.front();
        if (key == "query") {
            out.builtin = B::Query;
            readString(*value, diag, key, out.query);
        } else if (key == "explain") {
            out.builtin = B::Explain;
            readString(*value, diag, key, out.query);
        } else if (key == "required_tables") {
            out.builtin = B::RequiredTables;
            if (readStringList(*value, diag, key, out.requiredTables) && out.requiredTables.empty())
                diag.error(value->pos, "\"required_tables\" needs at least one table");
        } else if (key == "connections") {
            out.builtin = B::Connections;
            bool on = false;
            if (readBool(*value, diag, key, on) && !on)
                diag.error(value->pos, "\"connections\" can only be true (leave it out to turn it off)");
        } else if (key == "same_database_as") {
            out.builtin = B::SameDatabase;
            readString(*value, diag, key, out.sameDatabaseAs);
        } else if (key == "duplicates") {
            out.builtin = B::Duplicates;
            readTableColumns(*value, diag, "\"duplicates\"", out.duplicates);
        } else if (key == "indexes") {
            out.builtin = B::Indexes;
            if (!value->isSequence() || value->items.empty()) {
                diag.error(value->pos, "\"indexes\" must be a list of {table, columns}, got " + value->describe());
            } else {
                for (const auto& item : value->items) {
                    TableColumns tc;
                    if (readTableColumns(item, diag, "an index", tc))
                        out.indexes.push_back(std::move(tc));
                }
            }
        } else if (key == "migrations") {
            out.builtin = B::Migrations;
            FieldReader m(*value, diag, "\"migrations\"");
            if (m.isMap()) {
                m.string("table", out.migrations.table);
                m.string("column", out.migrations.column);
                const auto heads = m.present({"expected", "expected_from"});
                if (heads.empty())
                    diag.error(m.pos(), "\"migrations\" needs \"expected\" (the head revision) or \"expected_from\" (a migrations directory)");
                else if (heads.size() > 1)
                    diag.error(heads[1].second->pos, "give \"expected\" or \"expected_from\", not both");
                m.string("expected", out.migrations.expected);
                m.string("expected_from", out.migrations.expectedFrom);
                m.finish();
            }
        }
    }
    r.finish();
    return true;
}

} // namespace

bool readHttpProbe(const DocNode& node, Diagnostics& diag, bool https, HttpProbe& out,
                   std::optional<std::chrono::milliseconds>& timeout)
{
    FieldReader r(node, diag, https ? "the https probe" : "the http probe");
    if (!r.isMap())
        return false;
    if (const DocNode* url = r.require("url"); url && readString(*url, diag, "url", out.url)) {
        const bool templated = out.url.starts_with("${");
        if (!templated && !out.url.starts_with("http://") && !out.url.starts_with("https://"))
            diag.error(url->pos, "\"url\" must start with http:// or https://, got " + quoted(out.url));
        else if (https && !templated && !out.url.starts_with("https://"))
            diag.error(url->pos, "an https probe needs an https:// url; use \"http\" for plain HTTP");
    }
    if (const DocNode* method = r.get("method"); method && readString(*method, diag, "method", out.method)) {
        static const std::vector<std::string> methods{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
        if (std::find(methods.begin(), methods.end(), out.method) == methods.end())
            diag.error(method->pos, "unknown HTTP method " + quoted(out.method) + didYouMean(out.method, methods));
    }
    r.keyValues("headers", out.headers);
    r.string("body", out.body);
    r.boolean("follow_redirects", out.followRedirects);
    r.integer("max_redirects", out.maxRedirects, 0, 50);
    r.boolean("verify_tls", out.verifyTls);
    r.string("client_cert", out.clientCert);
    r.string("client_key", out.clientKey);
    r.string("ca_file", out.caFile);
    if (const DocNode* cap = r.get("max_body")) {
        std::optional<std::uint64_t> bytes = cap->isScalar() ? parseSize(cap->scalar) : std::nullopt;
        if (bytes && *bytes > 0)
            out.maxBodyBytes = *bytes;
        else
            diag.error(cap->pos, "\"max_body\" must be a size such as 65536, 64KiB or 1MiB, got " + cap->describe());
    }
    readTimeout(r, timeout);
    r.finish();
    return true;
}

bool readCommandProbe(const DocNode& node, Diagnostics& diag, CommandProbe& out,
                      std::optional<std::chrono::milliseconds>& timeout)
{
    const DocNode* argv = &node;
    std::optional<FieldReader> r;
    if (node.isMap()) {
        r.emplace(node, diag, "the command");
        argv = r->require("argv");
        r->string("cwd", out.workingDirectory);
        r->keyValues("env", out.environment);
        readTimeout(*r, timeout);
        r->finish();
        if (!argv)
            return false;
    }
    if (!argv->isSequence()) {
        diag.error(argv->pos, "a command is a list of arguments such as [labctl, service, status], got "
                                  + argv->describe() + " (commands never go through a shell)");
        return false;
    }
    if (!readStringList(*argv, diag, "command", out.argv))
        return false;
    if (out.argv.empty()) {
        diag.error(argv->pos, "a command needs at least the program to run");
        return false;
    }
    return true;
}

void readConditions(const DocNode& node, Diagnostics& diag, std::string_view field, std::vector<Condition>& out)
{
    std::vector<const DocNode*> items;
    if (node.isScalar())
        items.push_back(&node);
    else if (node.isSequence())
        for (const auto& item : node.items)
            items.push_back(&item);
    else {
        diag.error(node.pos, quoted(field) + " must be a condition such as \"status == 200\" or a list of them, got "
                                 + node.describe());
        return;
    }
    for (const DocNode* item : items) {
        if (!item->isScalar()) {
            diag.error(item->pos, "a condition must be a string such as \"status == 200\", got " + item->describe());
            continue;
        }
        ConditionParse parsed = parseCondition(item->scalar);
        if (!parsed.root) {
            diag.error(columnInScalar(*item, std::max(parsed.errorColumn, 1)), "bad condition: " + parsed.error);
            continue;
        }
        out.push_back({item->scalar, item->pos, std::move(*parsed.root)});
    }
}

void checkObservedNames(const Check& check, Diagnostics& diag)
{
    const auto& names = observedNames(check.kind);
    const std::vector<std::string> known(names.begin(), names.end());
    for (const auto* list : {&check.expect, &check.warn}) {
        for (const auto& condition : *list) {
            for (const auto& name : referencedNames(condition.parsed)) {
                if (std::find(known.begin(), known.end(), name) == known.end()) {
                    std::string all;
                    for (const auto& k : known)
                        all += (all.empty() ? "" : ", ") + k;
                    diag.warning(condition.pos, "a " + std::string(toString(check.kind)) + " check does not observe "
                                                    + quoted(name) + "; it observes " + all
                                                    + didYouMean(name, known));
                }
            }
        }
    }
}

std::optional<Check> readCheck(const DocNode& node, Diagnostics& diag, CheckContext context)
{
    FieldReader r(node, diag, context == CheckContext::Hop ? "a check" : "the step's check");
    if (!r.isMap())
        return std::nullopt;
    Check check;
    check.pos = node.pos;
    r.string("name", check.name, context == CheckContext::Hop);
    r.string("description", check.description);
    if (r.string("remedy", check.remedy))
        check.remedyPos = r.get("remedy")->pos;
    std::optional<std::chrono::milliseconds> outerTimeout;
    r.duration("timeout", outerTimeout);

    const auto probes = r.present({"dns", "tcp", "http", "https", "postgres", "command"});
    if (probes.empty())
        diag.error(node.pos, "a check needs one probe: " + std::string(kProbeKeys));
    else if (probes.size() > 1)
        diag.error(probes[1].second->pos, "a check has one probe, and this one already has " + quoted(probes[0].first)
                                              + " (line " + std::to_string(probes[0].second->pos.line)
                                              + "): make this a check of its own");

    std::optional<std::chrono::milliseconds> probeTimeout;
    if (!probes.empty()) {
        const auto [key, value] = probes.front();
        if (key == "dns") {
            check.kind = CheckKind::Dns;
            check.probe = DnsProbe{};
            readDnsProbe(*value, diag, std::get<DnsProbe>(check.probe), probeTimeout);
        } else if (key == "tcp") {
            check.kind = CheckKind::Tcp;
            check.probe = TcpProbe{};
            readTcpProbe(*value, diag, std::get<TcpProbe>(check.probe), probeTimeout);
        } else if (key == "http" || key == "https") {
            check.kind = CheckKind::Http;
            check.probe = HttpProbe{};
            readHttpProbe(*value, diag, key == "https", std::get<HttpProbe>(check.probe), probeTimeout);
        } else if (key == "postgres") {
            check.kind = CheckKind::Postgres;
            check.probe = PostgresProbe{};
            readPostgresProbe(*value, diag, std::get<PostgresProbe>(check.probe), probeTimeout);
        } else {
            check.kind = CheckKind::Command;
            check.probe = CommandProbe{};
            readCommandProbe(*value, diag, std::get<CommandProbe>(check.probe), probeTimeout);
        }
    }
    if (outerTimeout && probeTimeout)
        diag.error(r.get("timeout")->pos, "the timeout is given twice, here and inside the probe; keep one");
    check.timeout = probeTimeout ? probeTimeout : outerTimeout;

    if (const DocNode* expect = r.get("expect"))
        readConditions(*expect, diag, "expect", check.expect);
    if (const DocNode* warn = r.get("warn"))
        readConditions(*warn, diag, "warn", check.warn);
    r.finish();
    if (!probes.empty())
        checkObservedNames(check, diag);
    return check;
}

} // namespace hopscope::detail
