#include "sqlrunner.h"

#include <libpq-fe.h>

#include <QMetaObject>
#include <QPointer>

#include <mutex>
#include <regex>
#include <thread>

namespace hopscope {

struct SqlRunner::Shared {
    std::mutex mutex;
    PGcancel* cancel = nullptr;  // of the statement in progress
    bool cancelled = false;
    std::thread thread;
    bool busy = false;
};

namespace {

QString text(const char* s)
{
    return QString::fromUtf8(s ? s : "").trimmed();
}

// The server's words, then its DETAIL: "could not create unique index ... Key (email)=(a@b) is duplicated."
QString errorOf(PGconn* conn, const PGresult* res)
{
    if (!res)
        return text(PQerrorMessage(conn));
    QString message = text(PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
    if (message.isEmpty())
        message = text(PQresultErrorMessage(res));
    if (const QString detail = text(PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL)); !detail.isEmpty())
        message += QStringLiteral(" (") + detail + QLatin1Char(')');
    return message;
}

QString table(const PGresult* res, qint64& rows)
{
    rows = PQntuples(res);
    const int columns = PQnfields(res);
    if (columns == 0)
        return {};
    QStringList lines;
    QStringList header;
    for (int c = 0; c < columns; ++c)
        header << text(PQfname(res, c));
    lines << header.join(QStringLiteral(" | "));
    for (int r = 0; r < rows && r < SqlRunner::kMaxRows; ++r) {
        QStringList cells;
        for (int c = 0; c < columns; ++c)
            cells << (PQgetisnull(res, r, c) ? QStringLiteral("NULL") : QString::fromUtf8(PQgetvalue(res, r, c)));
        lines << cells.join(QStringLiteral(" | "));
    }
    if (rows > SqlRunner::kMaxRows)
        lines << QStringLiteral("… and %1 more rows").arg(rows - SqlRunner::kMaxRows);
    return lines.join(QLatin1Char('\n'));
}

class Connection {
public:
    Connection(const SqlJob& job, SqlRunner::Shared& shared) : m_shared(shared)
    {
        // The DSN comes last so that what it says wins over these defaults.
        const char* keys[] = {"application_name", "connect_timeout", "dbname", nullptr};
        const char* values[] = {"hopscope-runbook", "10", job.dsn.c_str(), nullptr};
        m_conn = PQconnectdbParams(keys, values, 1);
        if (PQstatus(m_conn) == CONNECTION_OK) {
            std::lock_guard lock(m_shared.mutex);
            m_shared.cancel = PQgetCancel(m_conn);
        }
    }
    ~Connection()
    {
        {
            std::lock_guard lock(m_shared.mutex);
            if (m_shared.cancel)
                PQfreeCancel(m_shared.cancel);
            m_shared.cancel = nullptr;
        }
        PQfinish(m_conn);
    }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    bool ok() const { return PQstatus(m_conn) == CONNECTION_OK; }
    QString error() const { return QStringLiteral("could not connect: ") + text(PQerrorMessage(m_conn)); }

