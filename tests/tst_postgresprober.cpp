// The postgres prober against a real PostgreSQL 15 cluster the suite starts on loopback.

#include "checkresult.h"
#include "postgresfixture.h"
#include "postgresprober.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <atomic>
#include <csignal>
#include <future>
#include <memory>
#include <optional>
#include <set>

using namespace hopscope;
using namespace std::chrono_literals;
using hopscope::test::PostgresFixture;
using nlohmann::json;
using std::chrono::milliseconds;

Q_DECLARE_METATYPE(std::string)

namespace {

using Builtin = PostgresProbe::Builtin;

Check checkOf(const PostgresProbe& probe)
{
    Check check;
    check.name = "database";
    check.kind = CheckKind::Postgres;
    check.probe = probe;
    return check;
}

PostgresProbe probeOf(const std::string& dsn, Builtin builtin = Builtin::Connect, const std::string& query = {})
{
    PostgresProbe probe;
    probe.dsn = dsn;
    probe.builtin = builtin;
    probe.query = query;
    return probe;
}

// One probe's answer, and how many times `done` was called (it must be exactly once).
struct Answer {
    std::shared_future<Observation> future;
    std::shared_ptr<std::atomic<int>> calls = std::make_shared<std::atomic<int>>(0);
    QElapsedTimer clock;
};

Answer startProbe(PostgresProber& prober, const PostgresProbe& probe, milliseconds budget)
{
    Answer answer;
    auto promise = std::make_shared<std::promise<Observation>>();
    answer.future = promise->get_future().share();
    answer.clock.start();
    prober.start(checkOf(probe), std::chrono::steady_clock::now() + budget,
                 [promise, calls = answer.calls](Observation observation) {
                     if (++*calls == 1)
                         promise->set_value(std::move(observation));
                 });
    return answer;
}

// Waits (bounded) for the answer: the deadline plus a generous margin for a loaded machine.
std::optional<Observation> awaitAnswer(const Answer& answer, milliseconds budget)
{
    if (answer.future.wait_for(budget + 5s) != std::future_status::ready)
        return std::nullopt;
    return answer.future.get();
}

std::optional<Observation> probeNow(PostgresProber& prober, const PostgresProbe& probe, milliseconds budget = 10s)
{
    return awaitAnswer(startProbe(prober, probe, budget), budget);
}

std::string describe(const Observation& o)
{
    return "completed=" + std::string(o.completed ? "true" : "false") + " error=" + o.error +
                                     " figure=" + o.figure + " observed=" + o.observed.dump();
}

} // namespace

// QCOMPARE cannot take nlohmann::json (its conversions clash with QTest's overloads).
#define COMPARE_JSON(actual, expected)                                                                        \
    do {                                                                                                      \
        const json actual_ = (actual);                                                                        \
        const json expected_ = (expected);                                                                    \
        QVERIFY2(actual_ == expected_, ("got " + actual_.dump() + ", expected " + expected_.dump()).c_str()); \
    } while (false)

class TestPostgresProber final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void connectsAndSaysHowFast();
    void connectionErrorsInEngineersWords_data();
    void connectionErrorsInEngineersWords();
    void silentServerTimesOutConnecting();
    void deadlineShorterThanConnectTimeoutWins();
    void queryValuesAreTyped_data();
    void queryValuesAreTyped();
    void missingRelationNamedAsTheServerSaysIt();
    void statementTimeoutEndsSlowQuery();
    void deadlineCapsStatementTimeout();
    void queriesCannotWrite_data();
    void queriesCannotWrite();
    void requiredTablesListsWhatIsMissing();
    void migrationsAgainstHead_data();
    void migrationsAgainstHead();
    void connectionsAgainstMaxConnections();
    void duplicateKeysBeforeAUniqueConstraint();
    void explainFindsSeqScanUntilIndexed();
    void indexesMissingThenPresent();
    void explainRefusesNonSelect();
    void sameDatabaseComparesServers_data();
    void sameDatabaseComparesServers();
    void oneConnectionPerDsn();
    void differentDsnsRunInParallel();
    void reconnectsAfterBackendTerminated();
    void watchdogAnswersWhenBackendHangs();
    void queuedProbeTimesOutBehindSlowOne();
    void destructorInterruptsRunningQuery();

private:
    std::string appDsn(const QString& extra = {}) const { return m_pg.dsn(QStringLiteral("appdb"), QStringLiteral("app"), PostgresFixture::appPassword(), extra); }
    bool sql(const QString& statement, const QString& database = QStringLiteral("appdb"));

    PostgresFixture m_pg;
    QTemporaryDir m_migrations;
};

