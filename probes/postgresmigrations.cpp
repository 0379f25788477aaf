// The migrations builtin: the version table against the head revision, the check behind
// "migrations never ran" (incident 003) and "the job wrote somewhere else" (incident 001).

#include "postgresbuiltins.h"

#include <pqxx/pqxx>

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace hopscope::pg {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

bool allDigits(const std::string& text)
{
    return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

// "0009_add_x.sql" -> "0009", "V3__init.sql" -> "3", "20240101120000_x.sql" -> the timestamp.
std::optional<std::string> versionOf(const std::string& fileName)
{
    std::size_t begin = 0;
    if (fileName.size() > 1 && (fileName[0] == 'V' || fileName[0] == 'v') && std::isdigit(static_cast<unsigned char>(fileName[1])))
        begin = 1;  // Flyway
    std::size_t end = begin;
    while (end < fileName.size() && std::isdigit(static_cast<unsigned char>(fileName[end])))
        ++end;
    if (end == begin)
        return std::nullopt;
    return fileName.substr(begin, end - begin);
}

// Numeric order when both are numbers, so "10" follows "9" and "0010" equals "10" (a version
// column of type bigint reads back without the file name's padding); text order otherwise.
bool versionLess(const std::string& a, const std::string& b)
{
    if (allDigits(a) && allDigits(b)) {
        const auto strip = [](const std::string& s) {
            const auto first = s.find_first_not_of('0');
            return first == std::string::npos ? std::string("0") : s.substr(first);
        };
        const std::string x = strip(a), y = strip(b);
        return x.size() != y.size() ? x.size() < y.size() : x < y;
    }
    return a < b;
}

bool versionEqual(const std::string& a, const std::string& b)
{
    return !versionLess(a, b) && !versionLess(b, a);
}

// The distinct versions of the numbered files in dir, oldest first (up and down files of one
// migration count once). A relative dir is taken from the process's working directory: the
// loader is expected to make it absolute against the environment file's own directory.
std::vector<std::string> versionsIn(const std::string& dir)
{
    std::error_code error;
    if (!fs::is_directory(fs::path(dir), error)) {
        std::string where = dir;
        if (fs::path(dir).is_relative())
            where += " (relative to " + fs::current_path(error).string() + ")";
        throw ProbeError("the migrations directory " + where + " does not exist");
    }
    std::vector<std::string> versions;
    for (const auto& entry : fs::directory_iterator(fs::path(dir), error)) {
        if (!entry.is_regular_file(error))
            continue;
        if (auto version = versionOf(entry.path().filename().string()))
            versions.push_back(*version);
    }
    std::sort(versions.begin(), versions.end(), versionLess);
    versions.erase(std::unique(versions.begin(), versions.end(), versionEqual), versions.end());
    return versions;
}

} // namespace

void observeMigrations(pqxx::transaction_base& tx, const MigrationSpec& spec, Observation& obs)
{
    std::vector<std::string> onDisk;
    if (!spec.expectedFrom.empty()) {
        onDisk = versionsIn(spec.expectedFrom);
        if (onDisk.empty() && spec.expected.empty())
            throw ProbeError("no numbered migration files in " + spec.expectedFrom);
    }
    const std::optional<std::string> expected =
        !spec.expected.empty() ? std::optional(spec.expected) : onDisk.empty() ? std::nullopt : std::optional(onDisk.back());
    obs.observed["expected"] = expected ? json(*expected) : json(nullptr);

    std::optional<std::string> applied;
    const auto relation = resolveRelation(tx, spec.table);
    if (!relation) {
        obs.observed["missing_tables"] = json::array({spec.table});
        obs.observed["message"] = "version table " + spec.table + " does not exist: migrations never ran";
    } else {
        obs.observed["missing_tables"] = json::array();
        const std::string column = tx.quote_name(spec.column);
        long long count = 0;
        for (const auto& row : tx.exec_params("select " + column + "::text from " + *relation + " where " + column + " is not null")) {
            ++count;
            const std::string version = row[0].c_str();
            if (!applied || versionLess(*applied, version))
                applied = version;
        }
        obs.observed["applied_count"] = count;
        if (!applied)
            obs.observed["message"] = "version table " + spec.table + " is empty: no migration has run";
        // golang-migrate marks a migration that failed halfway as dirty (incident 000).
        const auto dirty = tx.exec_params1(
            "select exists (select 1 from pg_attribute where attrelid = to_regclass($1::text)"
            " and attname = 'dirty' and not attisdropped)", spec.table);
        if (dirty[0].as<bool>())
            obs.observed["dirty"] = tx.exec_params1("select coalesce(bool_or(dirty), false) from " + *relation)[0].as<bool>();
    }
    obs.observed["applied"] = applied ? json(*applied) : json(nullptr);

    long long pending = 0;
    if (!onDisk.empty()) {
        pending = std::count_if(onDisk.begin(), onDisk.end(),
                                [&](const std::string& v) { return !applied || versionLess(*applied, v); });
    } else if (expected) {
        pending = !applied || !versionEqual(*applied, *expected) ? 1 : 0;
    }
    obs.observed["pending"] = pending;
    obs.observed["value"] = pending;

    const std::string head = expected ? *expected : std::string("?");
    if (!relation)
        obs.figure = "migrations never ran";
    else if (!applied)
        obs.figure = "no migration applied · head " + head;
    else if (!expected)
        obs.figure = "rev " + *applied;
    else if (versionEqual(*applied, *expected))
        obs.figure = "rev " + *applied + " = head";
    else
        obs.figure = "rev " + *applied + " ≠ head " + head + (versionLess(*expected, *applied) ? " (ahead)" : "");
    if (obs.observed.value("dirty", false))
        obs.figure += " · dirty";
}

} // namespace hopscope::pg
