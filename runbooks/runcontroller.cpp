#include "runcontroller.h"

#include "stepexecutor.h"

#include <QDateTime>

namespace hopscope {

namespace {

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

StepState stateFromRecord(const QString& state)
{
    if (state == QLatin1String("passed"))
        return StepState::Passed;
    if (state == QLatin1String("failed"))
        return StepState::Failed;
    if (state == QLatin1String("skipped"))
        return StepState::Skipped;
    if (state == QLatin1String("aborted"))
        return StepState::Aborted;
    return StepState::Running;  // "running" or "unknown": nobody knows how it ended
}

} // namespace

QString stepStateName(StepState state)
{
    switch (state) {
    case StepState::Pending: return QStringLiteral("pending");
    case StepState::AwaitingConfirmation: return QStringLiteral("awaiting confirmation");
    case StepState::Running: return QStringLiteral("running");
    case StepState::Passed: return QStringLiteral("passed");
    case StepState::Failed: return QStringLiteral("failed");
    case StepState::Skipped: return QStringLiteral("skipped");
    case StepState::Aborted: return QStringLiteral("aborted");
    }
    return QStringLiteral("pending");
}

bool isFinal(StepState state)
{
    return state == StepState::Passed || state == StepState::Failed || state == StepState::Skipped
        || state == StepState::Aborted;
}

QString runOutcomeName(RunOutcome outcome)
{
    switch (outcome) {
    case RunOutcome::Passed: return QStringLiteral("passed");
    case RunOutcome::Failed: return QStringLiteral("failed");
    case RunOutcome::Aborted: return QStringLiteral("aborted");
    }
    return QStringLiteral("aborted");
}

ResumePoint findResumePoint(const RunPlan& plan, const std::vector<AuditStep>& records)
{
    ResumePoint point;
    point.states.assign(plan.steps.size(), StepState::Pending);
    point.attempts.assign(plan.steps.size(), 0);
    for (const AuditStep& r : records) {  // in seq order: the last attempt of a step wins
        if (r.stepIndex < 0 || std::size_t(r.stepIndex) >= plan.steps.size())
            continue;
        point.states[std::size_t(r.stepIndex)] = stateFromRecord(r.state);
        point.attempts[std::size_t(r.stepIndex)] = std::max(point.attempts[std::size_t(r.stepIndex)], r.attempt);
    }
    for (std::size_t p = 0; p < plan.topLevel.size(); ++p) {
        const PlanStep& step = plan.steps[std::size_t(plan.topLevel[p])];
        const StepState s = point.states[std::size_t(step.index)];
        const bool done = s == StepState::Passed || s == StepState::Skipped
                       || (s == StepState::Failed && step.step.continueOnFail);
        if (!done) {
            point.position = int(p);
            point.unknownOutcome = s == StepState::Running;
            point.unknownChanges = point.unknownOutcome && step.preview.changes;
            break;
        }
    }
    return point;
}

RunController::RunController(RunPlan plan, Options options, QObject* parent)
    : QObject(parent), m_plan(std::move(plan)), m_options(std::move(options)), m_executor(new StepExecutor(m_plan, this))
{
    qRegisterMetaType<hopscope::StepState>();
    qRegisterMetaType<hopscope::RunOutcome>();
    qRegisterMetaType<hopscope::ConfirmationRequest>();
    m_states.assign(m_plan.steps.size(), StepState::Pending);
    m_attempts.assign(m_plan.steps.size(), 0);
    connect(m_executor, &StepExecutor::output, this, [this](const QString& chunk) { emit outputReceived(m_current, chunk); });
    connect(m_executor, &StepExecutor::finished, this, &RunController::onStepFinished);
    connect(m_executor, &StepExecutor::previewReady, this, [this](const QString& text) {
        if (m_phase == Phase::Previewing)
            requestConfirmation(m_current, text);
    });
}

RunController::~RunController() = default;

bool RunController::openAudit()
{
    if (m_audit.open(m_options.dataFile.isEmpty() ? AuditLog::defaultPath() : m_options.dataFile))
        return true;
    m_error = m_audit.error();
    return false;
}

bool RunController::start(const QString& diagnosis)
{
    if (m_phase != Phase::Idle || !openAudit())
        return false;
    const Runbook& rb = m_plan.runbook;
    m_run.runbookId = QString::fromStdString(rb.id);
    m_run.runbookVersion = QString::fromStdString(rb.version);
    m_run.runbookTitle = QString::fromStdString(rb.title);
    m_run.runbookFile = QString::fromStdString(rb.file);
    m_run.runbookHash = m_options.runbookHash;
    m_run.environment = QString::fromStdString(m_plan.environment.name);
    m_run.environmentFile = m_options.environmentFile;
    m_run.protectedEnvironment = m_plan.environment.isProtected;
    m_run.osUser = currentOsUser();
    m_run.host = currentHostName();
    m_run.pid = QCoreApplication::applicationPid();
    m_run.paramsJson = QString::fromStdString(m_plan.paramsJson());
    m_run.dryRun = m_options.dryRun;
    m_run.diagnosis = m_plan.mask(diagnosis);
    m_run.startedMs = nowMs();
    if (!m_audit.beginRun(m_run)) {
        m_error = m_audit.error();
        return false;
    }
    if (m_options.dryRun) {
        for (const PlanStep& step : m_plan.steps)
            recordSkip(step.index, QStringLiteral("dry run"), QStringLiteral("dry run: rendered, not run"), QStringLiteral("skipped"));
        finish(RunOutcome::Passed);
        return true;
    }
    if (m_plan.topLevel.empty())
        finish(RunOutcome::Passed);
    else
        begin(m_plan.topLevel.front());
    return true;
}

bool RunController::resume(const AuditRun& run, const ResumePoint& point, bool rerunUnknown)
{
    if (m_phase != Phase::Idle || !openAudit())
        return false;
    m_run = run;
    if (!m_audit.markResumed(run.id, QCoreApplication::applicationPid(), currentHostName())) {
        m_error = m_audit.error();
        return false;
    }
    m_states = point.states;
    m_attempts = point.attempts;
    m_position = point.position < 0 ? int(m_plan.topLevel.size()) : point.position;
    const int unknown = point.unknownOutcome ? m_plan.topLevel[std::size_t(m_position)] : -1;
    // Rows left "running" by the process that died: their outcome is unknown, and says so.
    for (AuditStep record : m_audit.steps(run.id)) {
        if (record.state != QLatin1String("running"))
            continue;
        const bool skipUnknown = record.stepIndex == unknown && !rerunUnknown;
        record.state = skipUnknown ? QStringLiteral("skipped") : QStringLiteral("unknown");
        record.message = skipUnknown ? QStringLiteral("outcome unknown: the run stopped while this step ran; at resume "
                                                      "%1 chose not to run it again")
                                           .arg(currentOsUser())
                                     : QStringLiteral("outcome unknown: the run stopped while this step ran");
        record.finishedMs = nowMs();
        if (!m_audit.recordStepEnd(record)) {
            m_error = m_audit.error();
            return false;
        }
    }
    for (std::size_t i = 0; i < m_states.size(); ++i) {
        if (m_states[i] == StepState::Running)
            m_states[i] = int(i) == unknown && !rerunUnknown ? StepState::Skipped : StepState::Pending;
        emit stepStateChanged(int(i), m_states[i]);
    }
    if (unknown >= 0 && !rerunUnknown)
        ++m_position;
    if (m_position >= int(m_plan.topLevel.size()))
        finish(RunOutcome::Passed);
    else
        begin(m_plan.topLevel[std::size_t(m_position)]);
    return true;
}

void RunController::setState(int step, StepState state)
{
    m_states[std::size_t(step)] = state;
    emit stepStateChanged(step, state);
}

void RunController::begin(int step)
{
    m_current = step;
    ++m_attempts[std::size_t(step)];
    m_preview.clear();
    const PlanStep& ps = m_plan.steps[std::size_t(step)];
    if (!ps.preview.changes && ps.step.kind != Step::Kind::Manual) {
        execute(step, QStringLiteral("not needed: read-only"), 0);
        return;
    }
    m_phase = Phase::Previewing;
    m_executor->preview(ps);
}

void RunController::requestConfirmation(int step, const QString& sqlPreview)
{
    const PlanStep& ps = m_plan.steps[std::size_t(step)];
    m_preview = sqlPreview;
    m_request = ConfirmationRequest();
    m_request.id = m_nextRequest++;
    m_request.step = step;
    m_request.number = ps.number;
    m_request.title = ps.title;
    m_request.preview = ps.preview;
    m_request.sqlPreview = sqlPreview;
    m_request.confirmText = ps.confirmText;
    m_request.environment = QString::fromStdString(m_plan.environment.name);
    m_request.protectedEnvironment = m_plan.environment.isProtected && ps.preview.changes;
    m_request.manual = ps.step.kind == Step::Kind::Manual;
    m_phase = Phase::Awaiting;
    setState(step, StepState::AwaitingConfirmation);
    emit confirmationRequested(m_request);
}

void RunController::confirm(quint64 requestId, const QString& typedEnvironment, const QString& how)
{
    // Only the question on screen can be answered: a late or repeated answer confirms nothing.
    if (m_phase != Phase::Awaiting || requestId != m_request.id)
        return;
    if (m_request.protectedEnvironment && typedEnvironment != m_request.environment) {
        emit confirmationRejected(requestId, tr("%1 is a protected environment: type its name to confirm").arg(m_request.environment));
        return;
    }
    const QString confirmation = how.isEmpty() ? QStringLiteral("confirmed") : how;
    m_request.id = 0;
    execute(m_current, m_request.protectedEnvironment ? confirmation + QStringLiteral(", environment name typed") : confirmation,
            nowMs());
}

void RunController::execute(int step, const QString& confirmation, qint64 confirmedMs)
{
    const PlanStep& ps = m_plan.steps[std::size_t(step)];
    m_record = recordFor(step, confirmation);
    m_record.confirmedMs = confirmedMs;
    m_record.state = QStringLiteral("running");
    // Written before the step runs: if the process dies now, the record says it may have run.
    if (!m_audit.recordStepStart(m_record)) {
        stopForAudit();
        return;
    }
    m_phase = Phase::Running;
    setState(step, StepState::Running);
    m_executor->run(ps);
}

void RunController::onStepFinished(const StepResult& result)
{
    if (m_phase != Phase::Running)
        return;
    const int step = m_current;
    const bool aborted = m_record.state == QLatin1String("aborting");
    m_record.finishedMs = nowMs();
    m_record.durationMs = m_record.finishedMs - m_record.startedMs;
    m_record.state = aborted ? QStringLiteral("aborted") : result.ok ? QStringLiteral("passed") : QStringLiteral("failed");
    m_record.exitStatus = result.exitStatus;
    m_record.message = m_plan.mask(result.message);
    const PlanStep& ps = m_plan.steps[std::size_t(step)];
    if (!result.ok && ps.step.continueOnFail)
        m_record.message += QStringLiteral(" (allowed to fail: the run goes on)");
    m_record.output = m_plan.mask(result.output);
    const bool recorded = m_audit.recordStepEnd(m_record);
    emit stepFinished(step, result);
    if (!recorded) {
        setState(step, StepState::Failed);
        stopForAudit();
        return;
    }
    if (aborted) {
        setState(step, StepState::Aborted);
        finish(RunOutcome::Aborted);
        return;
    }
    if (result.ok) {
        setState(step, StepState::Passed);
        next(step);
        return;
    }
    setState(step, StepState::Failed);
    if (!ps.onFailure.empty())
        begin(ps.onFailure.front());
    else
        afterFailure(step);
}

void RunController::afterFailure(int step)
{
    const PlanStep& ps = m_plan.steps[std::size_t(step)];
    if (ps.parent >= 0 || ps.step.continueOnFail) {
        next(step);
        return;
    }
    m_current = step;
    m_phase = Phase::Deciding;
    emit decisionNeeded(step, m_record.message);
}

void RunController::next(int finishedStep)
{
    const PlanStep& ps = m_plan.steps[std::size_t(finishedStep)];
    if (ps.parent >= 0) {
        // An on-failure step: the next of its siblings, then back to the step that failed.
        const auto& siblings = m_plan.steps[std::size_t(ps.parent)].onFailure;
        const auto it = std::find(siblings.begin(), siblings.end(), finishedStep);
        if (it != siblings.end() && it + 1 != siblings.end())
            begin(*(it + 1));
        else
            afterFailure(ps.parent);
        return;
    }
    ++m_position;
    if (m_position >= int(m_plan.topLevel.size()))
        finish(RunOutcome::Passed);
    else
        begin(m_plan.topLevel[std::size_t(m_position)]);
}

AuditStep RunController::recordFor(int step, const QString& confirmation) const
{
    const PlanStep& ps = m_plan.steps[std::size_t(step)];
    AuditStep record;
    record.runId = m_run.id;
    record.stepIndex = step;
    record.number = ps.number;
    record.attempt = std::max(1, m_attempts[std::size_t(step)]);
    record.title = ps.title;
    record.kind = ps.preview.kind;
    record.changes = ps.preview.changes;
    record.rendered = ps.preview.rendered;
    record.preview = m_preview;
    record.confirmText = ps.confirmText;
    record.confirmation = confirmation;
    record.startedMs = nowMs();
    return record;
}

void RunController::recordSkip(int step, const QString& confirmation, const QString& message, const QString& state)
{
    AuditStep record = recordFor(step, confirmation);
    record.finishedMs = record.startedMs;
    record.durationMs = 0;
    record.state = state;
    record.message = message;
    if (!m_audit.recordStepStart(record))
        m_error = m_audit.error();
}

void RunController::skip()
{
    if (m_phase == Phase::Awaiting) {
        recordSkip(m_current, QStringLiteral("declined"), QStringLiteral("skipped by choice before it ran"), QStringLiteral("skipped"));
    } else if (m_phase == Phase::Deciding) {
        recordSkip(m_current, QString(), QStringLiteral("skipped by choice after it failed"), QStringLiteral("skipped"));
    } else {
        return;
    }
    if (!m_error.isEmpty()) {
        stopForAudit();
        return;
    }
    m_request.id = 0;
    const int step = m_current;
    setState(step, StepState::Skipped);
    next(step);
}

void RunController::retry()
{
    if (m_phase == Phase::Deciding)
        begin(m_current);
}

void RunController::abort()
{
    switch (m_phase) {
    case Phase::Idle:
    case Phase::Done:
        return;
    case Phase::Running:
        m_record.state = QStringLiteral("aborting");
        m_executor->stop();
        return;
    case Phase::Deciding:
        finish(RunOutcome::Failed);
        return;
    case Phase::Previewing:
    case Phase::Awaiting:
        recordSkip(m_current, QStringLiteral("declined"), QStringLiteral("the run was aborted here"), QStringLiteral("aborted"));
        setState(m_current, StepState::Aborted);
        finish(RunOutcome::Aborted);
        return;
    }
}

void RunController::stopForAudit()
{
    m_error = tr("the audit trail could not be written, so the run stopped: %1").arg(m_audit.error());
    finish(RunOutcome::Aborted);
}

void RunController::finish(RunOutcome outcome)
{
    m_phase = Phase::Done;
    m_request.id = 0;
    if (!m_audit.finishRun(m_run.id, runOutcomeName(outcome), nowMs()) && m_error.isEmpty())
        m_error = m_audit.error();
    emit finished(outcome);
}

} // namespace hopscope