bool TestPostgresProber::sql(const QString& statement, const QString& database)
{
    if (m_pg.psql(statement, database, QStringLiteral("app")))
        return true;
    qWarning("%s", qPrintable(m_pg.error()));
    return false;
}

void TestPostgresProber::initTestCase()
{
    if (PostgresFixture::binDir().isEmpty())
        QSKIP("PostgreSQL 15 server binaries are not installed in /usr/lib/postgresql/15/bin");
    QElapsedTimer clock;
    clock.start();
    QVERIFY2(m_pg.start(), qPrintable(m_pg.error()));
    qInfo("cluster up on port %d in %lld ms", m_pg.port(), clock.elapsed());

    // 50,000 users in 100 segments, analyzed: a lookup by segment is a Seq Scan until indexed.
    QVERIFY(sql(QStringLiteral(
        "create table users (id serial primary key, email text, user_segment text);"
        "insert into users (email, user_segment) select 'u' || g || '@example.test', 'seg' || (g % 100)"
        " from generate_series(1, 50000) g;"
        "analyze users;"
        // Incident 000: the unique constraint that could not be added.
        "create table media_buys (tenant_id text, principal_id text, buyer_ref text);"
        "insert into media_buys values ('default', 'p1', 'A2A-p1'), ('default', 'p1', 'A2A-p1'), ('default', 'p1', 'A2A-p1'),"
        " ('default', 'p2', 'x'), ('default', 'p2', 'x'), ('default', 'p3', 'unique'),"
        " ('default', 'p4', null), ('default', 'p4', null);"
        "create table schema_migrations (version text primary key);"
        "insert into schema_migrations select lpad(g::text, 4, '0') from generate_series(1, 7) g;"
        "create table migrations_at_head (version bigint);"
        "insert into migrations_at_head select generate_series(1, 9)")));

    QVERIFY(m_migrations.isValid());
    for (const char* name : {"0001_init.sql", "0002_users.sql", "0003_media_buys.sql", "0004_x.sql", "0005_x.sql",
                             "0006_x.sql", "0007_x.sql", "0008_add_logs.sql", "0009_add_x.sql", "0009_add_x.down.sql",
                             "README.md"}) {
        QFile file(m_migrations.filePath(QString::fromLatin1(name)));
        QVERIFY(file.open(QIODevice::WriteOnly));
    }
}

void TestPostgresProber::cleanupTestCase()
{
    m_pg.stop();
}

void TestPostgresProber::connectsAndSaysHowFast()
{
    PostgresProber prober;
    const auto obs = probeNow(prober, probeOf(appDsn()));
    QVERIFY(obs);
    QVERIFY2(obs->completed, describe(*obs).c_str());
    COMPARE_JSON(obs->observed["connected"], json(true));
    QVERIFY(obs->observed["latency_ms"].is_number());
    QVERIFY(obs->latencyMs > 0);
    QVERIFY2(obs->figure.rfind("connected · ", 0) == 0, obs->figure.c_str());
    QVERIFY(obs->observed["server_version"].get<std::string>().rfind("15", 0) == 0);
}

void TestPostgresProber::connectionErrorsInEngineersWords_data()
{
    QTest::addColumn<std::string>("dsn");
    QTest::addColumn<QString>("expected");
    const quint16 closed = test::freeLoopbackPort();
    QTest::newRow("wrong password") << m_pg.dsn(QStringLiteral("appdb"), QStringLiteral("app"), QStringLiteral("wrong-pw-7731"))
                                    << QStringLiteral("password authentication failed for user \"app\"");
    QTest::newRow("database missing") << m_pg.dsn(QStringLiteral("nope"))
                                      << QStringLiteral("database \"nope\" does not exist");
    QTest::newRow("port closed")
        << QStringLiteral("host=127.0.0.1 port=%1 dbname=appdb user=app password=app-secret-pw").arg(closed).toStdString()
        << QStringLiteral("connection refused by 127.0.0.1:%1").arg(closed);
    // libpq quotes the token it chokes on, which here is half of the password.
    QTest::newRow("unparsable DSN")
        << std::string("host=127.0.0.1 password=wrong-pw-7731 trailing")
        << QStringLiteral("the DSN is not a valid connection string: missing \"=\" after \"…\" in connection info string");
    QTest::newRow("uri form, wrong password")
        << QStringLiteral("postgresql://app:wrong-pw-7731@127.0.0.1:%1/appdb").arg(m_pg.port()).toStdString()
        << QStringLiteral("password authentication failed for user \"app\"");
}

