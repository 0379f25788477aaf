// `hopscope run RUNBOOK`: the runbook engine on the terminal, with [y/N] before every change.
#include "cli.h"
#include "runterminal.h"

#include "auditlog.h"
#include "environmentprobe.h"
#include "fieldreader.h"
#include "loader.h"
#include "runbookcatalog.h"
#include "runcontroller.h"

#include <QCommandLineParser>
#include <QCryptographicHash>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <csignal>
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

QString sha256Of(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromLatin1(QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex());
}

// The runbook: a file when RUNBOOK names one, else an id from the library.
std::optional<Runbook> findRunbook(const QString& wanted, std::FILE* err)
{
    std::vector<LoadedFile> files;
    if (QFileInfo(wanted).isFile()) {
        files.push_back(loadFile(wanted.toStdString()));
    } else {
        RunbookCatalog catalog;
        for (const auto& dir : RunbookCatalog::defaultSearchPath())
            catalog.addDirectory(dir);
        if (const Runbook* rb = catalog.find(wanted.toStdString()))
            return *rb;
        std::fprintf(err, "hopscope run: no runbook \"%s\" in the library or as a file%s\n", qUtf8Printable(wanted),
                     didYouMean(wanted.toStdString(), catalog.ids()).c_str());
        return std::nullopt;
    }
    const LoadedFile& file = files.front();
    for (const Diagnostic& d : file.diagnostics) {
        if (d.severity == Severity::Error)
            std::fprintf(err, "%s\n", d.format().c_str());
    }
    if (file.hasErrors() || !file.runbook) {
        if (!file.hasErrors())
            std::fprintf(err, "hopscope run: %s is not a runbook file\n", file.path.c_str());
        return std::nullopt;
    }
    return file.runbook;
}