    // Runs a statement; false with outcome.message set when it fails.
    bool exec(const std::string& sql, const std::vector<std::string>& params, SqlOutcome& outcome)
    {
        std::vector<const char*> values;
        for (const auto& p : params)
            values.push_back(p.c_str());
        PGresult* res = PQexecParams(m_conn, sql.c_str(), int(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
        const ExecStatusType status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
        const bool good = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
        if (good) {
            outcome.message = text(PQcmdStatus(res));
            qint64 returned = 0;
            outcome.output = table(res, returned);
            const QString affected = text(PQcmdTuples(res));
            outcome.rows = affected.isEmpty() ? returned : affected.toLongLong();
        } else {
            outcome.message = errorOf(m_conn, res);
        }
        PQclear(res);
        return good;
    }
    bool exec(const std::string& sql, SqlOutcome& scratch) { return exec(sql, {}, scratch); }

private:
    SqlRunner::Shared& m_shared;
    PGconn* m_conn = nullptr;
};

std::string withoutTrailingSemicolon(std::string sql)
{
    while (!sql.empty() && (std::isspace(static_cast<unsigned char>(sql.back())) || sql.back() == ';'))
        sql.pop_back();
    return sql;
}

SqlOutcome runJob(const SqlJob& job, SqlRunner::Shared& shared)
{
    SqlOutcome outcome;
    Connection conn(job, shared);
    if (!conn.ok()) {
        outcome.message = conn.error();
        return outcome;
    }
    SqlOutcome scratch;
    const std::string timeout = "SET statement_timeout = " + std::to_string(job.timeout.count());
    const std::string statement = withoutTrailingSemicolon(job.statement);
    using Mode = SqlJob::Mode;
    if (job.mode == Mode::ExecuteAlone) {
        if (!conn.exec(timeout, scratch)) {
            outcome.message = scratch.message;
            return outcome;
        }
        outcome.ok = conn.exec(statement, job.params, outcome);
        return outcome;
    }
    const bool readOnly = job.mode == Mode::ReadOnly || job.mode == Mode::PreviewPlan;
    if (!conn.exec(readOnly ? "BEGIN READ ONLY" : "BEGIN", scratch) || !conn.exec(timeout, scratch)
        || !conn.exec("SET LOCAL lock_timeout = '10s'", scratch)) {
        outcome.message = scratch.message;
        return outcome;
    }
    switch (job.mode) {
    case Mode::PreviewRows: {
        // The rows as they would be after the change; the transaction is rolled back below.
        static const std::regex returning("\\breturning\\b", std::regex::icase);
        const std::string wrapped = "WITH hopscope_preview AS (\n" + statement
                                  + (std::regex_search(statement, returning) ? "" : "\nRETURNING *")
                                  + "\n) SELECT * FROM hopscope_preview";
        conn.exec("SAVEPOINT hopscope_preview", scratch);
        outcome.ok = conn.exec(wrapped, job.params, outcome);
        if (outcome.ok) {
            outcome.message = QStringLiteral("%1 rows would change").arg(outcome.rows);
        } else {
            // Not a statement RETURNING fits: run it as it is and count what it changes.
            conn.exec("ROLLBACK TO SAVEPOINT hopscope_preview", scratch);
            outcome.ok = conn.exec(statement, job.params, outcome);
        }
        break;
    }
    case Mode::PreviewPlan:
        outcome.ok = conn.exec("EXPLAIN " + statement, job.params, outcome);
        break;
    default:
        outcome.ok = conn.exec(statement, job.params, outcome);
        break;
    }
    const bool commit = outcome.ok && job.mode == Mode::Execute;
    if (!conn.exec(commit ? "COMMIT" : "ROLLBACK", scratch) && commit) {
        outcome.ok = false;
        outcome.message = QStringLiteral("COMMIT failed: ") + scratch.message;
    }
    return outcome;
}

} // namespace

SqlRunner::SqlRunner(QObject* parent) : QObject(parent), m_shared(std::make_shared<Shared>())
{
    qRegisterMetaType<hopscope::SqlOutcome>();
}

SqlRunner::~SqlRunner()
{
    cancel();
    if (m_shared->thread.joinable())
        m_shared->thread.join();
}

bool SqlRunner::isBusy() const
{
    return m_shared->busy;
}

void SqlRunner::start(SqlJob job)
{
    if (m_shared->thread.joinable())
        m_shared->thread.join();  // the previous job has reported, so this returns at once
    m_shared->busy = true;
    {
        std::lock_guard lock(m_shared->mutex);
        m_shared->cancelled = false;
    }
    QPointer<SqlRunner> self(this);
    m_shared->thread = std::thread([shared = m_shared, job = std::move(job), self] {
        SqlOutcome outcome = runJob(job, *shared);
        QMetaObject::invokeMethod(
            self.data(),
            [self, outcome] {
                if (!self)
                    return;
                self->m_shared->busy = false;
                emit self->finished(outcome);
            },
            Qt::QueuedConnection);
    });
}

void SqlRunner::cancel()
{
    std::lock_guard lock(m_shared->mutex);
    m_shared->cancelled = true;
    if (m_shared->cancel) {
        char error[256];
        PQcancel(m_shared->cancel, error, sizeof error);
    }
}

} // namespace hopscope