void TestPostgresProber::connectionErrorsInEngineersWords()
{
    QFETCH(std::string, dsn);
    QFETCH(QString, expected);
    PostgresProber prober;
    const auto obs = probeNow(prober, probeOf(dsn));
    QVERIFY(obs);
    QVERIFY2(!obs->completed, describe(*obs).c_str());
    QCOMPARE(QString::fromStdString(obs->error), expected);
    COMPARE_JSON(obs->observed["connected"], json(false));
    const std::string everything = obs->error + obs->figure + obs->observed.dump();
    QVERIFY(everything.find("wrong-pw-7731") == std::string::npos);
    QVERIFY(everything.find("app-secret-pw") == std::string::npos);
}

void TestPostgresProber::silentServerTimesOutConnecting()
{
    // Accepts TCP (the kernel completes the handshake) and never says a word.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost));
    PostgresProbe probe = probeOf(QStringLiteral("host=127.0.0.1 port=%1 dbname=x user=app").arg(silent.serverPort()).toStdString());
    probe.connectTimeout = 2s;
    {
        // A prober destroyed while connecting still answers, at once.
        Answer stopped;
        {
            PostgresProber doomed;
            stopped = startProbe(doomed, probe, 10s);
        }
        QCOMPARE(stopped.future.wait_for(0s), std::future_status::ready);
        QVERIFY(!stopped.future.get().completed);
        QCOMPARE(stopped.calls->load(), 1);
    }

    PostgresProber prober;
    const Answer timed = startProbe(prober, probe, 10s);
    const auto obs = awaitAnswer(timed, 10s);
    const auto took = timed.clock.elapsed();
    QVERIFY(obs);
    qInfo("silent server: answered after %lld ms: %s", took, obs->error.c_str());
    QCOMPARE(QString::fromStdString(obs->error),
             QStringLiteral("timed out after 2 s connecting to 127.0.0.1:%1").arg(silent.serverPort()));
    QVERIFY2(took >= 1900 && took < 2600, QByteArray::number(took).constData());
}

void TestPostgresProber::deadlineShorterThanConnectTimeoutWins()
{
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost));
    PostgresProbe probe = probeOf(QStringLiteral("host=127.0.0.1 port=%1 dbname=x user=app").arg(silent.serverPort()).toStdString());
    probe.connectTimeout = 10s;
    PostgresProber prober;
    const Answer answer = startProbe(prober, probe, 800ms);
    const auto obs = awaitAnswer(answer, 800ms);
    const auto took = answer.clock.elapsed();
    QVERIFY(obs);
    qInfo("deadline 800 ms, connect_timeout 10 s: answered after %lld ms: %s", took, obs->error.c_str());
    QVERIFY2(obs->error.rfind("timed out after ", 0) == 0, obs->error.c_str());
    QVERIFY(obs->error.find("connecting to 127.0.0.1:") != std::string::npos);
    QVERIFY2(took < 800 + 500, QByteArray::number(took).constData());
}

void TestPostgresProber::queryValuesAreTyped_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("value");  // as JSON
    QTest::addColumn<int>("rows");
    QTest::newRow("integer") << QStringLiteral("select 42") << QStringLiteral("42") << 1;
    QTest::newRow("bigint") << QStringLiteral("select 9007199254740993::bigint") << QStringLiteral("9007199254740993") << 1;
    QTest::newRow("double") << QStringLiteral("select 1.5::float8") << QStringLiteral("1.5") << 1;
    QTest::newRow("numeric") << QStringLiteral("select 2.25::numeric") << QStringLiteral("2.25") << 1;
    QTest::newRow("boolean") << QStringLiteral("select true") << QStringLiteral("true") << 1;
    QTest::newRow("text") << QStringLiteral("select 'ok'::text") << QStringLiteral("\"ok\"") << 1;
    QTest::newRow("null") << QStringLiteral("select null") << QStringLiteral("null") << 1;
    QTest::newRow("jsonb") << QStringLiteral("select '{\"a\": [1, 2]}'::jsonb") << QStringLiteral("{\"a\":[1,2]}") << 1;
    QTest::newRow("no rows") << QStringLiteral("select 1 where false") << QStringLiteral("null") << 0;
    QTest::newRow("table") << QStringLiteral("select count(*) from users") << QStringLiteral("50000") << 1;
    QTest::newRow("several rows") << QStringLiteral("select n, n * 2 as twice from generate_series(1, 3) n")
                                  << QStringLiteral("1") << 3;
}

