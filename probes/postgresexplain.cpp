// The explain builtin: the plan the server would choose, without running the query, so a
// missing index shows up as a Seq Scan over a big table before it shows up as latency
// (incident 002's second half).

#include "postgresbuiltins.h"

#include <pqxx/pqxx>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

namespace hopscope::pg {

using nlohmann::json;

namespace {

// The statement's first word, past whitespace, comments and opening parentheses.
std::string firstKeyword(const std::string& sql)
{
    std::size_t at = 0;
    while (at < sql.size()) {
        const char c = sql[at];
        if (std::isspace(static_cast<unsigned char>(c)) || c == '(') {
            ++at;
        } else if (sql.compare(at, 2, "--") == 0) {
            at = sql.find('\n', at);
        } else if (sql.compare(at, 2, "/*") == 0) {
            at = sql.find("*/", at);
            at = at == std::string::npos ? at : at + 2;
        } else {
            break;
        }
    }
    std::string word;
    while (at < sql.size() && std::isalpha(static_cast<unsigned char>(sql[at])))
        word += char(std::tolower(static_cast<unsigned char>(sql[at++])));
    return word;
}

void collectSeqScans(const json& node, json& scans)
{
    if (!node.is_object())
        return;
    if (node.value("Node Type", "") == "Seq Scan") {
        const auto planRows = static_cast<long long>(node.value("Plan Rows", 0.0));
        scans.push_back({{"relation", node.value("Relation Name", "")},
                         {"schema", node.value("Schema", "")},
                         {"estimated_rows", planRows},
                         {"plan_rows", planRows}});
    }
    if (const auto children = node.find("Plans"); children != node.end() && children->is_array()) {
        for (const auto& child : *children)
            collectSeqScans(child, scans);
    }
}

} // namespace

void observeExplain(pqxx::transaction_base& tx, const std::string& query, Observation& obs)
{
    // EXPLAIN without ANALYZE plans and does not execute, and the transaction is read-only
    // anyway; refusing other statements keeps the check's intent plain.
    const std::string keyword = firstKeyword(query);
    if (keyword != "select" && keyword != "with" && keyword != "values" && keyword != "table")
        throw ProbeError("explain plans only a SELECT (or WITH, VALUES, TABLE) query; this one starts with \"" +
                         keyword + "\"");
    std::string statement = query;
    while (!statement.empty() && (statement.back() == ';' || std::isspace(static_cast<unsigned char>(statement.back()))))
        statement.pop_back();

    const auto row = tx.exec_params1("explain (format json, verbose) " + statement);
    const json document = json::parse(row[0].c_str(), nullptr, false);
    if (document.is_discarded() || !document.is_array() || document.empty() || !document[0].contains("Plan"))
        throw ProbeError("the server's plan could not be read");
    const json& plan = document[0]["Plan"];

    json scans = json::array();
    collectSeqScans(plan, scans);
    // "Plan Rows" counts what the scan returns after its filter (1 for a lookup by a missing
    // key); what hurts is how much it reads: the table's size by its statistics.
    for (auto& scan : scans) {
        const auto size = tx.exec_params(
            "select c.reltuples::float8 from pg_class c join pg_namespace n on n.oid = c.relnamespace"
            " where n.nspname = $1 and c.relname = $2",
            scan["schema"].get<std::string>(), scan["relation"].get<std::string>());
        if (!size.empty() && size[0][0].as<double>() >= 0)  // -1: never analyzed
            scan["estimated_rows"] = std::llround(size[0][0].as<double>());
    }
    std::sort(scans.begin(), scans.end(), [](const json& a, const json& b) {
        return a["estimated_rows"].get<long long>() > b["estimated_rows"].get<long long>();
    });
    const double cost = plan.value("Total Cost", 0.0);
    obs.observed["plan_cost"] = cost;
    obs.observed["seq_scans"] = scans;
    // One number a condition can bound: "no Seq Scan over 10,000 rows".
    obs.observed["max_seq_scan_rows"] = scans.empty() ? 0LL : scans[0]["estimated_rows"].get<long long>();
    obs.observed["plan"] = plan;
    if (scans.empty()) {
        char text[32];
        std::snprintf(text, sizeof text, "%.1f", cost);
        obs.figure = std::string("no Seq Scan · cost ") + text;
    } else {
        obs.figure = "Seq Scan on " + scans[0]["relation"].get<std::string>() + " (" +
                     withThousands(scans[0]["estimated_rows"].get<long long>()) + " rows)";
    }
}

} // namespace hopscope::pg
