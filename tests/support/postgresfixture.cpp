#include "postgresfixture.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QThread>

#include <cerrno>
#include <csignal>
#include <pwd.h>
#include <unistd.h>

namespace hopscope::test {

namespace {

constexpr auto kBinDir = "/usr/lib/postgresql/15/bin";

bool processAlive(pid_t pid)
{
    return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM);
}

} // namespace

PostgresFixture::~PostgresFixture()
{
    stop();
}

QString PostgresFixture::binDir()
{
    const QString dir = QString::fromLatin1(kBinDir);
    return QFileInfo::exists(dir + QStringLiteral("/postgres")) && QFileInfo::exists(dir + QStringLiteral("/initdb"))
               ? dir
               : QString();
}

bool PostgresFixture::run(const QString& program, const QStringList& args, const QString& input, QString* output,
                          bool asPostgres, int timeoutMs)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    if (m_dir)
        process.setWorkingDirectory(m_dir->path());  // the postgres user may not read ours
    if (asPostgres && runningAsRoot()) {
        process.setProgram(QStringLiteral("runuser"));
        process.setArguments(QStringList{QStringLiteral("-u"), QStringLiteral("postgres"), QStringLiteral("--"), program} + args);
    } else {
        process.setProgram(program);
        process.setArguments(args);
    }
    process.start();
    if (!process.waitForStarted(10000)) {
        m_error = QStringLiteral("could not start %1: %2").arg(program, process.errorString());
        return false;
    }
    if (!input.isNull())
        process.write(input.toUtf8());
    process.closeWriteChannel();
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(5000);
        m_error = QStringLiteral("%1 did not finish within %2 ms").arg(program).arg(timeoutMs);
        return false;
    }
    const QString text = QString::fromUtf8(process.readAll());
    if (output)
        *output = text;
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        m_error = QStringLiteral("%1 failed (exit %2): %3").arg(QFileInfo(program).fileName()).arg(process.exitCode()).arg(text.trimmed());
        return false;
    }
    return true;
}

bool PostgresFixture::start(const QStringList& databases, int maxConnections)
{
    const QString bin = binDir();
    if (bin.isEmpty()) {
        m_error = QStringLiteral("PostgreSQL 15 is not installed in %1").arg(QString::fromLatin1(kBinDir));
        return false;
    }
    m_dir = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/hopscope-pg-XXXXXX"));
    if (!m_dir->isValid()) {
        m_error = QStringLiteral("could not create a temporary directory: %1").arg(m_dir->errorString());
        return false;
    }
    if (runningAsRoot()) {
        const passwd* postgres = ::getpwnam("postgres");
        if (!postgres) {
            m_error = QStringLiteral("running as root and there is no postgres user to run the server as");
            return false;
        }
        if (::chown(QFile::encodeName(m_dir->path()).constData(), postgres->pw_uid, postgres->pw_gid) != 0) {
            m_error = QStringLiteral("could not hand %1 to the postgres user").arg(m_dir->path());
            return false;
        }
    }
    const QString data = m_dir->path() + QStringLiteral("/data");
    if (!run(bin + QStringLiteral("/initdb"),
             {QStringLiteral("-D"), data, QStringLiteral("-U"), QStringLiteral("postgres"), QStringLiteral("-A"),
              QStringLiteral("trust"), QStringLiteral("-E"), QStringLiteral("UTF8"), QStringLiteral("--locale=C"),
              QStringLiteral("--no-sync"), QStringLiteral("--no-instructions")},
             QString(), nullptr, true, 120000))
        return false;

    // The superuser is trusted on loopback so the fixture needs no secret; `app` must prove
    // its password, so wrong-password tests meet the server's real refusal.
    QFile hba(data + QStringLiteral("/pg_hba.conf"));
    if (!hba.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        m_error = QStringLiteral("could not write %1").arg(hba.fileName());
        return false;
    }
    hba.write("local all all trust\n"
              "host all postgres 127.0.0.1/32 trust\n"
              "host all all 127.0.0.1/32 scram-sha-256\n");
    hba.close();

    m_port = freeLoopbackPort();
    if (!m_server.start(bin + QStringLiteral("/postgres"),
                        {QStringLiteral("-D"), data, QStringLiteral("-p"), QString::number(m_port), QStringLiteral("-k"),
                         m_dir->path(), QStringLiteral("-c"), QStringLiteral("listen_addresses=127.0.0.1"),
                         QStringLiteral("-c"), QStringLiteral("fsync=off"), QStringLiteral("-c"),
                         QStringLiteral("max_connections=%1").arg(maxConnections), QStringLiteral("-c"),
                         QStringLiteral("shared_buffers=16MB")},
                        m_dir->path(), QStringLiteral("postgres"))) {
        m_error = m_server.error();
        return false;
    }
    if (!m_server.waitForPort(m_port, std::chrono::seconds(60))) {
        m_error = m_server.error();
        return false;
    }
    // Listening is not yet accepting queries ("the database system is starting up").
    QDeadlineTimer ready(30000);
    while (!psql(QStringLiteral("select 1"))) {
        if (ready.hasExpired())
            return false;
        QThread::msleep(50);
    }
    if (!psql(QStringLiteral("create role app login password '%1'").arg(appPassword())))
        return false;
    for (const auto& database : databases) {
        if (!psql(QStringLiteral("create database %1 owner app").arg(database)))
            return false;
    }
    return true;
}

void PostgresFixture::stop()
{
    if (!m_dir)
        return;
    QFile pidFile(m_dir->path() + QStringLiteral("/data/postmaster.pid"));
    if (pidFile.open(QIODevice::ReadOnly)) {
        const pid_t pid = pid_t(pidFile.readLine().trimmed().toLongLong());
        pidFile.close();
        // SIGINT is PostgreSQL's fast shutdown: it does not wait for clients to leave.
        if (pid > 0 && ::kill(pid, SIGINT) == 0) {
            QDeadlineTimer deadline(15000);
            while (processAlive(pid) && !deadline.hasExpired())
                QThread::msleep(20);
            if (processAlive(pid))
                ::kill(pid, SIGKILL);
        }
    }
    m_server.stop();  // reaps runuser
    m_dir.reset();    // removes the cluster
    m_port = 0;
}

std::string PostgresFixture::dsn(const QString& database, const QString& user, const QString& password,
                                 const QString& extra) const
{
    QString text = QStringLiteral("host=127.0.0.1 port=%1 dbname=%2 user=%3").arg(m_port).arg(database, user);
    if (!password.isEmpty())
        text += QStringLiteral(" password=") + password;
    if (!extra.isEmpty())
        text += QLatin1Char(' ') + extra;
    return text.toStdString();
}

std::optional<QString> PostgresFixture::psql(const QString& sql, const QString& database, const QString& asRole)
{
    QString script = asRole.isEmpty() ? QString() : QStringLiteral("set role %1;\n").arg(asRole);
    script += sql + QStringLiteral(";\n");
    QString output;
    if (!run(binDir() + QStringLiteral("/psql"),
             {QStringLiteral("-X"), QStringLiteral("-q"), QStringLiteral("-A"), QStringLiteral("-t"), QStringLiteral("-v"),
              QStringLiteral("ON_ERROR_STOP=1"), QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"),
              QString::number(m_port), QStringLiteral("-U"), QStringLiteral("postgres"), QStringLiteral("-d"), database,
              QStringLiteral("-f"), QStringLiteral("-")},
             script, &output, false))
        return std::nullopt;
    return output.trimmed();
}

} // namespace hopscope::test