void TestPostgresProber::queryValuesAreTyped()
{
    QFETCH(QString, query);
    QFETCH(QString, value);
    QFETCH(int, rows);
    PostgresProber prober;
    const auto obs = probeNow(prober, probeOf(appDsn(), Builtin::Query, query.toStdString()));
    QVERIFY(obs);
    QVERIFY2(obs->completed, describe(*obs).c_str());
    COMPARE_JSON(obs->observed["value"], json::parse(value.toStdString()));
    COMPARE_JSON(obs->observed["rows"], json(rows));
    COMPARE_JSON(obs->observed["json"].size(), std::size_t(rows));
    if (rows == 3) {
        COMPARE_JSON(obs->observed["json"].at(json::json_pointer("/2/twice")), json(6));
        QCOMPARE(obs->figure, std::string("3 rows"));
    }
}

void TestPostgresProber::missingRelationNamedAsTheServerSaysIt()
{
    PostgresProber prober;
    const auto obs = probeNow(prober, probeOf(appDsn(), Builtin::Query, "select count(*) from application_logs"));
    QVERIFY(obs);
    QVERIFY(!obs->completed);
    QCOMPARE(obs->error, std::string("relation \"application_logs\" does not exist"));
    COMPARE_JSON(obs->observed["connected"], json(true));
    // The server is fine; the schema lacks the table: another hop's fault, so not red here.
    QVERIFY(obs->inconclusive);
    QCOMPARE(int(evaluateCheck(Check{}, *obs).status), int(CheckStatus::Warn));

    const auto typo = probeNow(prober, probeOf(appDsn(), Builtin::Query, "selec 1"));
    QVERIFY(typo && !typo->completed);
    QVERIFY2(!typo->inconclusive, "a syntax error is the check's own fault, not the schema's");
}

void TestPostgresProber::statementTimeoutEndsSlowQuery()
{
    PostgresProber prober;
    PostgresProbe probe = probeOf(appDsn(), Builtin::Query, "select pg_sleep(10)");
    probeNow(prober, probeOf(appDsn()));  // connected already: time only the statement
    probe.statementTimeout = 1s;
    const Answer answer = startProbe(prober, probe, 8s);
    const auto obs = awaitAnswer(answer, 8s);
    const auto took = answer.clock.elapsed();
    QVERIFY(obs);
    qInfo("statement_timeout 1 s: answered after %lld ms", took);
    QCOMPARE(obs->error, std::string("canceling statement due to statement timeout (1 s)"));
    QVERIFY2(took >= 950 && took < 1600, QByteArray::number(took).constData());
    // The connection survives a cancelled statement and is reused.
    const auto next = probeNow(prober, probeOf(appDsn(), Builtin::Query, "select 1"));
    QVERIFY(next && next->completed);
}

void TestPostgresProber::deadlineCapsStatementTimeout()
{
    PostgresProber prober;
    PostgresProbe probe = probeOf(appDsn(), Builtin::Query, "select pg_sleep(10)");
    probe.statementTimeout = 30s;
    const Answer answer = startProbe(prober, probe, 1500ms);
    const auto obs = awaitAnswer(answer, 1500ms);
    const auto took = answer.clock.elapsed();
    QVERIFY(obs);
    qInfo("deadline 1.5 s, statement_timeout 30 s: answered after %lld ms: %s", took, obs->error.c_str());
    QVERIFY2(obs->error.rfind("canceling statement due to statement timeout (", 0) == 0, obs->error.c_str());
    QVERIFY2(took < 1500 + 300, QByteArray::number(took).constData());
}

void TestPostgresProber::queriesCannotWrite_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QString>("table");
    QTest::newRow("create table") << QStringLiteral("create table x(a int)") << QStringLiteral("read-only transaction")
                                  << QStringLiteral("x");
    QTest::newRow("delete") << QStringLiteral("delete from users") << QStringLiteral("read-only transaction") << QString();
    // A second statement could COMMIT and step out of the read-only transaction.
    QTest::newRow("smuggled commit") << QStringLiteral("select 1; commit; create table y(a int)")
                                     << QStringLiteral("cannot insert multiple commands") << QStringLiteral("y");
}

void TestPostgresProber::queriesCannotWrite()
{
    QFETCH(QString, query);
    QFETCH(QString, expected);
    QFETCH(QString, table);
    PostgresProber prober;
    const auto obs = probeNow(prober, probeOf(appDsn(), Builtin::Query, query.toStdString()));
    QVERIFY(obs);
    QVERIFY(!obs->completed);
    QVERIFY2(QString::fromStdString(obs->error).contains(expected), obs->error.c_str());
    if (!table.isEmpty())
        QCOMPARE(m_pg.psql(QStringLiteral("select to_regclass('%1') is null").arg(table), QStringLiteral("appdb")),
                 std::optional<QString>(QStringLiteral("t")));
    QCOMPARE(m_pg.psql(QStringLiteral("select count(*) from users"), QStringLiteral("appdb")),
             std::optional<QString>(QStringLiteral("50000")));
}

