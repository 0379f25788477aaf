#pragma once

#include <QString>

#include <functional>

class QSqlDatabase;
class QSqlError;

// The one SQLite file Hopscope keeps its data in: check history and the runbook audit trail.
// Every part that uses the file opens its own connection through openDataFile(), which
// brings the schema up to date, so all tables exist whichever part opens the file first.
namespace hopscope {

// The schema this build writes (PRAGMA user_version): the number of migrations it knows.
int dataFileSchemaVersion();

// How long a statement waits for another connection's write lock before it fails.
inline constexpr int kDataFileBusyTimeoutMs = 5'000;

// Opens `path` on `db` (a connection added for the QSQLITE driver): creates the directory,
// switches the file to WAL, sets synchronous = NORMAL and the busy timeout, and migrates the
// schema. Returns the cause of a failure, empty on success: a directory that cannot be
// created or written, a file that is not a database, one written by a newer Hopscope, a lock.
QString openDataFile(QSqlDatabase& db, const QString& path);

// Runs `work` in one write transaction, committing when it returns no cause and rolling back
// otherwise. Returns the first cause: work's, or the transaction's own.
QString inWriteTransaction(QSqlDatabase& db, const std::function<QString()>& work);

// SQLite's own words when it gave any ("file is not a database"), Qt's otherwise.
QString sqlCause(const QSqlError& error);

} // namespace hopscope
