// `hopscope run RUNBOOK`: the runbook engine on the terminal, with [y/N] before every change.
#include "cli.h"
#include "runterminal.h"

#include "auditlog.h"
#include "environmentprobe.h"
#include "resume.h"
#include "runcontroller.h"

#include <QCommandLineParser>
#include <QEventLoop>
#include <QFileInfo>

#include <unistd.h>

namespace hopscope::cli {

namespace {

constexpr int kFailed = 1;
constexpr int kUsage = 3;
constexpr int kRefused = 4;

QString helpText()
{
    return QStringLiteral(
        "Usage: hopscope run [OPTIONS] RUNBOOK --env-file FILE [--env NAME]\n"
        "       hopscope run --resume RUN_ID [OPTIONS]\n"
        "\n"
        "Runs a runbook against one environment, step by step. RUNBOOK is a runbook id from the\n"
        "library (runbooks/library, $HOPSCOPE_RUNBOOK_PATH) or a runbook file. Read-only steps run\n"
        "at once; every step that can change something (a command, SQL that writes, an http\n"
        "request other than GET/HEAD) shows exactly what it will run and asks [y/N] first, and a\n"
        "protected environment asks for its name. A failed step offers retry, skip or abort.\n"
        "Every step is written to the audit trail before and after it runs; the run's id is\n"
        "printed for `hopscope report`.\n"
        "\n"
        "Options:\n"
        "  --env-file FILE      the environment file\n"
        "  --env NAME           the environment (needed when the file has more than one)\n"
        "  --param NAME=VALUE   a parameter's value (may be repeated); others take their defaults\n"
        "  --dry-run            render every step with its values and run nothing\n"
        "  --yes                answer yes to every confirmation (needed without a terminal)\n"
        "  --confirm-env NAME   the protected environment's name, given up front: without a\n"
        "                       terminal, a protected environment is never changed without it\n"
        "  --resume RUN_ID      continue a run that did not finish at its first unfinished step\n"
        "  --rerun-unknown      on resume, run again a changing step whose outcome is unknown\n"
        "  --skip-unknown       on resume, treat that step as done (recorded as skipped)\n"
        "  --no-probe           do not probe the environment before and after the run\n"
        "  --data-file FILE     the audit trail (default: $HOPSCOPE_DATA_FILE, else the user's\n"
        "                       data directory)\n"
        "  -h, --help           show this help\n"
        "\n"
        "Exit status: 0 every step passed (or was skipped by choice), 1 a step failed or the run\n"
        "was aborted, 3 usage or file error, 4 refused to change anything without consent.\n"
        "\n"
        "Examples:\n"
        "  hopscope run fix-default-action --env-file lab/lab.yaml --env qa\n"
        "  hopscope run run-migrations --env-file lab/lab.yaml --env qa --dry-run\n"
        "  hopscope run add-missing-index --env-file lab/lab.yaml --env staging --yes --confirm-env staging\n"
        "  hopscope run --resume 20250101-120000-ab12\n");
}

// The files' own errors as they are, then each problem as this command's.
void printError(std::FILE* err, const RunSetupError& error)
{
    for (const QString& line : error.fileErrors)
        std::fprintf(err, "%s\n", qUtf8Printable(line));
    for (const QString& problem : error.problems)
        std::fprintf(err, "hopscope run: %s\n", qUtf8Printable(problem));
}

// A new run's plan: the runbook, the environment (the file's only one when none is named) and
// the values. Null after printing why not.
std::optional<RunPlan> newPlan(const QString& runbookRef, const QString& envFile, QString envName,
                               const std::map<std::string, std::string>& given, std::FILE* err)
{
    RunSetupError problem;
    const std::optional<Runbook> runbook = findRunbook(runbookRef, &problem);
    const std::optional<LoadedFile> envs = runbook ? loadEnvironmentFile(envFile, &problem) : std::nullopt;
    if (envs && envName.isEmpty()) {
        if (envs->environments.size() != 1) {
            std::fprintf(err, "hopscope run: %s has %zu environments; choose one with --env\n", envs->path.c_str(),
                         envs->environments.size());
            return std::nullopt;
        }
        envName = QString::fromStdString(envs->environments.front().name);
    }
    const std::optional<Environment> env = envs ? findEnvironment(*envs, envName, &problem) : std::nullopt;
    PlanResult made = env ? makePlan(*runbook, *env, given) : PlanResult();
    problem.problems << made.errors;
    if (!made.plan)
        printError(err, problem);
    return std::move(made.plan);
}

// Probes the environment once and waits for the answer: the diagnosis the run starts from,
// and the state it leaves.
QString probeEnvironment(const Environment& env, std::FILE* out, const char* when)
{
    std::fprintf(out, "Probing %s %s the run...\n", env.name.c_str(), when);
    std::fflush(out);
    EnvironmentProbe probe;
    QEventLoop loop;
    QString markdown;
    QObject::connect(&probe, &EnvironmentProbe::finished, &loop, [&](const QString& text, HopStatus) {
        markdown = text;
        loop.quit();
    });
    probe.start(env, std::chrono::seconds(10));
    loop.exec();
    return markdown;
}

} // namespace

int runCommand(const QStringList& args, std::FILE* out, std::FILE* err)
{
    QCommandLineParser parser;
    const QCommandLineOption envFileOption(QStringLiteral("env-file"), QString(), QStringLiteral("FILE"));
    const QCommandLineOption envOption(QStringLiteral("env"), QString(), QStringLiteral("NAME"));
    const QCommandLineOption paramOption(QStringLiteral("param"), QString(), QStringLiteral("NAME=VALUE"));
    const QCommandLineOption dryRunOption(QStringLiteral("dry-run"));
    const QCommandLineOption yesOption(QStringLiteral("yes"));
    const QCommandLineOption confirmEnvOption(QStringLiteral("confirm-env"), QString(), QStringLiteral("NAME"));
    const QCommandLineOption resumeOption(QStringLiteral("resume"), QString(), QStringLiteral("RUN_ID"));
    const QCommandLineOption rerunOption(QStringLiteral("rerun-unknown"));
    const QCommandLineOption skipUnknownOption(QStringLiteral("skip-unknown"));
    const QCommandLineOption noProbeOption(QStringLiteral("no-probe"));
    const QCommandLineOption dataFileOption(QStringLiteral("data-file"), QString(), QStringLiteral("FILE"));
    const QList<QCommandLineOption> accepted{envFileOption, envOption, paramOption, dryRunOption, yesOption, confirmEnvOption,
                                             resumeOption, rerunOption, skipUnknownOption, noProbeOption, dataFileOption};
    if (const auto done = parseArguments(parser, accepted, args, "run", helpText(), kUsage, out, err))
        return *done;
    const bool resuming = parser.isSet(resumeOption);
    if (resuming ? !parser.positionalArguments().isEmpty() : parser.positionalArguments().size() != 1) {
        std::fputs(resuming ? "hopscope run: --resume takes no runbook; it continues the recorded one\n"
                            : "hopscope run: give exactly one runbook id or file\nSee `hopscope run --help`.\n",
                   err);
        return kUsage;
    }
    if (!resuming && !parser.isSet(envFileOption)) {
        std::fputs("hopscope run: --env-file is required\nSee `hopscope run --help`.\n", err);
        return kUsage;
    }
    if (parser.isSet(rerunOption) && parser.isSet(skipUnknownOption)) {
        std::fputs("hopscope run: --rerun-unknown and --skip-unknown exclude each other\n", err);
        return kUsage;
    }
    std::map<std::string, std::string> given;
    for (const QString& p : parser.values(paramOption)) {
        const qsizetype eq = p.indexOf(QLatin1Char('='));
        if (eq <= 0) {
            std::fprintf(err, "hopscope run: --param wants NAME=VALUE, got \"%s\"\n", qUtf8Printable(p));
            return kUsage;
        }
        given[p.left(eq).toStdString()] = p.mid(eq + 1).toStdString();
    }
    const QString dataFile = parser.isSet(dataFileOption) ? parser.value(dataFileOption) : AuditLog::defaultPath();

    AuditLog audit;
    if (!audit.open(dataFile)) {
        std::fprintf(err, "hopscope run: cannot open the audit trail: %s\n", qUtf8Printable(audit.error()));
        return kUsage;
    }
    // What to run: the run recorded under --resume, or a new one.
    std::optional<ResumeRequest> recorded;
    std::optional<RunPlan> made;
    if (resuming) {
        RunSetupError problem;
        recorded = prepareResume(audit, parser.value(resumeOption), given, &problem);
        if (!recorded) {
            printError(err, problem);
            return kUsage;
        }
        made = recorded->plan;
    } else {
        made = newPlan(parser.positionalArguments().front(), parser.value(envFileOption), parser.value(envOption), given, err);
        if (!made)
            return kUsage;
    }
    const RunPlan& plan = *made;
    const QString environment = QString::fromStdString(plan.environment.name);

    TerminalPolicy policy;
    policy.interactive = ::isatty(STDIN_FILENO) != 0;
    policy.yes = parser.isSet(yesOption);
    policy.confirmedEnvironment = parser.value(confirmEnvOption);
    if (!parser.isSet(dryRunOption)) {
        if (const QString refusal = policy.refusal(plan); !refusal.isEmpty()) {
            std::fprintf(err, "hopscope run: %s\n", qUtf8Printable(refusal));
            return kRefused;
        }
    }
    if (!resuming && !parser.isSet(dryRunOption)) {
        for (const AuditRun& r : audit.runs(20, true)) {
            if (r.runbookId == QString::fromStdString(plan.runbook.id) && r.environment == environment)
                std::fprintf(err, "note: run %s of this runbook on %s did not finish; `hopscope run --resume %s` continues it\n",
                             qUtf8Printable(r.id), qUtf8Printable(environment), qUtf8Printable(r.id));
        }
    }

    RunController::Options options;
    options.dataFile = dataFile;
    options.runbookHash = recorded ? recorded->runbookHash : sha256Of(QString::fromStdString(plan.runbook.file));
    options.environmentFile = QFileInfo(recorded ? recorded->run.environmentFile : parser.value(envFileOption)).absoluteFilePath();
    options.dryRun = parser.isSet(dryRunOption);
    RunController controller(plan, options);
    RunTerminal terminal(controller, policy, out);

    bool started = false;
    if (recorded) {
        const ResumePoint& point = recorded->point;
        bool rerun = false;
        if (!terminal.decideUnknown(point, parser.isSet(rerunOption), parser.isSet(skipUnknownOption), rerun)) {
            std::fprintf(err, "hopscope run: refusing to guess about a step whose outcome is unknown: give --rerun-unknown or --skip-unknown\n");
            return kRefused;
        }
        std::fprintf(out, "Resuming run %s of %s on %s.\n", qUtf8Printable(recorded->run.id), plan.runbook.id.c_str(),
                     plan.environment.name.c_str());
        started = controller.resume(recorded->run, point, rerun);
    } else {
        if (options.dryRun)
            terminal.printPlan();
        const QString diagnosis =
            parser.isSet(noProbeOption) || options.dryRun ? QString() : probeEnvironment(plan.environment, out, "before");
        started = controller.start(diagnosis);
    }
    if (!started) {
        std::fprintf(err, "hopscope run: %s\n", qUtf8Printable(controller.error()));
        return kUsage;
    }
    const RunOutcome outcome = terminal.waitForOutcome();
    if (!controller.error().isEmpty())
        std::fprintf(err, "hopscope run: %s\n", qUtf8Printable(controller.error()));
    if (!options.dryRun && !parser.isSet(noProbeOption))
        controller.audit().setFinalState(controller.runId(), plan.mask(probeEnvironment(plan.environment, out, "after")));
    if (options.dryRun && outcome == RunOutcome::Passed)  // "passed" would say something ran
        std::fprintf(out, "\nDry run %s recorded; nothing ran. Report: hopscope report %s\n",
                     qUtf8Printable(controller.runId()), qUtf8Printable(controller.runId()));
    else
        std::fprintf(out, "\nRun %s %s. Report: hopscope report %s\n", qUtf8Printable(controller.runId()),
                     qUtf8Printable(runOutcomeName(outcome)), qUtf8Printable(controller.runId()));
    return outcome == RunOutcome::Passed ? 0 : kFailed;
}

} // namespace hopscope::cli