void TestPostgresProber::requiredTablesListsWhatIsMissing()
{
    PostgresProber prober;
    PostgresProbe probe = probeOf(appDsn(), Builtin::RequiredTables);
    probe.requiredTables = {"users", "public.media_buys", "application_logs"};
    const auto obs = probeNow(prober, probe);
    QVERIFY(obs);
    QVERIFY2(obs->completed, describe(*obs).c_str());
    COMPARE_JSON(obs->observed["missing_tables"], json::array({"application_logs"}));
    COMPARE_JSON(obs->observed["value"], json(1));
    QCOMPARE(obs->figure, std::string("missing: application_logs"));

    probe.requiredTables = {"users"};
    const auto all = probeNow(prober, probe);
    QVERIFY(all && all->completed);
    COMPARE_JSON(all->observed["missing_tables"], json::array());
}

void TestPostgresProber::migrationsAgainstHead_data()
{
    QTest::addColumn<QString>("database");
    QTest::addColumn<QString>("table");
    QTest::addColumn<QString>("expected");  // empty: from the migrations directory
    QTest::addColumn<QString>("applied");   // JSON
    QTest::addColumn<int>("pending");
    QTest::addColumn<QString>("figure");
    QTest::newRow("never ran") << QStringLiteral("otherdb") << QStringLiteral("schema_migrations") << QString()
                               << QStringLiteral("null") << 9 << QStringLiteral("migrations never ran");
    QTest::newRow("behind") << QStringLiteral("appdb") << QStringLiteral("schema_migrations") << QString()
                            << QStringLiteral("\"0007\"") << 2 << QStringLiteral("rev 0007 ≠ head 0009");
    QTest::newRow("at head, bigint column") << QStringLiteral("appdb") << QStringLiteral("migrations_at_head") << QString()
                                            << QStringLiteral("\"9\"") << 0 << QStringLiteral("rev 9 = head");
    QTest::newRow("expected only, behind") << QStringLiteral("appdb") << QStringLiteral("schema_migrations")
                                           << QStringLiteral("0009") << QStringLiteral("\"0007\"") << 1
                                           << QStringLiteral("rev 0007 ≠ head 0009");
    QTest::newRow("expected only, at head") << QStringLiteral("appdb") << QStringLiteral("schema_migrations")
                                            << QStringLiteral("0007") << QStringLiteral("\"0007\"") << 0
                                            << QStringLiteral("rev 0007 = head");
}

void TestPostgresProber::migrationsAgainstHead()
{
    QFETCH(QString, database);
    QFETCH(QString, table);
    QFETCH(QString, expected);
    QFETCH(QString, applied);
    QFETCH(int, pending);
    QFETCH(QString, figure);
    PostgresProbe probe = probeOf(m_pg.dsn(database), Builtin::Migrations);
    probe.migrations.table = table.toStdString();
    probe.migrations.expected = expected.toStdString();
    if (expected.isEmpty())
        probe.migrations.expectedFrom = m_migrations.path().toStdString();
    PostgresProber prober;
    const auto obs = probeNow(prober, probe);
    QVERIFY(obs);
    QVERIFY2(obs->completed, describe(*obs).c_str());
    COMPARE_JSON(obs->observed["applied"], json::parse(applied.toStdString()));
    COMPARE_JSON(obs->observed["expected"], json(expected.isEmpty() ? "0009" : expected.toStdString()));
    COMPARE_JSON(obs->observed["pending"], json(pending));
    QCOMPARE(QString::fromStdString(obs->figure), figure);
    if (applied == QStringLiteral("null")) {
        COMPARE_JSON(obs->observed["missing_tables"], json::array({"schema_migrations"}));
        COMPARE_JSON(obs->observed["message"],
                 json("version table schema_migrations does not exist: migrations never ran"));
    }
}

void TestPostgresProber::connectionsAgainstMaxConnections()
{
    PostgresProber prober;
    const auto obs = probeNow(prober, probeOf(appDsn(), Builtin::Connections));
    QVERIFY(obs);
    QVERIFY2(obs->completed, describe(*obs).c_str());
    COMPARE_JSON(obs->observed["max_connections"], json(20));
    const int connections = obs->observed["connections"].get<int>();
    QVERIFY(connections >= 1 && connections <= 20);
    COMPARE_JSON(obs->observed["connections_pct"].get<double>(), connections * 5.0);
    QCOMPARE(obs->figure, std::to_string(connections) + "/20 connections");
    bool sawUs = false;
    for (const auto& holder : obs->observed["by_application"])
        sawUs = sawUs || holder["application"] == "hopscope";
    QVERIFY(sawUs);
}

