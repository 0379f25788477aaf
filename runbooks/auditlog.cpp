#include "auditlog.h"

#include "datafile.h"
#include "historystore.h"

#include <QDateTime>
#include <QDir>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QVariant>

#include <pwd.h>
#include <unistd.h>

#include <atomic>

namespace hopscope {

namespace {

// SQLite's NOT NULL holds for text: a null QString binds as NULL, an empty one as ''.
QString text(const QString& value)
{
    return value.isNull() ? QStringLiteral("") : value;
}

QVariant nullable(qint64 value)
{
    return value != 0 ? QVariant(value) : QVariant(QMetaType::fromType<qint64>());
}

constexpr const char* kRunColumns =
    "id, runbook_id, runbook_version, runbook_title, runbook_file, runbook_hash, environment, environment_file,"
    " protected, os_user, host, pid, params, dry_run, diagnosis, final_state, started_at, finished_at, outcome, resumes";
constexpr const char* kStepColumns =
    "run_id, seq, step_index, number, attempt, title, kind, changes, rendered, preview, confirm_text, confirmation,"
    " confirmed_at, started_at, finished_at, state, exit_status, message, output, duration_ms";

AuditRun runFrom(const QSqlQuery& q)
{
    AuditRun r;
    r.id = q.value(0).toString();
    r.runbookId = q.value(1).toString();
    r.runbookVersion = q.value(2).toString();
    r.runbookTitle = q.value(3).toString();
    r.runbookFile = q.value(4).toString();
    r.runbookHash = q.value(5).toString();
    r.environment = q.value(6).toString();
    r.environmentFile = q.value(7).toString();
    r.protectedEnvironment = q.value(8).toBool();
    r.osUser = q.value(9).toString();
    r.host = q.value(10).toString();
    r.pid = q.value(11).toLongLong();
    r.paramsJson = q.value(12).toString();
    r.dryRun = q.value(13).toBool();
    r.diagnosis = q.value(14).toString();
    r.finalState = q.value(15).toString();
    r.startedMs = q.value(16).toLongLong();
    r.finishedMs = q.value(17).toLongLong();
    r.outcome = q.value(18).toString();
    r.resumes = q.value(19).toInt();
    return r;
}

AuditStep stepFrom(const QSqlQuery& q)
{
    AuditStep s;
    s.runId = q.value(0).toString();
    s.seq = q.value(1).toInt();
    s.stepIndex = q.value(2).toInt();
    s.number = q.value(3).toString();
    s.attempt = q.value(4).toInt();
    s.title = q.value(5).toString();
    s.kind = q.value(6).toString();
    s.changes = q.value(7).toBool();
    s.rendered = q.value(8).toString();
    s.preview = q.value(9).toString();
    s.confirmText = q.value(10).toString();
    s.confirmation = q.value(11).toString();
    s.confirmedMs = q.value(12).toLongLong();
    s.startedMs = q.value(13).toLongLong();
    s.finishedMs = q.value(14).toLongLong();
    s.state = q.value(15).toString();
    if (!q.value(16).isNull())
        s.exitStatus = q.value(16).toInt();
    s.message = q.value(17).toString();
    s.output = q.value(18).toString();
    s.durationMs = q.value(19).isNull() ? -1 : q.value(19).toLongLong();
    return s;
}

} // namespace

QString currentOsUser()
{
    if (const passwd* pw = ::getpwuid(::geteuid()); pw && pw->pw_name)
        return QString::fromLocal8Bit(pw->pw_name);
    return qEnvironmentVariable("USER", QStringLiteral("uid %1").arg(::geteuid()));
}

QString currentHostName()
{
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) == 0)
        return QString::fromLocal8Bit(name);
    return QStringLiteral("unknown host");
}

QString capOutput(const QString& text, int maxBytes)
{
    const QByteArray bytes = text.toUtf8();
    if (bytes.size() <= maxBytes)
        return text;
    const qsizetype head = maxBytes * 3 / 4;
    const qsizetype tail = maxBytes - head;
    // fromUtf8 replaces a character cut in half rather than failing.
    return QString::fromUtf8(bytes.left(head))
         + QStringLiteral("\n[… %1 bytes left out …]\n").arg(bytes.size() - head - tail)
         + QString::fromUtf8(bytes.right(tail));
}

AuditLog::AuditLog()
{
    static std::atomic<quint64> instances{0};
    m_connection = QStringLiteral("hopscope-audit-%1").arg(instances.fetch_add(1));
}

AuditLog::~AuditLog()
{
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connection);
}

QString AuditLog::defaultPath()
{
    return HistoryStore::defaultPath();
}

bool AuditLog::fail(const QString& cause)
{
    m_error = QStringLiteral("%1: %2").arg(QDir::toNativeSeparators(m_path), cause);
    return false;
}

bool AuditLog::open(const QString& path)
{
    m_path = path;
    m_error.clear();
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    if (const QString cause = openDataFile(m_db, path); !cause.isEmpty())
        return fail(cause);
    // The history may lose its last results on power loss; the audit trail may not lose a record.
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("PRAGMA synchronous = FULL")))
        return fail(sqlCause(q.lastError()));
    return true;
}

bool AuditLog::write(const QString& sql, const QVariantList& values)
{
    if (!m_db.isOpen())
        return fail(tr("the audit trail is not open"));
    const QString cause = inWriteTransaction(m_db, [&]() -> QString {
        QSqlQuery q(m_db);
        q.prepare(sql);
        for (const QVariant& v : values)
            q.addBindValue(v);
        if (!q.exec())
            return sqlCause(q.lastError());
        return q.numRowsAffected() == 0 ? tr("no such run or step") : QString();
    });
    return cause.isEmpty() || fail(cause);
}

