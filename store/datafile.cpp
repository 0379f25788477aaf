#include "datafile.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <iterator>
#include <span>

Q_LOGGING_CATEGORY(lcDataFile, "hopscope.datafile")

namespace hopscope {

namespace {

// Each entry moves a file from schema version i to i + 1. Append entries, never edit one:
// files already written were made by it.
constexpr const char* kHistoryTables[] = {
    // Results name their series by a small integer, so a result row stays a few bytes.
    // raw_since: raw results of the series are complete from this time (ms) on; pruning
    // moves it forward, and charts read aggregates for anything earlier.
    "CREATE TABLE series ("
    " id INTEGER PRIMARY KEY,"
    " file TEXT NOT NULL, environment TEXT NOT NULL, hop TEXT NOT NULL, check_name TEXT NOT NULL,"
    " raw_since INTEGER NOT NULL DEFAULT 0,"
    " UNIQUE (file, environment, hop, check_name))",
    // Clustered by series and time: a chart's range is one contiguous read. Latency in whole
    // microseconds, an integer of 2-4 bytes rather than an 8-byte REAL.
    "CREATE TABLE results ("
    " series_id INTEGER NOT NULL REFERENCES series (id),"
    " t INTEGER NOT NULL,"
    " status INTEGER NOT NULL,"
    " latency_us INTEGER, figure REAL, figure_limit REAL,"
    " PRIMARY KEY (series_id, t)) WITHOUT ROWID",
    // One row per series and minute (minutes since the epoch), kept up to date on insert.
    "CREATE TABLE minutes ("
    " series_id INTEGER NOT NULL REFERENCES series (id),"
    " minute INTEGER NOT NULL,"
    " samples INTEGER NOT NULL, failures INTEGER NOT NULL, worst_status INTEGER NOT NULL,"
    " measured INTEGER NOT NULL, latency_min_us INTEGER, latency_max_us INTEGER,"
    " latency_sum_us INTEGER NOT NULL, figure REAL, figure_limit REAL,"
    " PRIMARY KEY (series_id, minute)) WITHOUT ROWID",
};
// The runbook audit trail (runbooks/auditlog.h): one row per run, and one per step attempt,
// written before the step runs and updated after, so a killed run leaves a "running" row: a
// step whose outcome is unknown. Times are ms since the epoch, UTC.
constexpr const char* kAuditTables[] = {
    "CREATE TABLE runbook_runs ("
    " id TEXT PRIMARY KEY,"
    " runbook_id TEXT NOT NULL, runbook_version TEXT NOT NULL, runbook_title TEXT NOT NULL,"
    " runbook_file TEXT NOT NULL, runbook_hash TEXT NOT NULL,"
    " environment TEXT NOT NULL, environment_file TEXT NOT NULL, protected INTEGER NOT NULL,"
    " os_user TEXT NOT NULL, host TEXT NOT NULL, pid INTEGER NOT NULL,"
    " params TEXT NOT NULL,"  // JSON; secret values are never stored
    " dry_run INTEGER NOT NULL,"
    " diagnosis TEXT NOT NULL DEFAULT '', final_state TEXT NOT NULL DEFAULT '',"
    " started_at INTEGER NOT NULL, finished_at INTEGER, outcome TEXT,"
    " resumes INTEGER NOT NULL DEFAULT 0)",
    "CREATE TABLE runbook_steps ("
    " run_id TEXT NOT NULL REFERENCES runbook_runs (id),"
    " seq INTEGER NOT NULL,"
    " step_index INTEGER NOT NULL, number TEXT NOT NULL, attempt INTEGER NOT NULL,"
    " title TEXT NOT NULL, kind TEXT NOT NULL, changes INTEGER NOT NULL,"
    " rendered TEXT NOT NULL, preview TEXT NOT NULL DEFAULT '',"
    " confirm_text TEXT NOT NULL DEFAULT '', confirmation TEXT NOT NULL, confirmed_at INTEGER,"
    " started_at INTEGER NOT NULL, finished_at INTEGER,"
    " state TEXT NOT NULL, exit_status INTEGER, message TEXT NOT NULL DEFAULT '',"
    " output TEXT NOT NULL DEFAULT '', duration_ms INTEGER,"
    " PRIMARY KEY (run_id, seq))",
    "CREATE INDEX runbook_runs_started ON runbook_runs (started_at)",
};
constexpr std::span<const char* const> kMigrations[] = {kHistoryTables, kAuditTables};

QString tr(const char* text)
{
    return QCoreApplication::translate("hopscope::DataFile", text);
}

// Empty on success, like every function here.
QString exec(QSqlDatabase& db, const QString& sql)
{
    QSqlQuery q(db);
    return q.exec(sql) ? QString() : sqlCause(q.lastError());
}

// Returns the single value of a one-row pragma, or sets `cause`.
QVariant pragma(QSqlDatabase& db, const QString& sql, QString& cause)
{
    QSqlQuery q(db);
    if (!q.exec(sql) || !q.next()) {
        cause = sqlCause(q.lastError());
        return {};
    }
    return q.value(0);
}

QString migrate(QSqlDatabase& db)
{
    const int latest = dataFileSchemaVersion();
    QString cause;
    const int found = pragma(db, QStringLiteral("PRAGMA user_version"), cause).toInt();
    if (!cause.isEmpty() || found == latest)
        return cause;
    return inWriteTransaction(db, [&]() -> QString {
        // Read again under the write lock: another connection may have migrated meanwhile.
        const int version = pragma(db, QStringLiteral("PRAGMA user_version"), cause).toInt();
        if (!cause.isEmpty())
            return cause;
        if (version > latest)
            return tr("written by a newer Hopscope (schema version %1; this one knows up to %2)")
                .arg(version)
                .arg(latest);
        for (int v = version; v < latest; ++v) {
            for (const char* statement : kMigrations[v]) {
                if (cause = exec(db, QString::fromLatin1(statement)); !cause.isEmpty())
                    return cause;
            }
        }
        return exec(db, QStringLiteral("PRAGMA user_version = %1").arg(latest));
    });
}

} // namespace

int dataFileSchemaVersion()
{
    return int(std::size(kMigrations));
}

QString sqlCause(const QSqlError& error)
{
    return error.databaseText().isEmpty() ? error.text() : error.databaseText();
}

QString inWriteTransaction(QSqlDatabase& db, const std::function<QString()>& work)
{
    // IMMEDIATE takes the write lock up front, where busy_timeout can wait for it; a deferred
    // transaction upgrading to write in WAL mode fails at once when another writer got there.
    QString cause = exec(db, QStringLiteral("BEGIN IMMEDIATE"));
    if (!cause.isEmpty())
        return cause;
    cause = work();
    if (cause.isEmpty())
        cause = exec(db, QStringLiteral("COMMIT"));
    if (!cause.isEmpty())
        exec(db, QStringLiteral("ROLLBACK"));
    return cause;
}

QString openDataFile(QSqlDatabase& db, const QString& path)
{
    const QString dir = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(dir))
        return tr("cannot create the directory %1").arg(QDir::toNativeSeparators(dir));
    // SQLite creates the -wal and -shm files beside the database.
    if (!QFileInfo(dir).isWritable())
        return tr("the directory %1 is not writable").arg(QDir::toNativeSeparators(dir));
    if (!db.isValid())
        return tr("Qt's SQLite driver (QSQLITE) is not installed");

