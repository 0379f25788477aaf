#pragma once

#include "serverprocess.h"

#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>
#include <optional>
#include <string>

namespace hopscope::test {

// A throwaway PostgreSQL 15 cluster on a free loopback port, for one test class: start() in
// initTestCase (initdb takes seconds), stop() in cleanupTestCase. Root cannot run PostgreSQL,
// so as root the cluster runs as the `postgres` user. pg_hba.conf trusts the superuser
// `postgres` on loopback and asks the `app` role for its password (scram), so a wrong
// password is refused for real.
class PostgresFixture final {
public:
    PostgresFixture() = default;
    ~PostgresFixture();
    PostgresFixture(const PostgresFixture&) = delete;
    PostgresFixture& operator=(const PostgresFixture&) = delete;

    // Where Debian puts the server (initdb, postgres, psql), or empty when not installed.
    static QString binDir();

    // initdb, start, then create the login role `app` and the given databases owned by it.
    // False with error() set when any step fails.
    bool start(const QStringList& databases = {QStringLiteral("appdb"), QStringLiteral("otherdb")},
               int maxConnections = 20);
    // Fast shutdown by pid (SIGINT to the postmaster, SIGKILL if it lingers); removes the directory.
    void stop();

    quint16 port() const { return m_port; }
    QString error() const { return m_error; }
    static QString appPassword() { return QStringLiteral("app-secret-pw"); }

    // A key=value DSN for 127.0.0.1:port(), as a rendered check would carry it.
    std::string dsn(const QString& database, const QString& user = QStringLiteral("app"),
                    const QString& password = appPassword(), const QString& extra = {}) const;

    // Runs SQL through psql as the superuser (or, with asRole, after SET ROLE so the role owns
    // what it creates). Returns the output, unaligned and tuples only, or nothing with error().
    std::optional<QString> psql(const QString& sql, const QString& database = QStringLiteral("postgres"),
                                const QString& asRole = {});

private:
    bool run(const QString& program, const QStringList& args, const QString& input, QString* output,
             bool asPostgres, int timeoutMs = 60000);

    std::unique_ptr<QTemporaryDir> m_dir;
    ServerProcess m_server;
    quint16 m_port = 0;
    QString m_error;
};

} // namespace hopscope::test
