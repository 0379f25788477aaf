#include "resume.h"

#include "fieldreader.h"
#include "runbookcatalog.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <cerrno>
#include <csignal>

namespace hopscope {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("hopscope::Resume", text);
}

void fail(RunSetupError* error, const QString& problem)
{
    if (error)
        error->problems << problem;
}

// The file's errors, if any, into *error; true when it has none.
bool keepFileErrors(const LoadedFile& file, RunSetupError* error)
{
    for (const Diagnostic& d : file.diagnostics) {
        if (error && d.severity == Severity::Error)
            error->fileErrors << QString::fromStdString(d.format());
    }
    return !file.hasErrors();
}

// Another process on this host, alive (or alive and someone else's). This process's own runs
// are not "alive elsewhere": they are the ones it may continue.
bool processAlive(qint64 pid)
{
    return pid > 0 && pid != QCoreApplication::applicationPid() && (::kill(pid_t(pid), 0) == 0 || errno == EPERM);
}

bool aliveElsewhere(const AuditRun& run)
{
    return run.host == currentHostName() && processAlive(run.pid);
}

} // namespace

QString RunSetupError::text() const
{
    return (problems + fileErrors).join(QLatin1Char('\n'));
}

std::optional<Runbook> findRunbook(const QString& wanted, RunSetupError* error)
{
    if (!QFileInfo(wanted).isFile()) {
        RunbookCatalog catalog;
        for (const auto& dir : RunbookCatalog::defaultSearchPath())
            catalog.addDirectory(dir);
        if (const Runbook* rb = catalog.find(wanted.toStdString()))
            return *rb;
        fail(error, tr("no runbook \"%1\" in the library or as a file%2")
                        .arg(wanted, QString::fromStdString(didYouMean(wanted.toStdString(), catalog.ids()))));
        return std::nullopt;
    }
    // By its absolute path: the audit trail records it, and a resume may start elsewhere.
    LoadedFile file = loadFile(QFileInfo(wanted).absoluteFilePath().toStdString());
    if (!keepFileErrors(file, error))
        return std::nullopt;
    if (!file.runbook) {
        fail(error, tr("%1 is not a runbook file").arg(QString::fromStdString(file.path)));
        return std::nullopt;
    }
    return std::move(file.runbook);
}

std::optional<LoadedFile> loadEnvironmentFile(const QString& path, RunSetupError* error)
{
    LoadedFile file = loadFile(QFileInfo(path).absoluteFilePath().toStdString());
    if (!keepFileErrors(file, error))
        return std::nullopt;
    if (file.type != LoadedFile::Type::Environments) {
        fail(error, tr("%1 is not an environment file").arg(QString::fromStdString(file.path)));
        return std::nullopt;
    }
    return file;
}

std::optional<Environment> findEnvironment(const LoadedFile& file, const QString& name, RunSetupError* error)
{
    std::vector<std::string> names;
    for (const auto& env : file.environments) {
        if (env.name == name.toStdString())
            return env;
        names.push_back(env.name);
    }
    fail(error, tr("no environment \"%1\" in %2%3")
                    .arg(name, QString::fromStdString(file.path),
                         QString::fromStdString(didYouMean(name.toStdString(), names))));
    return std::nullopt;
}

QString sha256Of(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromLatin1(QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex());
}

std::optional<ResumeRequest> prepareResume(AuditLog& audit, const QString& runId,
                                           const std::map<std::string, std::string>& extraParams,
                                           RunSetupError* error)
{
    ResumeRequest request;
    request.dataFile = audit.path();
    std::optional<AuditRun> recorded = audit.run(runId);
    if (!recorded) {
        fail(error, tr("no run \"%1\" in %2").arg(runId, audit.path()));
        return std::nullopt;
    }
    request.run = std::move(*recorded);
    const AuditRun& run = request.run;
    if (run.dryRun || run.finished()) {
        fail(error, run.dryRun ? tr("run %1 is a dry run; there is nothing to resume").arg(run.id)
                               : tr("run %1 is finished (%2); there is nothing to resume").arg(run.id, run.outcome));
        return std::nullopt;
    }
    if (aliveElsewhere(run)) {
        fail(error, tr("run %1 is still running in process %2").arg(run.id).arg(run.pid));
        return std::nullopt;
    }
    std::map<std::string, std::string> params = extraParams;
    const QJsonObject stored = QJsonDocument::fromJson(run.paramsJson.toUtf8()).object();
    for (auto it = stored.begin(); it != stored.end(); ++it) {
        if (it.value().toString() != QLatin1String("****"))
            params.try_emplace(it.key().toStdString(), it.value().toString().toStdString());
    }

    std::optional<Runbook> runbook = findRunbook(run.runbookFile, error);
    if (!runbook)
        return std::nullopt;
    request.runbook = std::move(*runbook);
    request.runbookHash = sha256Of(QString::fromStdString(request.runbook.file));
    if (request.runbookHash != run.runbookHash) {
        fail(error, tr("%1 changed since run %2 started; resuming it could run steps it never showed")
                        .arg(QString::fromStdString(request.runbook.file), run.id));
        return std::nullopt;
    }
    const std::optional<LoadedFile> envFile = loadEnvironmentFile(run.environmentFile, error);
    std::optional<Environment> env = envFile ? findEnvironment(*envFile, run.environment, error) : std::nullopt;
    if (!env)
        return std::nullopt;
    request.environment = std::move(*env);
    PlanResult made = makePlan(request.runbook, request.environment, params);
    if (!made.plan) {
        if (error)
            error->problems << made.errors;
        return std::nullopt;
    }
    request.plan = std::move(*made.plan);
    request.point = findResumePoint(request.plan, audit.steps(run.id));
    return request;
}

std::vector<AuditRun> resumableRuns(AuditLog& audit)
{
    std::vector<AuditRun> runs = audit.runs(50, true);
    std::erase_if(runs, [](const AuditRun& r) { return r.dryRun || r.finished() || aliveElsewhere(r); });
    return runs;
}

} // namespace hopscope
