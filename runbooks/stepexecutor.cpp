#include "stepexecutor.h"

#include "auditlog.h"
#include "commandrunner.h"
#include "scheduler.h"
#include "sqlrunner.h"

#include <QStringDecoder>
#include <QTimer>

#include <algorithm>

namespace hopscope {

namespace {

using namespace std::chrono_literals;

constexpr std::chrono::milliseconds kCommandTimeout = 10min;
constexpr std::chrono::milliseconds kSqlTimeout = 10min;
constexpr std::chrono::milliseconds kPreviewTimeout = 1min;
constexpr std::chrono::milliseconds kCheckTimeout = 30s;

SqlJob sqlJob(const PlanStep& step, SqlJob::Mode mode, std::chrono::milliseconds timeout)
{
    SqlJob job;
    job.mode = mode;
    job.dsn = step.step.sql.dsn;
    job.statement = step.step.sql.statement;
    job.params = step.step.sql.params;
    job.timeout = timeout;
    return job;
}

QString describeObserved(const CheckResult& r)
{
    const nlohmann::json& o = r.observed;
    if (o.contains("stdout") && o["stdout"].is_string()) {
        QString text = QString::fromStdString(o["stdout"].get<std::string>());
        if (o.contains("stderr") && o["stderr"].is_string() && !o["stderr"].get<std::string>().empty())
            text += QStringLiteral("\n[stderr]\n") + QString::fromStdString(o["stderr"].get<std::string>());
        return text;
    }
    if (o.contains("status") && o.contains("body") && o["body"].is_string())
        return QStringLiteral("HTTP %1\n%2").arg(QString::fromStdString(o["status"].dump()), QString::fromStdString(o["body"].get<std::string>()));
    if (o.contains("rows"))
        return QString::fromStdString(o["rows"].dump(2));
    return QString::fromStdString(o.dump(2));
}

} // namespace

StepExecutor::StepExecutor(const RunPlan& plan, QObject* parent)
    : QObject(parent), m_plan(plan), m_command(new CommandRunner(this)), m_sql(new SqlRunner(this)), m_poll(new QTimer(this))
{
    qRegisterMetaType<hopscope::StepResult>();
    m_poll->setSingleShot(true);
    connect(m_command, &CommandRunner::output, this, [this](const QByteArray& chunk) { appendOutput(chunk); });
    connect(m_command, &CommandRunner::finished, this, &StepExecutor::onCommandFinished);
    connect(m_sql, &SqlRunner::finished, this, &StepExecutor::onSqlFinished);
    connect(m_poll, &QTimer::timeout, this, [this] {
        if (m_step)
            runCheck(m_step->step.wait.check);
    });
}

StepExecutor::~StepExecutor() = default;

void StepExecutor::preview(const PlanStep& step)
{
    m_step = &step;
    const SqlStep& sql = step.step.sql;
    if (step.step.kind != Step::Kind::Sql || !step.sql.changes() || !sql.transaction) {
        QTimer::singleShot(0, this, [this, step = &step] {
            emit previewReady(step->step.kind == Step::Kind::Sql && !step->step.sql.transaction
                                  ? QStringLiteral("No preview: the statement cannot run in a transaction, so a trial "
                                                   "run could not be undone.")
                                  : QString());
        });
        return;
    }
    const SqlJob::Mode mode = step.sql.kind == SqlShape::Kind::Rows          ? SqlJob::Mode::PreviewRows
                            : step.sql.kind == SqlShape::Kind::SideEffects ? SqlJob::Mode::PreviewPlan
                                                                             : SqlJob::Mode::PreviewTrial;
    m_previewing = true;
    m_sql->start(sqlJob(step, mode, std::min(step.step.timeout.value_or(kPreviewTimeout), kPreviewTimeout)));
}

void StepExecutor::run(const PlanStep& step)
{
    m_step = &step;
    m_running = true;
    m_started = std::chrono::steady_clock::now();
    m_pending.clear();
    m_output.clear();
    m_shownBytes = m_droppedBytes = 0;
    const Step& s = step.step;
    switch (s.kind) {
    case Step::Kind::Manual:
    case Step::Kind::Tour:
        QTimer::singleShot(0, this, [this] { complete({true, std::nullopt, QStringLiteral("done"), {}}); });
        return;
    case Step::Kind::Check:
    case Step::Kind::Http:
        runCheck(s.check);
        return;
    case Step::Kind::Wait:
        m_waitDeadline = m_started + s.wait.timeout;
        runCheck(s.wait.check);
        return;
    case Step::Kind::Command:
        m_command->start(std::get<CommandProbe>(s.check.probe), s.timeout.value_or(kCommandTimeout));
        return;
    case Step::Kind::Sql: {
        const SqlJob::Mode mode = !s.sql.transaction ? SqlJob::Mode::ExecuteAlone
                                : step.sql.changes() ? SqlJob::Mode::Execute
                                                     : SqlJob::Mode::ReadOnly;
        m_sql->start(sqlJob(step, mode, s.timeout.value_or(kSqlTimeout)));
        return;
    }
    }
}

void StepExecutor::stop()
{
    if (!m_running)
        return;
    m_poll->stop();
    m_command->stop();
    m_sql->cancel();
    if (m_scheduler) {
        m_scheduler->cancel();
        if (m_step && (m_step->step.kind == Step::Kind::Check || m_step->step.kind == Step::Kind::Http
                       || m_step->step.kind == Step::Kind::Wait))
            complete({false, std::nullopt, QStringLiteral("stopped"), {}});
    }
}

void StepExecutor::runCheck(const Check& check)
{
    if (!m_scheduler) {
        m_scheduler = std::make_unique<Scheduler>(makeProbers());
        m_scheduler->setDefaultTimeout(kCheckTimeout);
        connect(m_scheduler.get(), &Scheduler::resultReady, this, &StepExecutor::onCheckResult);
    }
    // The check is rendered already; it runs as the only check of a one-hop environment.
    Environment env;
    env.name = "runbook";
    Hop hop;
    hop.id = "step";
    hop.checks.push_back(check);
    hop.checks.back().name = "probe " + std::to_string(++m_probeToken);
    env.hops.push_back(std::move(hop));
    m_scheduler->setEnvironments({std::move(env)});
    m_scheduler->probeNow();
}

void StepExecutor::onCheckResult(const CheckResult& raw)
{
    if (!m_running || !m_step || raw.check != "probe " + std::to_string(m_probeToken))
        return;
    CheckResult r = raw;
    maskSecrets(r, m_plan.secretValues);
    const bool ok = r.status == CheckStatus::Pass || r.status == CheckStatus::Warn;
    const QString message = QString::fromStdString(r.message.empty() ? std::string(toString(r.status)) : r.message);
    std::optional<int> status;
    for (const char* key : {"status", "exit_code"}) {
        if (r.observed.contains(key) && r.observed[key].is_number_integer())
            status = r.observed[key].get<int>();
    }
    if (m_step->step.kind != Step::Kind::Wait) {
        appendOutput(describeObserved(r).toUtf8(), true);
        complete({ok, status, message, m_output});
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - m_started);
    appendOutput(QStringLiteral("%1 after %2: %3\n")
                     .arg(ok ? QStringLiteral("passed") : QStringLiteral("not yet"),
                          QString::fromStdString(humanDuration(elapsed)), message)
                     .toUtf8(),
                 true);
    if (ok)
        complete({true, status, message, m_output});
    else if (now + m_step->step.wait.every > m_waitDeadline)
        complete({false, status,
                  QStringLiteral("still failing after %1: %2")
                      .arg(QString::fromStdString(humanDuration(m_step->step.wait.timeout)), message),
                  m_output});
    else
        m_poll->start(m_step->step.wait.every);
}

void StepExecutor::onSqlFinished(const SqlOutcome& outcome)
{
    const QString message = m_plan.mask(outcome.message);
    const QString rows = m_plan.mask(outcome.output);
    if (m_previewing) {
        m_previewing = false;
        emit previewReady(outcome.ok ? message + (rows.isEmpty() ? QString() : QStringLiteral("\n") + rows)
                                     : QStringLiteral("The preview failed: ") + message);
        return;
    }
    if (!m_running)
        return;
    appendOutput((message + QLatin1Char('\n') + rows).toUtf8(), true);
    complete({outcome.ok, std::nullopt, message, m_output});
}

void StepExecutor::onCommandFinished(int exitCode, const QString& error)
{
    if (!m_running || !m_step)
        return;
    appendOutput({}, true);
    const int expected = m_step->step.expectExit;
    if (!error.isEmpty()) {
        complete({false, std::nullopt, m_plan.mask(error), m_output});
        return;
    }
    const bool ok = exitCode == expected;
    complete({ok, exitCode,
              ok ? QStringLiteral("exited %1").arg(exitCode)
                 : QStringLiteral("exited %1 (expected %2)").arg(exitCode).arg(expected),
              m_output});
}

void StepExecutor::appendOutput(const QByteArray& bytes, bool flush)
{
    m_pending += bytes;
    // A secret may arrive split across two chunks: hold back what could be the start of one.
    std::size_t longest = 0;
    for (const auto& s : m_plan.secretValues)
        longest = std::max(longest, s.size());
    qsizetype cut = flush ? m_pending.size() : std::max<qsizetype>(0, m_pending.size() - qsizetype(longest) + 1);
    for (const auto& secret : m_plan.secretValues) {
        const QByteArray needle = QByteArray::fromStdString(secret);
        for (qsizetype at = m_pending.indexOf(needle); at >= 0 && at < cut; at = m_pending.indexOf(needle, at + 1))
            cut = std::max(cut, at + needle.size());
    }
    if (cut <= 0)
        return;
    const QByteArray ready = m_pending.left(cut);
    m_pending.remove(0, cut);
    if (m_shownBytes >= kMaxStreamBytes) {
        m_droppedBytes += ready.size();
        return;
    }
    const QString text = m_plan.mask(m_decoder.decode(ready));
    m_shownBytes += ready.size();
    QString shown = text;
    if (m_shownBytes >= kMaxStreamBytes)
        shown += QStringLiteral("\n[output capped at %1 KiB; the rest is not shown]\n").arg(kMaxStreamBytes / 1024);
    m_output += shown;
    emit output(shown);
}

void StepExecutor::complete(StepResult result)
{
    if (!m_running)
        return;
    m_running = false;
    m_poll->stop();
    if (m_droppedBytes > 0)
        result.message += QStringLiteral(" (%1 bytes of output not shown)").arg(m_droppedBytes);
    result.output = capOutput(result.output);
    emit finished(result);
}

} // namespace hopscope
