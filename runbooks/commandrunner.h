#pragma once

#include "environment.h"

#include <QObject>
#include <QProcess>
#include <QString>

#include <chrono>

class QTimer;

namespace hopscope {

// Runs one command step: argv without a shell, stdin from /dev/null, in a process group of
// its own so a timeout or an abort ends everything it started, and its output (stdout and
// stderr together) streamed as it comes rather than at the end. Runs on the thread that owns
// it, through its event loop; nothing here blocks.
class CommandRunner final : public QObject {
    Q_OBJECT
public:
    explicit CommandRunner(QObject* parent = nullptr);
    // Kills the group of a command still running.
    ~CommandRunner() override;

    void start(const CommandProbe& command, std::chrono::milliseconds timeout);
    // SIGTERM to the group, SIGKILL after a grace period; `finished` follows.
    void stop();
    bool isRunning() const;

signals:
    void output(const QByteArray& chunk);
    // exitCode is -1 when the command did not exit by itself (a signal, a timeout, not started).
    void finished(int exitCode, const QString& error);

private:
    void killGroup(int signal);
    void onFinished(int exitCode, QProcess::ExitStatus status);

    QProcess* m_process = nullptr;
    QTimer* m_deadline = nullptr;
    qint64 m_group = 0;
    QString m_stopReason;
    std::chrono::milliseconds m_timeout{0};
};

} // namespace hopscope
