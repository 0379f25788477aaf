#include "runterminal.h"

#include <QEventLoop>
#include <QTimer>

#include <termios.h>
#include <unistd.h>

namespace hopscope::cli {

namespace {

QString indented(const QString& text, const QString& prefix = QStringLiteral("    "))
{
    QStringList lines = text.split(QLatin1Char('\n'));
    for (QString& line : lines)
        line.prepend(prefix);
    return lines.join(QLatin1Char('\n'));
}

} // namespace

QString TerminalPolicy::refusal(const RunPlan& plan) const
{
    const QString env = QString::fromStdString(plan.environment.name);
    if (!confirmedEnvironment.isEmpty() && confirmedEnvironment != env)
        return QStringLiteral("--confirm-env %1 does not name the environment this runs against (%2); nothing was run")
            .arg(confirmedEnvironment, env);
    if (!plan.needsConsent() || interactive)
        return {};
    QStringList asking;
    bool changes = false;
    for (const PlanStep& s : plan.steps) {
        if (s.preview.changes || s.step.kind == Step::Kind::Manual)
            asking << s.number;
        changes = changes || s.preview.changes;
    }
    if (!yes)
        return QStringLiteral("no terminal to confirm on, and no --yes: steps %1 need consent, so nothing was run "
                              "(see them with --dry-run)")
            .arg(asking.join(QStringLiteral(", ")));
    if (changes && plan.environment.isProtected && confirmedEnvironment != env)
        return QStringLiteral("%1 is protected: without a terminal it is never changed without --confirm-env %1; "
                              "nothing was run")
            .arg(env);
    return {};
}

RunTerminal::RunTerminal(RunController& controller, TerminalPolicy policy, std::FILE* out)
    : m_controller(controller), m_policy(std::move(policy)), m_out(out)
{
    connect(&controller, &RunController::confirmationRequested, this, &RunTerminal::onConfirmation);
    connect(&controller, &RunController::decisionNeeded, this, &RunTerminal::onDecision);
    connect(&controller, &RunController::stepStateChanged, this, &RunTerminal::onState);
    connect(&controller, &RunController::confirmationRejected, this, [this](quint64, const QString& reason) {
        std::fprintf(m_out, "%s\n", qUtf8Printable(reason));
    });
    const auto print = [this](const QString& text) {
        std::fputs(qUtf8Printable(text), m_out);
        std::fflush(m_out);
        m_atLineStart = text.endsWith(QLatin1Char('\n'));
    };
    connect(&controller, &RunController::outputReceived, this, [this, print](int step, const QString& chunk) {
        if (m_controller.plan().steps[std::size_t(step)].step.kind == Step::Kind::Check)
            m_held += chunk;  // a passing check's whole observation is noise on a terminal
        else
            print(chunk);
    });
    connect(&controller, &RunController::stepFinished, this, [this, print](int step, const StepResult& result) {
        if (!result.ok && !m_held.isEmpty())
            print(m_held);
        m_held.clear();
        if (!m_atLineStart)
            std::fputc('\n', m_out);
        m_atLineStart = true;
        const PlanStep& ps = m_controller.plan().steps[std::size_t(step)];
        std::fprintf(m_out, "  => %s %s: %s\n", result.ok ? "passed" : "FAILED", qUtf8Printable(ps.number),
                     qUtf8Printable(result.message));
        std::fflush(m_out);
    });
    connect(&controller, &RunController::finished, this, [this](RunOutcome outcome) {
        m_finished = true;
        m_outcome = outcome;
    });
}

void RunTerminal::later(const std::function<void()>& action)
{
    // Answer from the event loop, not from inside the signal: the engine's own call returns first.
    QTimer::singleShot(0, &m_controller, action);
}

QString RunTerminal::ask(const QString& prompt)
{
    // Only an answer typed after the question counts: a "y" typed ahead (or an extra Enter
    // while a step ran) must not confirm a step its typist never saw.
    if (::isatty(STDIN_FILENO))
        ::tcflush(STDIN_FILENO, TCIFLUSH);
    std::fputs(qUtf8Printable(prompt), m_out);
    std::fflush(m_out);
    char line[1024];
    if (!std::fgets(line, sizeof line, stdin))
        return {};
    return QString::fromLocal8Bit(line).trimmed();
}

void RunTerminal::printPlan()
{
    const RunPlan& plan = m_controller.plan();
    std::fprintf(m_out, "Dry run of %s (%s) on %s%s: nothing will run.\n\n", plan.runbook.id.c_str(), plan.runbook.title.c_str(),
                 plan.environment.name.c_str(), plan.environment.isProtected ? " (protected)" : "");
    for (const auto& p : plan.params)
        std::fprintf(m_out, "  param %s = %s\n", p.name.c_str(), p.secret ? "****" : plan.mask(p.value).c_str());
    for (const PlanStep& s : plan.steps) {
        const QString pad(s.parent >= 0 ? 4 : 0, QLatin1Char(' '));
        std::fprintf(m_out, "\n%s%s. %s [%s%s]%s\n", qUtf8Printable(pad), qUtf8Printable(s.number), qUtf8Printable(s.title),
                     qUtf8Printable(s.preview.kind),
                     s.preview.changes ? ", changes something: asks first" : (s.step.kind == Step::Kind::Manual ? ", asks" : ""),
                     s.parent >= 0 ? " (runs if its step fails)" : "");
        std::fprintf(m_out, "%s\n", qUtf8Printable(indented(s.preview.rendered, pad + QStringLiteral("    "))));
        if (!s.preview.note.isEmpty())
            std::fprintf(m_out, "%s    (%s)\n", qUtf8Printable(pad), qUtf8Printable(s.preview.note));
        if (!s.confirmText.isEmpty())
            std::fprintf(m_out, "%s    asks: %s\n", qUtf8Printable(pad), qUtf8Printable(s.confirmText));
    }
    std::fputc('\n', m_out);
}

bool RunTerminal::decideUnknown(const ResumePoint& point, bool rerunFlag, bool skipFlag, bool& rerun)
{
    rerun = true;
    if (!point.unknownOutcome)
        return true;
    const PlanStep& s = m_controller.plan().steps[std::size_t(m_controller.plan().topLevel[std::size_t(point.position)])];
    std::fprintf(m_out, "Step %s (%s) was running when the run stopped: its outcome is unknown.\n", qUtf8Printable(s.number),
                 qUtf8Printable(s.title));
    if (!point.unknownChanges) {
        std::fputs("It changes nothing, so it runs again.\n", m_out);
        return true;
    }
    if (rerunFlag || skipFlag) {
        rerun = rerunFlag;
        std::fprintf(m_out, "%s\n", rerun ? "--rerun-unknown: it runs again (and asks first)." : "--skip-unknown: it is treated as done.");
        return true;
    }
    if (!m_policy.interactive)
        return false;
    std::fprintf(m_out, "It may have changed something already:\n%s\n", qUtf8Printable(indented(s.preview.rendered)));
    rerun = ask(QStringLiteral("Run it again? (no: treat it as done) [y/N] ")).toLower() == QLatin1String("y");
    return true;
}

void RunTerminal::onState(int step, StepState state)
{
    if (state != StepState::Running)
        return;
    const RunPlan& plan = m_controller.plan();
    const PlanStep& s = plan.steps[std::size_t(step)];
    if (s.preview.changes || s.step.kind == Step::Kind::Manual)
        return;  // its confirmation said what it runs
    std::fprintf(m_out, "\n%s%s. %s [%s]\n", s.parent >= 0 ? "  on failure: " : "", qUtf8Printable(s.number),
                 qUtf8Printable(s.title), qUtf8Printable(s.preview.kind));
    if (s.step.kind != Step::Kind::Tour)
        std::fprintf(m_out, "%s\n", qUtf8Printable(indented(s.preview.rendered)));
    if (s.step.kind == Step::Kind::Tour)
        std::fprintf(m_out, "%s\n", qUtf8Printable(indented(s.text)));
    std::fflush(m_out);
}

void RunTerminal::onConfirmation(const ConfirmationRequest& r)
{
    std::fprintf(m_out, "\n%s. %s\n", qUtf8Printable(r.number), qUtf8Printable(r.title));
    if (r.manual) {
        std::fprintf(m_out, "%s\n", qUtf8Printable(indented(m_controller.plan().steps[std::size_t(r.step)].text)));
    } else {
        std::fprintf(m_out, "  Environment: %s%s\n  Will run (%s):\n%s\n", qUtf8Printable(r.environment),
                     r.protectedEnvironment ? " (PROTECTED)" : "", qUtf8Printable(r.preview.kind),
                     qUtf8Printable(indented(r.preview.rendered)));
        if (!r.preview.note.isEmpty())
            std::fprintf(m_out, "  (%s)\n", qUtf8Printable(r.preview.note));
        if (!r.sqlPreview.isEmpty())
            std::fprintf(m_out, "  Preview:\n%s\n", qUtf8Printable(indented(r.sqlPreview)));
    }
    if (!r.confirmText.isEmpty())
        std::fprintf(m_out, "  %s\n", qUtf8Printable(r.confirmText));
    const quint64 id = r.id;
    const QString typed = m_policy.confirmedEnvironment;
    if (m_policy.yes && (!r.protectedEnvironment || typed == r.environment)) {
        std::fputs(r.manual ? "  acknowledged by --yes\n" : "  confirmed by --yes\n", m_out);
        later([this, id, typed, manual = r.manual] {
            m_controller.confirm(id, typed, manual ? QStringLiteral("acknowledged (--yes)") : QStringLiteral("confirmed (--yes)"));
        });
        return;
    }
    if (!m_policy.interactive) {  // the policy refuses before the run starts; this is the last guard
        std::fputs("  no terminal to confirm on: aborting\n", m_out);
        later([this] { m_controller.abort(); });
        return;
    }
    QString answer;
    QString name = typed;
    if (r.protectedEnvironment && typed != r.environment) {
        answer = ask(QStringLiteral("  Type the environment's name (%1) to run it, s to skip, Enter to abort: ").arg(r.environment));
        name = answer;
        if (answer == r.environment)
            answer = QStringLiteral("y");
    } else {
        answer = ask(r.manual ? QStringLiteral("  Done? [y = done, s = skip, N = abort] ")
                              : QStringLiteral("  Run it? [y = run, s = skip, N = abort] "));
    }
    answer = answer.toLower();
    if (answer == QLatin1String("y") || answer == QLatin1String("yes"))
        later([this, id, name] { m_controller.confirm(id, name, QStringLiteral("confirmed on the terminal")); });
    else if (answer == QLatin1String("s"))
        later([this] { m_controller.skip(); });
    else
        later([this] { m_controller.abort(); });
}

void RunTerminal::onDecision(int step, const QString& message)
{
    const PlanStep& s = m_controller.plan().steps[std::size_t(step)];
    std::fprintf(m_out, "Step %s failed: %s\n", qUtf8Printable(s.number), qUtf8Printable(message));
    if (!m_policy.interactive) {
        std::fputs("No terminal to decide on: the run stops here.\n", m_out);
        later([this] { m_controller.abort(); });
        return;
    }
    const QString answer = ask(QStringLiteral("  [r]etry, [s]kip, or [a]bort? [a] ")).toLower();
    if (answer == QLatin1String("r"))
        later([this] { m_controller.retry(); });
    else if (answer == QLatin1String("s"))
        later([this] { m_controller.skip(); });
    else
        later([this] { m_controller.abort(); });
}

RunOutcome RunTerminal::waitForOutcome()
{
    if (!m_finished) {
        QEventLoop loop;
        connect(&m_controller, &RunController::finished, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return m_outcome;
}

} // namespace hopscope::cli
