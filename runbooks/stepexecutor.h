#pragma once

#include "runplan.h"
#include "runstate.h"

#include <QObject>
#include <QStringDecoder>

#include <chrono>
#include <memory>

class QTimer;

namespace hopscope {

class CommandRunner;
class Scheduler;
class SqlRunner;
struct CheckResult;
struct SqlOutcome;

// Runs one attempt of one plan step, whatever its kind, without blocking its thread: commands
// through CommandRunner, SQL through SqlRunner's thread, checks through the probers. Output is
// streamed with secrets masked and capped. Knows nothing of confirmations or the audit trail:
// RunController decides whether a step may run.
class StepExecutor final : public QObject {
    Q_OBJECT
public:
    static constexpr qsizetype kMaxStreamBytes = 1024 * 1024;  // per attempt; the rest is counted, not shown

    explicit StepExecutor(const RunPlan& plan, QObject* parent = nullptr);
    ~StepExecutor() override;

    // What a changing SQL step would do, before anyone confirms it: previewReady follows.
    // Other steps have nothing to preview, and previewReady follows at once with an empty text.
    void preview(const PlanStep& step);
    void run(const PlanStep& step);
    // Stops what runs: the command's group is killed, the statement cancelled. finished follows.
    void stop();
    bool isRunning() const { return m_running; }

signals:
    void previewReady(const QString& text);
    void output(const QString& chunk);
    void finished(const hopscope::StepResult& result);

private:
    void runCheck(const Check& check);
    void onCheckResult(const CheckResult& result);
    void onSqlFinished(const SqlOutcome& outcome);
    void onCommandFinished(int exitCode, const QString& error);
    void appendOutput(const QByteArray& bytes, bool flush = false);
    void complete(StepResult result);

    const RunPlan& m_plan;
    const PlanStep* m_step = nullptr;
    bool m_running = false;
    bool m_previewing = false;
    CommandRunner* m_command = nullptr;
    SqlRunner* m_sql = nullptr;
    std::unique_ptr<Scheduler> m_scheduler;
    QTimer* m_poll = nullptr;
    std::chrono::steady_clock::time_point m_started;
    std::chrono::steady_clock::time_point m_waitDeadline;
    quint64 m_probeToken = 0;
    QByteArray m_pending;  // raw output held back until a secret split across chunks is whole
    QStringDecoder m_decoder{QStringDecoder::Utf8};  // a character may span two chunks
    QString m_output;      // everything shown, masked
    qsizetype m_shownBytes = 0;
    qsizetype m_droppedBytes = 0;
};

} // namespace hopscope
