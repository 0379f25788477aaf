#pragma once

#include <QCoreApplication>
#include <QSqlDatabase>
#include <QString>

#include <optional>
#include <vector>

namespace hopscope {

// A run as the audit trail keeps it. Times are ms since the epoch, UTC; 0 means "not yet".
struct AuditRun {
    QString id;
    QString runbookId, runbookVersion, runbookTitle, runbookFile, runbookHash;
    QString environment, environmentFile;
    bool protectedEnvironment = false;
    QString osUser, host;
    qint64 pid = 0;
    QString paramsJson;  // secrets as "****"
    bool dryRun = false;
    QString diagnosis;   // Markdown: what the probes said when the run started
    QString finalState;  // Markdown: what they said when it ended
    qint64 startedMs = 0;
    qint64 finishedMs = 0;
    QString outcome;     // passed, failed, aborted; empty while unfinished
    int resumes = 0;
    bool finished() const { return finishedMs != 0; }
};

// One attempt of one step. Written with state "running" before the step runs and updated
// after: a row still "running" after the process died is a step whose outcome is unknown.
struct AuditStep {
    QString runId;
    int seq = 0;            // order of attempts within the run
    int stepIndex = 0;      // in the run's plan (RunController::steps())
    QString number;         // "3", "3.1"
    int attempt = 1;
    QString title, kind;
    bool changes = false;
    QString rendered;       // exactly what ran, secrets masked
    QString preview;        // a SQL step's preview
    QString confirmText;
    QString confirmation;   // "not needed", "confirmed", "confirmed (--yes)", ...
    qint64 confirmedMs = 0;
    qint64 startedMs = 0;
    qint64 finishedMs = 0;
    QString state;          // running, passed, failed, skipped, aborted
    std::optional<int> exitStatus;
    QString message;
    QString output;         // capped
    qint64 durationMs = -1;
};

// The runbook audit trail, in Hopscope's data file (datafile.h) beside the check history.
// Every write is its own transaction with synchronous = FULL, so a record that was written
// survives the process being killed, or the machine losing power, right after.
//
// Not thread-safe, as Qt's SQL connections are not: use it on one thread.
class AuditLog final {
    Q_DECLARE_TR_FUNCTIONS(AuditLog)
public:
    static constexpr int kMaxOutputBytes = 64 * 1024;

    AuditLog();
    ~AuditLog();
    AuditLog(const AuditLog&) = delete;
    AuditLog& operator=(const AuditLog&) = delete;

    // HistoryStore::defaultPath(): $HOPSCOPE_DATA_FILE or the user's data directory.
    static QString defaultPath();

    bool open(const QString& path = defaultPath());
    QString error() const { return m_error; }
    QString path() const { return m_path; }

    // Sets run.id when it is empty (a sortable, readable id: 20250102-030405-ab12).
    bool beginRun(AuditRun& run);
    bool setDiagnosis(const QString& runId, const QString& markdown);
    bool finishRun(const QString& runId, const QString& outcome, qint64 finishedMs);
    bool setFinalState(const QString& runId, const QString& markdown);
    // A resumed run is the same run: its new process, host and a count of resumes.
    bool markResumed(const QString& runId, qint64 pid, const QString& host);

    // Sets step.seq.
    bool recordStepStart(AuditStep& step);
    bool recordStepEnd(const AuditStep& step);

    std::optional<AuditRun> run(const QString& id);
    // Newest first.
    std::vector<AuditRun> runs(int limit = 50, bool unfinishedOnly = false);
    std::vector<AuditStep> steps(const QString& runId);

private:
    bool fail(const QString& cause);
    bool write(const QString& sql, const QVariantList& values);

    QString m_connection;
    QString m_path;
    QString m_error;
    QSqlDatabase m_db;
};

// Who runs this: the OS user and the host name.
QString currentOsUser();
QString currentHostName();

// Keeps the start and the end of a long output: the audit trail and the report show both.
QString capOutput(const QString& text, int maxBytes = AuditLog::kMaxOutputBytes);

} // namespace hopscope
