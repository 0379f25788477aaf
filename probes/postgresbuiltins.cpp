#include "postgresbuiltins.h"

#include <pqxx/pqxx>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace hopscope::pg {

using nlohmann::json;

namespace {

// Enough rows for any condition on a health query; a runaway result is not kept whole.
constexpr std::size_t kMaxJsonRows = 1000;

// Type oids from pg_type.dat: stable across PostgreSQL versions.
enum : unsigned { kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kJson = 114,
                  kFloat4 = 700, kFloat8 = 701, kNumeric = 1700, kJsonb = 3802 };

std::string joined(const std::vector<std::string>& items, const char* separator = ", ")
{
    std::string out;
    for (const auto& item : items)
        out += (out.empty() ? "" : separator) + item;
    return out;
}

std::string keyText(const TableColumns& key)
{
    return key.table + "(" + joined(key.columns) + ")";
}

void observeConnect(pqxx::transaction_base& tx, Observation& obs)
{
    const auto row = tx.exec_params1("select current_setting('server_version'), pg_is_in_recovery()");
    obs.observed["server_version"] = row[0].c_str();
    obs.observed["in_recovery"] = fieldValue(row[1]);
}

} // namespace

json fieldValue(const pqxx::field& field)
{
    if (field.is_null())
        return nullptr;
    const char* text = field.c_str();
    const char* end = text + std::strlen(text);
    switch (field.type()) {
    case kBool:
        return text[0] == 't';
    case kInt2: case kInt4: case kInt8: case kOid: case kFloat4: case kFloat8: case kNumeric: {
        long long integer = 0;
        if (auto [ptr, ec] = std::from_chars(text, end, integer); ec == std::errc() && ptr == end)
            return integer;
        char* parsedTo = nullptr;
        const double real = std::strtod(text, &parsedTo);
        if (parsedTo == end && std::isfinite(real))
            return real;
        break;  // NaN, Infinity, or a numeric too large for a double: keep the text
    }
    case kJson: case kJsonb: {
        auto parsed = json::parse(text, end, nullptr, false);
        if (!parsed.is_discarded())
            return parsed;
        break;
    }
    default:
        break;
    }
    return std::string(text, end);
}

std::optional<std::string> resolveRelation(pqxx::transaction_base& tx, const std::string& name)
{
    const auto row = tx.exec_params1("select to_regclass($1::text)::text", name);
    if (row[0].is_null())
        return std::nullopt;
    return std::string(row[0].c_str());
}

std::string withThousands(long long value)
{
    std::string digits = std::to_string(value < 0 ? -value : value);
    for (int at = int(digits.size()) - 3; at > 0; at -= 3)
        digits.insert(std::size_t(at), ",");
    return value < 0 ? "-" + digits : digits;
}

void observeBuiltin(pqxx::transaction_base& tx, const PostgresProbe& probe, const Target& target, Observation& obs)
{
    using B = PostgresProbe::Builtin;
    switch (probe.builtin) {
    case B::Connect: return observeConnect(tx, obs);
    case B::Query: return observeQuery(tx, probe.query, obs);
    case B::RequiredTables: return observeRequiredTables(tx, probe.requiredTables, obs);
    case B::Migrations: return observeMigrations(tx, probe.migrations, obs);
    case B::Connections: return observeConnections(tx, obs);
    case B::Indexes: return observeIndexes(tx, probe.indexes, obs);
    case B::Explain: return observeExplain(tx, probe.query, obs);
    case B::Duplicates: return observeDuplicates(tx, probe.duplicates, obs);
    case B::SameDatabase:
        obs.observed["this"] = serverSummary(tx, target);
        return;
    }
}

void observeQuery(pqxx::transaction_base& tx, const std::string& query, Observation& obs)
{
    if (query.find_first_not_of(" \t\r\n;") == std::string::npos)
        throw ProbeError("the check has no query to run");
    // The extended protocol takes exactly one statement, so "select 1; commit; drop table x"
    // is refused instead of stepping out of the read-only transaction.
    const pqxx::result result = tx.exec_params(query);
    obs.observed["rows"] = result.size();
    obs.observed["value"] = result.empty() || result.columns() == 0 ? json(nullptr) : fieldValue(result[0][0]);
    json rows = json::array();
    for (const auto& row : result) {
        if (rows.size() == kMaxJsonRows) {
            obs.observed["json_truncated"] = true;
            break;
        }
        json object = json::object();
        for (const auto& field : row)
            object[field.name()] = fieldValue(field);
        rows.push_back(std::move(object));
    }
    obs.observed["json"] = std::move(rows);
    const json& value = obs.observed["value"];
    if (result.size() == 1 && result.columns() == 1) {
        obs.figure = value.is_string() ? value.get<std::string>() : value.dump();
        if (obs.figure.size() > 60)  // a map card, not a report
            obs.figure = obs.figure.substr(0, 57) + "...";
    }
    else
        obs.figure = withThousands(static_cast<long long>(result.size())) + (result.size() == 1 ? " row" : " rows");
}

void observeRequiredTables(pqxx::transaction_base& tx, const std::vector<std::string>& tables, Observation& obs)
{
    std::vector<std::string> missing;
    for (const auto& table : tables) {
        if (!resolveRelation(tx, table))
            missing.push_back(table);
    }
    obs.observed["missing_tables"] = missing;
    obs.observed["value"] = missing.size();
    obs.figure = missing.empty() ? "all " + std::to_string(tables.size()) + " tables present"
                                 : "missing: " + joined(missing);
}

