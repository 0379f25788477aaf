#pragma once
// Internal to the postgres prober: what each built-in check asks the database, and how the
// answer reads. Every function runs inside the probe's read-only transaction and throws
// ProbeError or a pqxx error when it cannot observe.

#include "environment.h"
#include "observation.h"
#include "postgressession.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace pqxx {
class field;
class transaction_base;
}

namespace hopscope::pg {

// Fills obs.observed and obs.figure for the probe's builtin (all but SameDatabase).
void observeBuiltin(pqxx::transaction_base& tx, const PostgresProbe& probe, const Target& target, Observation& obs);

void observeQuery(pqxx::transaction_base& tx, const std::string& query, Observation& obs);
void observeRequiredTables(pqxx::transaction_base& tx, const std::vector<std::string>& tables, Observation& obs);
void observeMigrations(pqxx::transaction_base& tx, const MigrationSpec& spec, Observation& obs);
void observeConnections(pqxx::transaction_base& tx, Observation& obs);
void observeIndexes(pqxx::transaction_base& tx, const std::vector<TableColumns>& indexes, Observation& obs);
void observeExplain(pqxx::transaction_base& tx, const std::string& query, Observation& obs);
void observeDuplicates(pqxx::transaction_base& tx, const TableColumns& key, Observation& obs);
// {database, host, port, system_identifier} of the server behind the connection.
nlohmann::json serverSummary(pqxx::transaction_base& tx, const Target& target);

// A column value as JSON: numbers as numbers, booleans as bool, json as JSON, NULL as null,
// anything else as its text.
nlohmann::json fieldValue(const pqxx::field& field);
// The relation a name means under the search_path, as the server quotes it ("users",
// "app.users", "\"Users\""), or nothing when there is no such relation.
std::optional<std::string> resolveRelation(pqxx::transaction_base& tx, const std::string& name);
// 50000 -> "50,000"
std::string withThousands(long long value);

} // namespace hopscope::pg
