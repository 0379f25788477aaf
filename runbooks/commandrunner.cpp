#include "commandrunner.h"

#include "observation.h"

#include <QProcessEnvironment>
#include <QTimer>

#include <csignal>
#include <unistd.h>

namespace hopscope {

namespace {

constexpr std::chrono::milliseconds kKillGrace{2000};

} // namespace

CommandRunner::CommandRunner(QObject* parent) : QObject(parent), m_deadline(new QTimer(this))
{
    m_deadline->setSingleShot(true);
    connect(m_deadline, &QTimer::timeout, this, [this] {
        m_stopReason = QStringLiteral("timed out after %1").arg(QString::fromStdString(humanDuration(m_timeout)));
        stop();
    });
}

CommandRunner::~CommandRunner()
{
    if (isRunning()) {
        m_process->disconnect(this);
        killGroup(SIGKILL);
        m_process->waitForFinished(1000);
    }
}

bool CommandRunner::isRunning() const
{
    return m_process && m_process->state() != QProcess::NotRunning;
}

void CommandRunner::start(const CommandProbe& command, std::chrono::milliseconds timeout)
{
    if (m_process)
        m_process->deleteLater();
    m_stopReason.clear();
    m_group = 0;
    m_timeout = timeout;
    if (command.argv.empty()) {
        QTimer::singleShot(0, this, [this] { emit finished(-1, QStringLiteral("the command is empty")); });
        return;
    }
    m_process = new QProcess(this);
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    m_process->setStandardInputFile(QProcess::nullDevice());
    // Its own group: a timeout or an abort ends the command and whatever it started.
    m_process->setChildProcessModifier([] { ::setpgid(0, 0); });
    if (!command.workingDirectory.empty())
        m_process->setWorkingDirectory(QString::fromStdString(command.workingDirectory));
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const auto& [key, value] : command.environment)
        env.insert(QString::fromStdString(key), QString::fromStdString(value));
    m_process->setProcessEnvironment(env);
    QStringList args;
    for (std::size_t i = 1; i < command.argv.size(); ++i)
        args << QString::fromStdString(command.argv[i]);
    m_process->setProgram(QString::fromStdString(command.argv.front()));
    m_process->setArguments(args);

    connect(m_process, &QProcess::readyRead, this, [this] { emit output(m_process->readAll()); });
    connect(m_process, &QProcess::started, this, [this] { m_group = m_process->processId(); });
    connect(m_process, &QProcess::finished, this, &CommandRunner::onFinished);
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart) {
            m_deadline->stop();
            emit finished(-1, QStringLiteral("could not start %1: %2").arg(m_process->program(), m_process->errorString()));
        }
    });
    m_deadline->start(timeout);
    m_process->start();
}

void CommandRunner::stop()
{
    if (!isRunning())
        return;
    if (m_stopReason.isEmpty())
        m_stopReason = QStringLiteral("stopped");
    killGroup(SIGTERM);
    QTimer::singleShot(kKillGrace, this, [this, process = m_process] {
        if (process == m_process && isRunning())
            killGroup(SIGKILL);
    });
}

void CommandRunner::killGroup(int signal)
{
    if (m_group > 0)
        ::kill(-pid_t(m_group), signal);
}

void CommandRunner::onFinished(int exitCode, QProcess::ExitStatus status)
{
    m_deadline->stop();
    if (const QByteArray rest = m_process->readAll(); !rest.isEmpty())
        emit output(rest);
    // Whatever the command left running in its group goes with it.
    killGroup(SIGKILL);
    if (!m_stopReason.isEmpty())
        emit finished(-1, m_stopReason);
    else if (status == QProcess::CrashExit)
        emit finished(-1, QStringLiteral("ended by a signal"));
    else
        emit finished(exitCode, QString());
}

} // namespace hopscope
