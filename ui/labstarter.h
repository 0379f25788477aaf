#pragma once

#include <QObject>
#include <QProcess>
#include <QTimer>

#include <chrono>

namespace hopscope {

// Starts the bundled lab (`labctl up`) without blocking the caller's thread, then takes the
// lab's variables (`labctl env --json`: its ports and database password) into this process's
// environment, so the `{env: ...}` variables of lab.yaml resolve to this lab when it loads.
// No widgets: whoever shows it listens to the signals.
class LabStarter final : public QObject {
    Q_OBJECT
public:
    explicit LabStarter(const QString& labDirectory, QObject* parent = nullptr);
    ~LabStarter() override;

    QString directory() const { return m_directory; }
    void setDirectory(const QString& directory) { m_directory = directory; }
    // lab.yaml in the directory.
    QString environmentFile() const;
    bool isRunning() const { return m_process != nullptr; }
    // The first `labctl up` creates a database and takes a while; far longer than that is a hang.
    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }

    // Does nothing while a start is under way. Without labctl in the directory, `failed` is
    // emitted before it returns.
    void start();

signals:
    // Each line labctl prints, as it prints it, after the command line being run.
    void output(const QString& line);
    void ready(const QString& environmentFile);
    void failed(const QString& message);

private:
    enum class Stage { Up, Env };
    void run(Stage stage);
    void readLines(QProcess::ProcessChannel channel, bool all);
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void fail(const QString& message);
    // Sets each NAME=VALUE of `labctl env --json`; empty, or why the output was not usable.
    QString applyEnvironment(const QByteArray& json);

    QString m_directory;
    QProcess* m_process = nullptr;
    Stage m_stage = Stage::Up;
    QString m_lastLine;  // the likeliest reason when labctl fails
    QTimer m_deadline;
    std::chrono::milliseconds m_timeout{std::chrono::minutes(3)};
    bool m_timedOut = false;
};

} // namespace hopscope
