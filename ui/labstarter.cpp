#include "labstarter.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

namespace hopscope {

LabStarter::LabStarter(const QString& labDirectory, QObject* parent) : QObject(parent), m_directory(labDirectory)
{
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        if (!m_process)
            return;
        m_timedOut = true;
        m_process->kill();  // finished() follows and reports it
    });
}

LabStarter::~LabStarter()
{
    if (m_process) {
        // labctl up is idempotent: the next start finishes what this one began.
        m_process->disconnect(this);
        m_process->kill();
        m_process->waitForFinished(2000);
    }
}

QString LabStarter::environmentFile() const
{
    return QDir(m_directory).filePath(QStringLiteral("lab.yaml"));
}

void LabStarter::start()
{
    if (m_process)
        return;
    const QFileInfo labctl(QDir(m_directory).filePath(QStringLiteral("labctl")));
    if (!labctl.isFile() || !labctl.isExecutable()) {
        fail(tr("There is no labctl in %1, so the lab cannot be started from here. Start it in a terminal "
                "with `labctl up` from Hopscope's lab directory, then open its lab.yaml.")
                 .arg(QDir::toNativeSeparators(m_directory)));
        return;
    }
    m_timedOut = false;
    m_lastLine.clear();
    run(Stage::Up);
}

void LabStarter::run(Stage stage)
{
    m_stage = stage;
    const QString program = QDir(m_directory).filePath(QStringLiteral("labctl"));
    const QStringList arguments = stage == Stage::Up ? QStringList{QStringLiteral("up")}
                                                     : QStringList{QStringLiteral("env"), QStringLiteral("--json")};
    m_process = new QProcess(this);
    m_process->setWorkingDirectory(m_directory);
    // Argv, never a shell.
    m_process->setProgram(program);
    m_process->setArguments(arguments);
    connect(m_process, &QProcess::readyReadStandardError, this, [this] { readLines(QProcess::StandardError, false); });
    if (stage == Stage::Up) {
        // What it says about its progress is all worth showing; the variables come later, whole.
        connect(m_process, &QProcess::readyReadStandardOutput, this,
                [this] { readLines(QProcess::StandardOutput, false); });
    }
    connect(m_process, &QProcess::finished, this, &LabStarter::onFinished);
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)  // no finished() follows
            fail(tr("labctl could not be run: %1").arg(m_process->errorString()));
    });
    emit output(QStringLiteral("$ %1 %2").arg(QDir::toNativeSeparators(program), arguments.join(u' ')));
    m_deadline.start(m_timeout);
    m_process->start();
}

void LabStarter::readLines(QProcess::ProcessChannel channel, bool all)
{
    m_process->setReadChannel(channel);
    while (m_process->canReadLine() || (all && m_process->bytesAvailable() > 0)) {
        const QString line = QString::fromUtf8(m_process->readLine()).trimmed();
        if (line.isEmpty())
            continue;
        m_lastLine = line;
        emit output(line);
    }
}

void LabStarter::onFinished(int exitCode, QProcess::ExitStatus status)
{
    m_deadline.stop();
    readLines(QProcess::StandardError, true);
    const QByteArray json = m_stage == Stage::Env ? m_process->readAllStandardOutput() : QByteArray();
    if (m_stage == Stage::Up)
        readLines(QProcess::StandardOutput, true);
    const QString command = m_stage == Stage::Up ? QStringLiteral("labctl up") : QStringLiteral("labctl env");
    m_process->deleteLater();
    m_process = nullptr;

    if (m_timedOut) {
        fail(tr("%1 did not finish within %n second(s) and was stopped.", nullptr,
                int(std::chrono::duration_cast<std::chrono::seconds>(m_timeout).count()))
                 .arg(command));
    } else if (status != QProcess::NormalExit) {
        fail(tr("%1 stopped unexpectedly (it crashed or was killed).").arg(command));
    } else if (exitCode != 0) {
        fail(m_lastLine.isEmpty() ? tr("%1 failed with exit status %2.").arg(command).arg(exitCode)
                                  : tr("%1 failed with exit status %2: %3").arg(command).arg(exitCode).arg(m_lastLine));
    } else if (m_stage == Stage::Up) {
        run(Stage::Env);
    } else if (const QString problem = applyEnvironment(json); !problem.isEmpty()) {
        fail(tr("The lab started, but its variables could not be read from labctl env: %1").arg(problem));
    } else {
        emit ready(environmentFile());
    }
}

QString LabStarter::applyEnvironment(const QByteArray& json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (!document.isObject())
        return error.error != QJsonParseError::NoError ? error.errorString() : tr("it did not print a JSON object");
    const QJsonObject variables = document.object();
    for (auto it = variables.begin(); it != variables.end(); ++it) {
        if (it.key().isEmpty() || it.key().contains(u'=') || !it.value().isString())
            return tr("\"%1\" is not a variable with a text value").arg(it.key());
    }
    for (auto it = variables.begin(); it != variables.end(); ++it)
        qputenv(it.key().toLocal8Bit().constData(), it.value().toString().toLocal8Bit());
    return {};
}

void LabStarter::fail(const QString& message)
{
    m_deadline.stop();
    if (m_process) {
        m_process->disconnect(this);
        m_process->deleteLater();
        m_process = nullptr;
    }
    emit failed(message);
}

} // namespace hopscope
