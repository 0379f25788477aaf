#pragma once

#include <QObject>
#include <QString>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace hopscope {

// One SQL statement of a runbook step, with its values bound as $1, $2 ...
struct SqlJob {
    enum class Mode {
        ReadOnly,       // in a READ ONLY transaction
        PreviewRows,    // run with RETURNING, report the rows it would change, roll back
        PreviewTrial,   // run, report whether it succeeds, roll back
        PreviewPlan,    // EXPLAIN only: running it would do what a rollback cannot undo
        Execute,        // in a transaction, committed when it succeeds
        ExecuteAlone,   // outside any transaction (CREATE INDEX CONCURRENTLY)
    };
    Mode mode = Mode::ReadOnly;
    std::string dsn;
    std::string statement;
    std::vector<std::string> params;
    std::chrono::milliseconds timeout{300'000};
};

struct SqlOutcome {
    bool ok = false;
    QString message;  // "UPDATE 3", or the server's error and its detail
    QString output;   // the rows, as a text table (at most kMaxRows of them)
    qint64 rows = 0;  // rows affected or returned
};

// Runs SqlJobs with libpq on a thread of its own, one at a time, so a slow statement never
// blocks the thread that owns the runner. `finished` arrives on that thread. Destroying the
// runner cancels the statement in progress and waits for its thread.
class SqlRunner final : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxRows = 50;

    explicit SqlRunner(QObject* parent = nullptr);
    ~SqlRunner() override;

    bool isBusy() const;
    void start(SqlJob job);
    // Asks the server to cancel the statement in progress; `finished` still arrives.
    void cancel();

    struct Shared;  // the worker thread's state; internal

signals:
    void finished(const hopscope::SqlOutcome& outcome);

private:
    std::shared_ptr<Shared> m_shared;
};

} // namespace hopscope
