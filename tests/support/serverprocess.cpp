#include "serverprocess.h"

#include <QDeadlineTimer>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

#include <csignal>
#include <unistd.h>

namespace hopscope::test {

ServerProcess::~ServerProcess()
{
    stop();
}

bool ServerProcess::start(const QString& program, const QStringList& args, const QString& workDir, const QString& asUser)
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    if (!workDir.isEmpty())
        m_process.setWorkingDirectory(workDir);
    if (!asUser.isEmpty() && runningAsRoot()) {
        m_process.setProgram(QStringLiteral("runuser"));
        m_process.setArguments(QStringList{QStringLiteral("-u"), asUser, QStringLiteral("--"), program} + args);
    } else {
        m_process.setProgram(program);
        m_process.setArguments(args);
    }
    m_process.start();
    if (!m_process.waitForStarted(10000)) {
        m_error = QStringLiteral("could not start %1: %2").arg(program, m_process.errorString());
        return false;
    }
    return true;
}

bool ServerProcess::waitForPort(quint16 port, std::chrono::milliseconds timeout, const QString& host)
{
    QDeadlineTimer deadline(timeout);
    while (!deadline.hasExpired()) {
        if (m_process.state() == QProcess::NotRunning) {
            m_error = QStringLiteral("the server exited (code %1) before listening on %2: %3")
                          .arg(m_process.exitCode())
                          .arg(port)
                          .arg(output());
            return false;
        }
        QTcpSocket socket;
        socket.connectToHost(host, port);
        if (socket.waitForConnected(200))
            return true;
        // Wait on the process instead of sleeping: it wakes us at once if the server dies.
        m_process.waitForFinished(50);
    }
    m_error = QStringLiteral("nothing listened on %1:%2 within %3 ms: %4").arg(host).arg(port).arg(timeout.count()).arg(output());
    return false;
}

void ServerProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    const qint64 id = m_process.processId();
    // Through runuser, the server is a child of runuser: signal the whole process group.
    if (id > 0)
        ::kill(pid_t(id), SIGTERM);
    if (!m_process.waitForFinished(5000)) {
        if (id > 0)
            ::kill(pid_t(id), SIGKILL);
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

bool ServerProcess::isRunning() const
{
    return m_process.state() != QProcess::NotRunning;
}

qint64 ServerProcess::pid() const
{
    return m_process.processId();
}

QString ServerProcess::output()
{
    m_output += m_process.readAll();
    return QString::fromUtf8(m_output.right(4000));
}

quint16 freeLoopbackPort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    return server.serverPort();
}

bool runningAsRoot()
{
    return ::geteuid() == 0;
}

QString findProgram(const QString& name, const QStringList& extraDirs)
{
    const QString found = QStandardPaths::findExecutable(name, extraDirs);
    if (!found.isEmpty())
        return found;
    return QStandardPaths::findExecutable(name, {QStringLiteral("/usr/sbin"), QStringLiteral("/sbin")});
}

} // namespace hopscope::test