void observeConnections(pqxx::transaction_base& tx, Observation& obs)
{
    // Client backends only: autovacuum and the WAL writer do not count against max_connections.
    const auto row = tx.exec_params1(
        "select count(*) filter (where backend_type = 'client backend'),"
        " current_setting('max_connections')::int,"
        " current_setting('superuser_reserved_connections')::int"
        " from pg_stat_activity");
    const long long connections = row[0].as<long long>();
    const long long maxConnections = row[1].as<long long>();
    obs.observed["connections"] = connections;
    obs.observed["max_connections"] = maxConnections;
    obs.observed["reserved_connections"] = row[2].as<long long>();
    obs.observed["connections_pct"] =
        maxConnections > 0 ? std::round(1000.0 * double(connections) / double(maxConnections)) / 10.0 : 0.0;
    // Who holds them: a blue/green rollout shows up as two applications each with a full pool.
    json holders = json::array();
    for (const auto& holder : tx.exec_params(
             "select coalesce(nullif(application_name, ''), '(none)'), coalesce(usename::text, ''),"
             " coalesce(datname::text, ''), count(*) from pg_stat_activity"
             " where backend_type = 'client backend' group by 1, 2, 3 order by 4 desc, 1 limit 10")) {
        holders.push_back({{"application", holder[0].c_str()}, {"user", holder[1].c_str()},
                           {"database", holder[2].c_str()}, {"connections", holder[3].as<long long>()}});
    }
    obs.observed["by_application"] = std::move(holders);
    obs.figure = withThousands(connections) + "/" + withThousands(maxConnections) + " connections";
}

void observeIndexes(pqxx::transaction_base& tx, const std::vector<TableColumns>& indexes, Observation& obs)
{
    std::vector<std::string> missing;
    for (const auto& index : indexes) {
        if (index.columns.empty())
            throw ProbeError("the index check on " + index.table + " names no columns");
        // No table, no index to judge: the schema is incomplete, which is the migrations' hop.
        if (!resolveRelation(tx, index.table))
            throw ProbeError("relation \"" + index.table + "\" does not exist", true);
        std::string wanted;
        for (const auto& column : index.columns)
            wanted += (wanted.empty() ? "" : ", ") + tx.quote(column);
        // An index serves a lookup when its leading key columns are these, in this order.
        // Invalid indexes (a CREATE INDEX CONCURRENTLY that failed) serve nothing.
        const auto row = tx.exec_params1(
            "select count(*) from pg_index i"
            " where i.indrelid = to_regclass($1::text) and i.indisvalid and i.indisready"
            " and i.indnkeyatts >= $2::int"
            " and array(select a.attname::text from generate_series(0, $2::int - 1) as g(n)"
            "           join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[g.n]"
            "           order by g.n) = array[" + wanted + "]::text[]",
            index.table, static_cast<int>(index.columns.size()));
        if (row[0].as<long long>() == 0)
            missing.push_back(keyText(index));
    }
    obs.observed["missing_indexes"] = missing;
    obs.observed["value"] = missing.size();
    obs.figure = missing.empty() ? "all " + std::to_string(indexes.size()) + " indexes present"
                                 : "missing index: " + joined(missing);
}

void observeDuplicates(pqxx::transaction_base& tx, const TableColumns& key, Observation& obs)
{
    if (key.columns.empty())
        throw ProbeError("the duplicates check on " + key.table + " names no columns");
    const auto relation = resolveRelation(tx, key.table);
    if (!relation)
        throw ProbeError("relation \"" + key.table + "\" does not exist", true);
    std::string columns, notNull;
    for (const auto& column : key.columns) {
        const std::string quoted = tx.quote_name(column);
        columns += (columns.empty() ? "" : ", ") + quoted;
        notNull += (notNull.empty() ? "" : " and ") + quoted + " is not null";
    }
    // As a unique constraint sees it: rows with a NULL in the key never collide.
    const std::string groups = "select " + columns + ", count(*) as n from " + *relation + " where " + notNull +
                               " group by " + columns + " having count(*) > 1";
    const auto totals = tx.exec_params1("select count(*), coalesce(sum(n), 0)::int8 from (" + groups + ") as d");
    const long long groupCount = totals[0].as<long long>();
    obs.observed["duplicate_groups"] = groupCount;
    obs.observed["duplicate_rows"] = totals[1].as<long long>();
    obs.observed["value"] = groupCount;
    json samples = json::array();
    for (const auto& row : tx.exec_params(groups + " order by n desc limit 5")) {
        json sample = json::object();
        for (std::size_t i = 0; i < key.columns.size(); ++i)
            sample[key.columns[i]] = fieldValue(row[static_cast<int>(i)]);
        sample["count"] = row[static_cast<int>(key.columns.size())].as<long long>();
        samples.push_back(std::move(sample));
    }
    obs.observed["duplicate_samples"] = std::move(samples);
    obs.figure = groupCount == 0 ? "no duplicates on " + keyText(key)
                                 : withThousands(groupCount) + (groupCount == 1 ? " duplicate group" : " duplicate groups");
}

json serverSummary(pqxx::transaction_base& tx, const Target& target)
{
    const auto row = tx.exec_params1(
        "select current_database(), host(inet_server_addr()), current_setting('port')::int,"
        " has_function_privilege('pg_control_system()', 'execute')");
    json summary = {{"database", row[0].c_str()},
                    {"host", row[1].is_null() ? target.host : std::string(row[1].c_str())},
                    {"port", row[2].as<long long>()},
                    {"system_identifier", nullptr}};
    // Asked only when allowed: a refused call would abort the whole transaction.
    if (row[3].as<bool>()) {
        const auto id = tx.exec_params1("select system_identifier::text from pg_control_system()");
        summary["system_identifier"] = id[0].c_str();
    }
    return summary;
}

} // namespace hopscope::pg