    db.setDatabaseName(path);
    if (!db.open())
        return sqlCause(db.lastError());
    // SQLite reads nothing before the first statement: a file that is not a database, or one
    // locked by another process, fails from here on.
    QString cause = exec(db, QStringLiteral("PRAGMA busy_timeout = %1").arg(kDataFileBusyTimeoutMs));
    if (cause.isEmpty())
        cause = migrate(db);
    if (!cause.isEmpty())
        return cause;
    // WAL lets charts read while results are written. Some file systems (network shares)
    // cannot do WAL; the file still works, readers just wait for writers.
    const QString mode = pragma(db, QStringLiteral("PRAGMA journal_mode = WAL"), cause).toString();
    if (!cause.isEmpty())
        return cause;
    if (mode != QLatin1String("wal"))
        qCWarning(lcDataFile) << path << "stays in journal mode" << mode << "instead of WAL";
    // NORMAL may lose the last commits on power loss, never the file's consistency. After a
    // checkpoint, the WAL file is truncated back to 16 MB.
    cause = exec(db, QStringLiteral("PRAGMA synchronous = NORMAL"));
    if (cause.isEmpty())
        cause = exec(db, QStringLiteral("PRAGMA journal_size_limit = %1").arg(16 * 1024 * 1024));
    return cause;
}

} // namespace hopscope
