#pragma once

#include "runcontroller.h"

#include <QObject>
#include <QString>

#include <cstdio>

namespace hopscope::cli {

// What the terminal may answer for the engineer: --yes, --confirm-env, and whether a person
// is there at all.
struct TerminalPolicy {
    bool interactive = false;
    bool yes = false;
    QString confirmedEnvironment;

    // Why the run must not start, or empty: no consent for a plan that changes something.
    QString refusal(const RunPlan& plan) const;
};

// The command line's face of a run: prints each step as it runs and its output as it comes
// (a check step's observation only when the check fails: the audit trail keeps it always),
// shows every confirmation exactly as the engine asks it and answers with [y/N] from the
// terminal (or --yes), and offers retry, skip or abort after a failure.
class RunTerminal final : public QObject {
    Q_OBJECT
public:
    RunTerminal(RunController& controller, TerminalPolicy policy, std::FILE* out);

    void printPlan();
    // On resume, whether to run again a step whose outcome is unknown. False: no way to ask.
    bool decideUnknown(const ResumePoint& point, bool rerunFlag, bool skipFlag, bool& rerun);
    RunOutcome waitForOutcome();

private:
    void onConfirmation(const ConfirmationRequest& request);
    void onDecision(int step, const QString& message);
    void onState(int step, StepState state);
    QString ask(const QString& prompt);
    void later(const std::function<void()>& action);

    RunController& m_controller;
    TerminalPolicy m_policy;
    std::FILE* m_out;
    bool m_finished = false;
    RunOutcome m_outcome = RunOutcome::Aborted;
    bool m_atLineStart = true;
    QString m_held;  // the current check step's observation, printed if the check fails
};

} // namespace hopscope::cli
