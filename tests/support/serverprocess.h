#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>

#include <chrono>

namespace hopscope::test {

// A real server a test starts on loopback and stops by pid when it goes out of scope
// (SIGTERM, then SIGKILL after a grace period), so no test leaves a process behind.
class ServerProcess final {
public:
    ServerProcess() = default;
    ~ServerProcess();
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    // Starts program with args; `asUser` runs it through runuser when we are root
    // (PostgreSQL refuses to run as root). Returns false with error() set on failure.
    bool start(const QString& program, const QStringList& args, const QString& workDir = {},
               const QString& asUser = {});
    // Waits until host:port accepts TCP connections, the process exits, or the timeout passes.
    bool waitForPort(quint16 port, std::chrono::milliseconds timeout = std::chrono::seconds(20),
                     const QString& host = QStringLiteral("127.0.0.1"));
    void stop();

    bool isRunning() const;
    qint64 pid() const;
    QString error() const { return m_error; }
    // What the process printed so far (stdout and stderr merged), for failure messages.
    QString output();

private:
    QProcess m_process;
    QString m_error;
    QByteArray m_output;
};

// A loopback TCP port that was free a moment ago (bound to port 0, then released).
quint16 freeLoopbackPort();

// True when the current user is root: some servers must then be run as another user.
bool runningAsRoot();

// The first existing path among candidates, or an empty string: where Debian puts server binaries.
QString findProgram(const QString& name, const QStringList& extraDirs = {});

} // namespace hopscope::test