void TestPostgresProber::duplicateKeysBeforeAUniqueConstraint()
{
    PostgresProber prober;
    PostgresProbe probe = probeOf(appDsn(), Builtin::Duplicates);
    probe.duplicates = {"media_buys", {"tenant_id", "principal_id", "buyer_ref"}};
    const auto obs = probeNow(prober, probe);
    QVERIFY(obs);
    QVERIFY2(obs->completed, describe(*obs).c_str());
    // The two rows with a NULL buyer_ref do not collide, as a unique constraint sees it.
    COMPARE_JSON(obs->observed["duplicate_groups"], json(2));
    QCOMPARE(obs->figure, std::string("2 duplicate groups"));
    const json& samples = obs->observed["duplicate_samples"];
    QCOMPARE(samples.size(), std::size_t(2));
    COMPARE_JSON(samples[0], json({{"tenant_id", "default"}, {"principal_id", "p1"}, {"buyer_ref", "A2A-p1"}, {"count", 3}}));
    COMPARE_JSON(samples[1]["buyer_ref"], json("x"));

    probe.duplicates = {"users", {"email"}};
    const auto none = probeNow(prober, probe);
    QVERIFY(none && none->completed);
    COMPARE_JSON(none->observed["duplicate_groups"], json(0));

    probe.duplicates.table = "application_logs";
    const auto missing = probeNow(prober, probe);
    QVERIFY(missing && !missing->completed);
    QCOMPARE(missing->error, std::string("relation \"application_logs\" does not exist"));
    QVERIFY(missing->inconclusive);
}

void TestPostgresProber::explainFindsSeqScanUntilIndexed()
{
    PostgresProber prober;
    const PostgresProbe probe = probeOf(appDsn(), Builtin::Explain, "select * from users where user_segment = 'x'");
    const auto before = probeNow(prober, probe);
    QVERIFY(before);
    QVERIFY2(before->completed, describe(*before).c_str());
    const json& scans = before->observed["seq_scans"];
    QCOMPARE(scans.size(), std::size_t(1));
    COMPARE_JSON(scans[0]["relation"], json("users"));
    QVERIFY(scans[0]["estimated_rows"].get<long long>() > 10000);
    QVERIFY(before->observed["plan_cost"].get<double>() > 0);
    QVERIFY2(before->figure.rfind("Seq Scan on users (", 0) == 0, before->figure.c_str());

    QVERIFY(sql(QStringLiteral("create index users_segment on users (user_segment); analyze users")));
    const auto after = probeNow(prober, probe);
    QVERIFY(after && after->completed);
    COMPARE_JSON(after->observed["seq_scans"], json::array());
    COMPARE_JSON(after->observed["max_seq_scan_rows"], json(0));
    QVERIFY(after->observed["plan_cost"].get<double>() < before->observed["plan_cost"].get<double>());
}

void TestPostgresProber::indexesMissingThenPresent()
{
    PostgresProber prober;
    PostgresProbe probe = probeOf(appDsn(), Builtin::Indexes);
    probe.indexes = {{"users", {"id"}}, {"users", {"email"}}, {"media_buys", {"tenant_id", "buyer_ref"}}};
    const auto before = probeNow(prober, probe);
    QVERIFY(before);
    QVERIFY2(before->completed, describe(*before).c_str());
    COMPARE_JSON(before->observed["missing_indexes"], json::array({"users(email)", "media_buys(tenant_id, buyer_ref)"}));

    // Leading columns count; a trailing extra column does not hurt, another order does.
    QVERIFY(sql(QStringLiteral("create index users_email on users (email, user_segment);"
                               "create index media_buys_wrong_order on media_buys (buyer_ref, tenant_id)")));
    const auto after = probeNow(prober, probe);
    QVERIFY(after && after->completed);
    COMPARE_JSON(after->observed["missing_indexes"], json::array({"media_buys(tenant_id, buyer_ref)"}));
    QCOMPARE(after->figure, std::string("missing index: media_buys(tenant_id, buyer_ref)"));

    probe.indexes = {{"users", {"email"}}, {"application_logs", {"created_at"}}};
    const auto noTable = probeNow(prober, probe);
    QVERIFY(noTable && !noTable->completed);
    QCOMPARE(noTable->error, std::string("relation \"application_logs\" does not exist"));
    QVERIFY(noTable->inconclusive);
}

