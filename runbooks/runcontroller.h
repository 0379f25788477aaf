#pragma once

#include "auditlog.h"
#include "runplan.h"
#include "runstate.h"

#include <QObject>

#include <memory>
#include <vector>

namespace hopscope {

class StepExecutor;

// Where a recorded run that did not finish would continue: its first top-level step that has
// not passed or been skipped. `unknownOutcome`: that step was running when the process died,
// so nobody knows whether it did its work; it is never run again without asking.
struct ResumePoint {
    int position = -1;  // into RunPlan::topLevel; -1 when every step is done
    bool unknownOutcome = false;
    bool unknownChanges = false;  // ... and it can change something
    std::vector<StepState> states;  // of every plan step, as the records leave them
    std::vector<int> attempts;      // attempts recorded per plan step
};
ResumePoint findResumePoint(const RunPlan& plan, const std::vector<AuditStep>& records);

// Runs a plan, step by step, as a state machine that never blocks its thread: a GUI moves it
// to a worker thread (or keeps it on the GUI thread: it does no blocking I/O there beyond an
// audit record) and drives it with queued calls; the command line drives it from its own loop.
//
// Steps that change something (commands, writing SQL, http other than GET/HEAD) and manual
// steps wait in AwaitingConfirmation: confirmationRequested carries what will run, and only
// confirm() with that request's id lets it run; a protected environment's name must be typed.
// Read-only steps run at once. A failed step runs its on-failure steps, then waits for
// retry(), skip() or abort() (decisionNeeded), unless the runbook lets it fail.
//
// Every step attempt is written to the audit trail before it runs and after; a write that
// fails stops the run, since nothing may run unrecorded.
class RunController final : public QObject {
    Q_OBJECT
public:
    struct Options {
        QString dataFile;          // the audit trail; AuditLog::defaultPath() when empty
        QString runbookHash;       // of the runbook file, so a resume can tell it changed
        QString environmentFile;
        bool dryRun = false;       // record the rendered steps, run nothing
    };

    RunController(RunPlan plan, Options options, QObject* parent = nullptr);
    ~RunController() override;

    const RunPlan& plan() const { return m_plan; }
    StepState state(int step) const { return m_states.at(std::size_t(step)); }
    QString runId() const { return m_run.id; }
    QString error() const { return m_error; }
    bool isFinished() const { return m_phase == Phase::Done; }
    AuditLog& audit() { return m_audit; }

    // Records the run (with the diagnosis, Markdown, that led to it) and begins. False, with
    // error(), when the audit trail cannot be written: then nothing runs.
    bool start(const QString& diagnosis = QString());
    // Continues a recorded run that did not finish, in this process. An unknown-outcome step
    // runs again only when rerunUnknown; otherwise it is recorded as skipped by choice.
    bool resume(const AuditRun& run, const ResumePoint& point, bool rerunUnknown);

public slots:
    // `how` is kept in the audit trail ("confirmed", "confirmed (--yes)").
    void confirm(quint64 requestId, const QString& typedEnvironment = QString(), const QString& how = QString());
    void skip();
    void retry();
    void abort();

signals:
    void stepStateChanged(int step, hopscope::StepState state);
    void confirmationRequested(const hopscope::ConfirmationRequest& request);
    void confirmationRejected(quint64 requestId, const QString& reason);
    void decisionNeeded(int step, const QString& message);
    void outputReceived(int step, const QString& chunk);
    void stepFinished(int step, const hopscope::StepResult& result);
    void finished(hopscope::RunOutcome outcome);

private:
    enum class Phase { Idle, Previewing, Awaiting, Running, Deciding, Done };

    bool openAudit();
    void setState(int step, StepState state);
    void begin(int step);
    void requestConfirmation(int step, const QString& sqlPreview);
    void execute(int step, const QString& confirmation, qint64 confirmedMs);
    void onStepFinished(const StepResult& result);
    void afterFailure(int step);
    void next(int finishedStep);
    AuditStep recordFor(int step, const QString& confirmation) const;
    void recordSkip(int step, const QString& confirmation, const QString& message, const QString& state);
    void finish(RunOutcome outcome);
    void stopForAudit();

    RunPlan m_plan;
    Options m_options;
    AuditLog m_audit;
    AuditRun m_run;
    StepExecutor* m_executor = nullptr;
    std::vector<StepState> m_states;
    std::vector<int> m_attempts;
    Phase m_phase = Phase::Idle;
    int m_position = 0;   // into m_plan.topLevel
    int m_current = -1;   // the plan step in hand
    ConfirmationRequest m_request;
    quint64 m_nextRequest = 1;
    AuditStep m_record;   // of the attempt running now
    QString m_preview;
    QString m_error;
};

} // namespace hopscope
