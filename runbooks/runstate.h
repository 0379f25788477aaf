#pragma once
// The plain values the runbook engine hands out: what the runner panel, the command line and
// the audit trail show. No behaviour here.

#include <QMetaType>
#include <QString>

#include <optional>

namespace hopscope {

// A step's life in one run. On-failure steps stay Pending unless their parent fails.
enum class StepState { Pending, AwaitingConfirmation, Running, Passed, Failed, Skipped, Aborted };
QString stepStateName(StepState state);
bool isFinal(StepState state);

// Passed: every step passed, or was skipped by choice, or failed where the runbook allows it
// (continue_on_fail). Failed: a step failed and the run could go no further. Aborted: someone
// said stop, or the audit trail could not be written.
enum class RunOutcome { Passed, Failed, Aborted };
QString runOutcomeName(RunOutcome outcome);

// What a step will do, rendered with the run's values, secrets masked: exactly what runs.
struct StepPreview {
    QString kind;         // manual, check, command, sql, http, wait, tour
    QString rendered;     // the argv, the SQL and its bound parameters, the request
    bool changes = false; // it can change something: it asks before it runs
    QString note;         // e.g. "runs outside a transaction: it cannot be rolled back"
};

// Shown before a step that changes something (or a manual step) runs. Answer it with
// RunController::confirm(id, ...): an answer to an older request is ignored, so confirming one
// step can never confirm the next.
struct ConfirmationRequest {
    quint64 id = 0;
    int step = -1;          // index into RunController::steps()
    QString number;         // "3", or "3.1" for the first on-failure step of step 3
    QString title;
    StepPreview preview;
    QString sqlPreview;     // what the statement would change, from a rolled-back run, or a plan
    QString confirmText;    // the runbook's question, rendered
    QString environment;
    bool protectedEnvironment = false;  // the answer must carry the environment's name, typed
    bool manual = false;    // "done?" rather than "run this?"
};

// One finished attempt of a step.
struct StepResult {
    bool ok = false;
    std::optional<int> exitStatus;  // commands: the exit code; http: the status
    QString message;                // one line: why it failed, or what it found
    QString output;                 // capped, secrets masked
};

} // namespace hopscope

Q_DECLARE_METATYPE(hopscope::StepState)
Q_DECLARE_METATYPE(hopscope::RunOutcome)
Q_DECLARE_METATYPE(hopscope::ConfirmationRequest)