void TestPostgresProber::explainRefusesNonSelect()
{
    PostgresProber prober;
    const auto obs = probeNow(prober, probeOf(appDsn(), Builtin::Explain, "delete from users"));
    QVERIFY(obs && !obs->completed);
    QVERIFY2(obs->error.find("explain plans only a SELECT") == 0, obs->error.c_str());
}

void TestPostgresProber::sameDatabaseComparesServers_data()
{
    QTest::addColumn<std::string>("dsn");
    QTest::addColumn<std::string>("other");
    QTest::addColumn<bool>("same");
    QTest::newRow("two databases, one cluster") << appDsn() << m_pg.dsn(QStringLiteral("otherdb")) << false;
    QTest::newRow("the same DSN") << appDsn() << appDsn() << true;
    QTest::newRow("another role, same database")
        << appDsn() << m_pg.dsn(QStringLiteral("appdb"), QStringLiteral("postgres"), QString()) << true;
}

void TestPostgresProber::sameDatabaseComparesServers()
{
    QFETCH(std::string, dsn);
    QFETCH(std::string, other);
    QFETCH(bool, same);
    PostgresProber prober;
    PostgresProbe probe = probeOf(dsn, Builtin::SameDatabase);
    probe.sameDatabaseAs = other;
    const auto obs = probeNow(prober, probe);
    QVERIFY(obs);
    QVERIFY2(obs->completed, describe(*obs).c_str());
    COMPARE_JSON(obs->observed["same_database"], json(same));
    COMPARE_JSON(obs->observed["this"]["database"], json("appdb"));
    COMPARE_JSON(obs->observed["this"]["port"], json(m_pg.port()));
    COMPARE_JSON(obs->observed["this"]["host"], json("127.0.0.1"));
    COMPARE_JSON(obs->observed["other"]["database"], json(same ? "appdb" : "otherdb"));
    QVERIFY(obs->observed.dump().find("app-secret-pw") == std::string::npos);
    qInfo("%s (system identifier %s)", obs->figure.c_str(), obs->observed["this"]["system_identifier"].dump().c_str());

    probe.sameDatabaseAs = m_pg.dsn(QStringLiteral("nope"));
    const auto broken = probeNow(prober, probe);
    QVERIFY(broken && !broken->completed);
    QCOMPARE(broken->error, "could not reach the other database (127.0.0.1:" + std::to_string(m_pg.port()) +
                                "/nope): database \"nope\" does not exist");
}

void TestPostgresProber::oneConnectionPerDsn()
{
    const std::string dsn = appDsn(QStringLiteral("application_name=reuse_check"));
    PostgresProber prober;
    std::vector<Answer> answers;
    for (int i = 0; i < 20; ++i)
        answers.push_back(startProbe(prober, probeOf(dsn, Builtin::Query, "select pg_backend_pid()"), 20s));
    std::set<long long> backends;
    for (const auto& answer : answers) {
        const auto obs = awaitAnswer(answer, 20s);
        QVERIFY(obs);
        QVERIFY2(obs->completed, describe(*obs).c_str());
        backends.insert(obs->observed["value"].get<long long>());
        QCOMPARE(answer.calls->load(), 1);
    }
    QCOMPARE(backends.size(), std::size_t(1));
    QCOMPARE(m_pg.psql(QStringLiteral("select count(*) from pg_stat_activity where application_name = 'reuse_check'")),
             std::optional<QString>(QStringLiteral("1")));

    // Without one in the DSN, the connection says who it is.
    const auto named = probeNow(prober, probeOf(appDsn(), Builtin::Query, "select current_setting('application_name')"));
    QVERIFY(named && named->completed);
    COMPARE_JSON(named->observed["value"], json("hopscope"));
}

void TestPostgresProber::differentDsnsRunInParallel()
{
    PostgresProber prober;
    const auto a = startProbe(prober, probeOf(appDsn(), Builtin::Query, "select pg_sleep(1)"), 10s);
    const auto b = startProbe(prober, probeOf(m_pg.dsn(QStringLiteral("otherdb")), Builtin::Query, "select pg_sleep(1)"), 10s);
    const auto first = awaitAnswer(a, 10s);
    const auto second = awaitAnswer(b, 10s);
    const auto took = a.clock.elapsed();
    QVERIFY(first && first->completed && second && second->completed);
    qInfo("two DSNs, 1 s each: both answered after %lld ms", took);
    QVERIFY2(took < 1900, QByteArray::number(took).constData());
}