std::optional<Environment> findEnvironment(const QString& path, const QString& name, std::FILE* err)
{
    // Absolute, so commands run in (and the audit trail names) the file's real directory.
    const LoadedFile file = loadFile(QFileInfo(path).absoluteFilePath().toStdString());
    for (const Diagnostic& d : file.diagnostics) {
        if (d.severity == Severity::Error)
            std::fprintf(err, "%s\n", d.format().c_str());
    }
    if (file.hasErrors() || file.type != LoadedFile::Type::Environments) {
        if (!file.hasErrors())
            std::fprintf(err, "hopscope run: %s is not an environment file\n", file.path.c_str());
        return std::nullopt;
    }
    std::vector<std::string> names;
    for (const auto& env : file.environments)
        names.push_back(env.name);
    if (name.isEmpty() && file.environments.size() == 1)
        return file.environments.front();
    if (name.isEmpty()) {
        std::fprintf(err, "hopscope run: %s has %zu environments; choose one with --env\n", file.path.c_str(), names.size());
        return std::nullopt;
    }
    for (const auto& env : file.environments) {
        if (env.name == name.toStdString())
            return env;
    }
    std::fprintf(err, "hopscope run: no environment \"%s\" in %s%s\n", qUtf8Printable(name), file.path.c_str(),
                 didYouMean(name.toStdString(), names).c_str());
    return std::nullopt;
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

bool processAlive(qint64 pid)
{
    return pid > 0 && pid != QCoreApplication::applicationPid() && (::kill(pid_t(pid), 0) == 0 || errno == EPERM);
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
    const QCommandLineOption helpOption(QStringList{QStringLiteral("h"), QStringLiteral("help")});
    parser.addOptions({envFileOption, envOption, paramOption, dryRunOption, yesOption, confirmEnvOption, resumeOption,
                       rerunOption, skipUnknownOption, noProbeOption, dataFileOption, helpOption});
    if (!parser.parse(args)) {
        std::fprintf(err, "hopscope run: %s\nSee `hopscope run --help`.\n", qUtf8Printable(parser.errorText()));
        return kUsage;
    }
    if (parser.isSet(helpOption)) {
        std::fputs(qUtf8Printable(helpText()), out);
        return 0;
    }
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

    // What to run: a new run, or the one recorded under --resume.
    std::optional<AuditRun> recorded;
    QString runbookRef = resuming ? QString() : parser.positionalArguments().front();
    QString envFile = parser.value(envFileOption);
    QString envName = parser.value(envOption);
    AuditLog audit;
    if (!audit.open(dataFile)) {
        std::fprintf(err, "hopscope run: cannot open the audit trail: %s\n", qUtf8Printable(audit.error()));
        return kUsage;
    }
    if (resuming) {
        recorded = audit.run(parser.value(resumeOption));
        if (!recorded) {
            std::fprintf(err, "hopscope run: no run \"%s\" in %s\n", qUtf8Printable(parser.value(resumeOption)), qUtf8Printable(dataFile));
            return kUsage;
        }
        if (recorded->finished() || recorded->dryRun) {
            std::fprintf(err, "hopscope run: run %s is %s; there is nothing to resume\n", qUtf8Printable(recorded->id),
                         recorded->dryRun ? "a dry run" : qUtf8Printable(QStringLiteral("finished (") + recorded->outcome + QLatin1Char(')')));
            return kUsage;
        }
        if (recorded->host == currentHostName() && processAlive(recorded->pid)) {
            std::fprintf(err, "hopscope run: run %s is still running in process %lld\n", qUtf8Printable(recorded->id),
                         static_cast<long long>(recorded->pid));
            return kUsage;
        }
        runbookRef = recorded->runbookFile;
        envFile = recorded->environmentFile;
        envName = recorded->environment;
        const QJsonObject stored = QJsonDocument::fromJson(recorded->paramsJson.toUtf8()).object();
        for (auto it = stored.begin(); it != stored.end(); ++it) {
            if (it.value().toString() != QLatin1String("****"))
                given.try_emplace(it.key().toStdString(), it.value().toString().toStdString());
        }
    }

    const std::optional<Runbook> runbook = findRunbook(runbookRef, err);
    if (!runbook)
        return kUsage;
    const QString runbookHash = sha256Of(QString::fromStdString(runbook->file));
    if (recorded && runbookHash != recorded->runbookHash) {
        std::fprintf(err, "hopscope run: %s changed since run %s started; resuming it could run steps it never showed\n",
                     runbook->file.c_str(), qUtf8Printable(recorded->id));
        return kUsage;
    }
    const std::optional<Environment> env = findEnvironment(envFile, envName, err);
    if (!env)
        return kUsage;
    PlanResult made = makePlan(*runbook, *env, given);
    if (!made.plan) {
        for (const QString& e : std::as_const(made.errors))
            std::fprintf(err, "hopscope run: %s\n", qUtf8Printable(e));
        return kUsage;
    }
    const RunPlan& plan = *made.plan;
    const QString environment = QString::fromStdString(env->name);

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
            if (r.runbookId == QString::fromStdString(runbook->id) && r.environment == environment)
                std::fprintf(err, "note: run %s of this runbook on %s did not finish; `hopscope run --resume %s` continues it\n",
                             qUtf8Printable(r.id), qUtf8Printable(environment), qUtf8Printable(r.id));
        }
    }

    RunController::Options options;
    options.dataFile = dataFile;
    options.runbookHash = runbookHash;
    options.environmentFile = QFileInfo(envFile).absoluteFilePath();
    options.dryRun = parser.isSet(dryRunOption);
    RunController controller(plan, options);
    RunTerminal terminal(controller, policy, out);

    bool started = false;
    if (recorded) {
        const ResumePoint point = findResumePoint(plan, audit.steps(recorded->id));
        bool rerun = false;
        if (!terminal.decideUnknown(point, parser.isSet(rerunOption), parser.isSet(skipUnknownOption), rerun)) {
            std::fprintf(err, "hopscope run: refusing to guess about a step whose outcome is unknown: give --rerun-unknown or --skip-unknown\n");
            return kRefused;
        }
        std::fprintf(out, "Resuming run %s of %s on %s.\n", qUtf8Printable(recorded->id), runbook->id.c_str(), env->name.c_str());
        started = controller.resume(*recorded, point, rerun);
    } else {
        if (options.dryRun)
            terminal.printPlan();
        const QString diagnosis =
            parser.isSet(noProbeOption) || options.dryRun ? QString() : probeEnvironment(*env, out, "before");
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
        controller.audit().setFinalState(controller.runId(), plan.mask(probeEnvironment(*env, out, "after")));
    std::fprintf(out, "\nRun %s %s. Report: hopscope report %s\n", qUtf8Printable(controller.runId()),
                 qUtf8Printable(runOutcomeName(outcome)), qUtf8Printable(controller.runId()));
    return outcome == RunOutcome::Passed ? 0 : kFailed;
}

} // namespace hopscope::cli
