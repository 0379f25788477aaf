#pragma once

#include "auditlog.h"
#include "loader.h"
#include "runcontroller.h"
#include "runplan.h"

#include <QString>
#include <QStringList>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hopscope {

// Why a run could not be made ready. The command line prints the file errors as they are and
// each problem after its own prefix; the app shows text().
struct RunSetupError {
    QStringList fileErrors;  // FILE:LINE:COLUMN: error: ..., as the loaders report them
    QStringList problems;    // one sentence each
    QString text() const;
};

// What a run is made from, found the same way for a new run and a resumed one.
// The runbook: a file when `wanted` names one, else an id from the library.
std::optional<Runbook> findRunbook(const QString& wanted, RunSetupError* error = nullptr);
// An environment file, loaded by its absolute path, so commands run in (and the audit trail
// names) the file's real directory.
std::optional<LoadedFile> loadEnvironmentFile(const QString& path, RunSetupError* error = nullptr);
std::optional<Environment> findEnvironment(const LoadedFile& file, const QString& name, RunSetupError* error = nullptr);
// The SHA-256 of a file, hex; empty when it cannot be read. Kept with a run, so a resume can
// tell that its runbook changed.
QString sha256Of(const QString& path);

// A recorded run that did not finish, made ready to continue in this process: its runbook
// (unchanged since the run started), its environment reloaded, its values restored, and the
// step where it goes on. Hand it to RunController::resume.
struct ResumeRequest {
    AuditRun run;
    Runbook runbook;
    Environment environment;
    RunPlan plan;
    ResumePoint point;
    QString runbookHash;
    QString dataFile;  // the audit trail the run is recorded in: it goes on there
};

// Null, with *error, when the run is unknown, finished, a dry run, still alive in another
// process on this host, its runbook changed or is gone, or its environment cannot be had.
// Secrets were recorded as "****" and are not restored: `extraParams` gives them again (and
// overrides any recorded value).
std::optional<ResumeRequest> prepareResume(AuditLog& audit, const QString& runId,
                                           const std::map<std::string, std::string>& extraParams,
                                           RunSetupError* error = nullptr);

// The runs a new start offers to resume, newest first: unfinished, not dry runs, and not
// still alive in another process on this host.
std::vector<AuditRun> resumableRuns(AuditLog& audit);

} // namespace hopscope