void TestPostgresProber::reconnectsAfterBackendTerminated()
{
    PostgresProber prober;
    const PostgresProbe probe = probeOf(appDsn(), Builtin::Query, "select pg_backend_pid()");
    const auto first = probeNow(prober, probe);
    QVERIFY(first && first->completed);
    const long long pid = first->observed["value"].get<long long>();
    QCOMPARE(m_pg.psql(QStringLiteral("select pg_terminate_backend(%1)").arg(pid)), std::optional<QString>(QStringLiteral("t")));
    const auto second = probeNow(prober, probe);
    QVERIFY(second);
    QVERIFY2(second->completed, describe(*second).c_str());
    QVERIFY(second->observed["value"].get<long long>() != pid);
}

void TestPostgresProber::watchdogAnswersWhenBackendHangs()
{
    if (!test::runningAsRoot())
        QSKIP("freezing the server's backend with SIGSTOP needs to run as root (the cluster runs as postgres)");
    PostgresProber prober;
    const PostgresProbe pidProbe = probeOf(appDsn(), Builtin::Query, "select pg_backend_pid()");
    const auto first = probeNow(prober, pidProbe);
    QVERIFY(first && first->completed);
    const pid_t backend = pid_t(first->observed["value"].get<long long>());
    // A backend that never answers: statement_timeout cannot fire in a stopped process.
    QCOMPARE(::kill(backend, SIGSTOP), 0);
    PostgresProbe probe = probeOf(appDsn(), Builtin::Query, "select 1");
    const Answer answer = startProbe(prober, probe, 1s);
    const auto obs = awaitAnswer(answer, 1s);
    const auto took = answer.clock.elapsed();
    ::kill(backend, SIGCONT);
    QVERIFY(obs);
    qInfo("frozen backend, deadline 1 s: answered after %lld ms: %s", took, obs->error.c_str());
    QVERIFY2(obs->error.rfind("timed out after 1 s waiting for an answer from 127.0.0.1:", 0) == 0, obs->error.c_str());
    QVERIFY2(took >= 1000 && took < 1600, QByteArray::number(took).constData());
    // The cut connection is replaced on the next probe.
    const auto next = probeNow(prober, pidProbe);
    QVERIFY(next);
    QVERIFY2(next->completed, describe(*next).c_str());
    QVERIFY(next->observed["value"].get<long long>() != backend);
}

void TestPostgresProber::queuedProbeTimesOutBehindSlowOne()
{
    PostgresProber prober;
    PostgresProbe slow = probeOf(appDsn(), Builtin::Query, "select pg_sleep(2)");
    slow.statementTimeout = 10s;
    const auto first = startProbe(prober, slow, 10s);
    const auto queued = startProbe(prober, probeOf(appDsn(), Builtin::Query, "select 1"), 700ms);
    const auto obs = awaitAnswer(queued, 700ms);
    const auto took = queued.clock.elapsed();
    QVERIFY(obs);
    qInfo("queued behind a 2 s query, deadline 700 ms: answered after %lld ms: %s", took, obs->error.c_str());
    QVERIFY2(obs->error.find("waiting behind an earlier probe of 127.0.0.1:") != std::string::npos, obs->error.c_str());
    QVERIFY2(took < 700 + 500, QByteArray::number(took).constData());
    const auto slowAnswer = awaitAnswer(first, 10s);
    QVERIFY(slowAnswer && slowAnswer->completed);
    QCOMPARE(queued.calls->load(), 1);
}

void TestPostgresProber::destructorInterruptsRunningQuery()
{
    auto prober = std::make_unique<PostgresProber>();
    PostgresProbe probe = probeOf(appDsn(QStringLiteral("application_name=doomed")), Builtin::Query, "select pg_sleep(30)");
    probe.statementTimeout = 60s;
    const Answer answer = startProbe(*prober, probe, 60s);
    QTRY_VERIFY_WITH_TIMEOUT(m_pg.psql(QStringLiteral("select count(*) from pg_stat_activity where application_name = 'doomed'"
                                                      " and state = 'active'")) == std::optional<QString>(QStringLiteral("1")),
                             10000);
    QElapsedTimer clock;
    clock.start();
    prober.reset();
    const auto took = clock.elapsed();
    qInfo("destructor with a query in flight returned after %lld ms", took);
    QVERIFY2(took < 1000, QByteArray::number(took).constData());
    QCOMPARE(answer.future.wait_for(0s), std::future_status::ready);
    QVERIFY(!answer.future.get().completed);
    QCOMPARE(answer.calls->load(), 1);
}

QTEST_GUILESS_MAIN(TestPostgresProber)
#include "tst_postgresprober.moc"