bool AuditLog::beginRun(AuditRun& run)
{
    if (run.id.isEmpty()) {
        run.id = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss-"))
               + QString::number(QRandomGenerator::system()->bounded(0x10000), 16).rightJustified(4, QLatin1Char('0'));
    }
    return write(QStringLiteral("INSERT INTO runbook_runs (%1) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
                     .arg(QLatin1String(kRunColumns)),
                 {run.id, text(run.runbookId), text(run.runbookVersion), text(run.runbookTitle), text(run.runbookFile),
                  text(run.runbookHash), text(run.environment), text(run.environmentFile), run.protectedEnvironment,
                  text(run.osUser), text(run.host), run.pid, text(run.paramsJson), run.dryRun, text(run.diagnosis),
                  text(run.finalState), run.startedMs, nullable(run.finishedMs),
                  run.outcome.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(run.outcome), run.resumes});
}

bool AuditLog::setDiagnosis(const QString& runId, const QString& markdown)
{
    return write(QStringLiteral("UPDATE runbook_runs SET diagnosis = ? WHERE id = ?"), {text(markdown), runId});
}

bool AuditLog::finishRun(const QString& runId, const QString& outcome, qint64 finishedMs)
{
    return write(QStringLiteral("UPDATE runbook_runs SET outcome = ?, finished_at = ? WHERE id = ?"),
                 {outcome, finishedMs, runId});
}

bool AuditLog::setFinalState(const QString& runId, const QString& markdown)
{
    return write(QStringLiteral("UPDATE runbook_runs SET final_state = ? WHERE id = ?"), {text(markdown), runId});
}

bool AuditLog::markResumed(const QString& runId, qint64 pid, const QString& host)
{
    return write(QStringLiteral("UPDATE runbook_runs SET resumes = resumes + 1, pid = ?, host = ?, outcome = NULL,"
                                " finished_at = NULL WHERE id = ?"),
                 {pid, host, runId});
}

bool AuditLog::recordStepStart(AuditStep& step)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT coalesce(max(seq), 0) + 1 FROM runbook_steps WHERE run_id = ?"));
    q.addBindValue(step.runId);
    if (!q.exec() || !q.next())
        return fail(sqlCause(q.lastError()));
    step.seq = q.value(0).toInt();
    q.finish();
    return write(QStringLiteral("INSERT INTO runbook_steps (%1) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
                     .arg(QLatin1String(kStepColumns)),
                 {step.runId, step.seq, step.stepIndex, text(step.number), step.attempt, text(step.title), text(step.kind),
                  step.changes, text(step.rendered), text(step.preview), text(step.confirmText), text(step.confirmation),
                  nullable(step.confirmedMs), step.startedMs, nullable(step.finishedMs), text(step.state),
                  step.exitStatus ? QVariant(*step.exitStatus) : QVariant(QMetaType::fromType<int>()), text(step.message),
                  text(capOutput(step.output)),
                  step.durationMs >= 0 ? QVariant(step.durationMs) : QVariant(QMetaType::fromType<qint64>())});
}

bool AuditLog::recordStepEnd(const AuditStep& step)
{
    return write(QStringLiteral("UPDATE runbook_steps SET finished_at = ?, state = ?, exit_status = ?, message = ?,"
                                " output = ?, duration_ms = ? WHERE run_id = ? AND seq = ?"),
                 {nullable(step.finishedMs), text(step.state),
                  step.exitStatus ? QVariant(*step.exitStatus) : QVariant(QMetaType::fromType<int>()), text(step.message),
                  text(capOutput(step.output)), step.durationMs >= 0 ? QVariant(step.durationMs) : QVariant(QMetaType::fromType<qint64>()),
                  step.runId, step.seq});
}

std::optional<AuditRun> AuditLog::run(const QString& id)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT %1 FROM runbook_runs WHERE id = ?").arg(QLatin1String(kRunColumns)));
    q.addBindValue(id);
    if (!q.exec()) {
        fail(sqlCause(q.lastError()));
        return std::nullopt;
    }
    if (!q.next())
        return std::nullopt;
    return runFrom(q);
}

std::vector<AuditRun> AuditLog::runs(int limit, bool unfinishedOnly)
{
    std::vector<AuditRun> out;
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT %1 FROM runbook_runs %2 ORDER BY started_at DESC, id DESC LIMIT ?")
                  .arg(QLatin1String(kRunColumns),
                       unfinishedOnly ? QStringLiteral("WHERE finished_at IS NULL AND dry_run = 0") : QString()));
    q.addBindValue(limit);
    if (!q.exec()) {
        fail(sqlCause(q.lastError()));
        return out;
    }
    while (q.next())
        out.push_back(runFrom(q));
    return out;
}

std::vector<AuditStep> AuditLog::steps(const QString& runId)
{
    std::vector<AuditStep> out;
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT %1 FROM runbook_steps WHERE run_id = ? ORDER BY seq").arg(QLatin1String(kStepColumns)));
    q.addBindValue(runId);
    if (!q.exec()) {
        fail(sqlCause(q.lastError()));
        return out;
    }
    while (q.next())
        out.push_back(stepFrom(q));
    return out;
}

} // namespace hopscope
