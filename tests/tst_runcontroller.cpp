// The runbook engine against real things: commands it really runs, a real PostgreSQL cluster
// (tests/support), a real HTTP listener, and the audit trail in a real SQLite file. What it
// must never do: run a changing step unconfirmed, let one confirmation carry to the next step,
// change a protected environment without its name, run anything in a dry run, paste a value
// into a shell or a query, or show a secret.
#include "auditlog.h"
#include "loader.h"
#include "postgresfixture.h"
#include "runcontroller.h"
#include "runreport.h"

#include <QFile>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace hopscope;
using hopscope::test::PostgresFixture;

namespace {

constexpr int kTimeoutMs = 20000;
const QByteArray kSecret = "s3cr3t-Tok3n-Value";

// Answers every request 200 and counts them: a POST that arrives is a change that happened.
class CountingServer final : public QTcpServer {
public:
    int requests = 0;
    QByteArray lastRequest;

protected:
    void incomingConnection(qintptr fd) override
    {
        auto* socket = new QTcpSocket(this);
        socket->setSocketDescriptor(fd);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
            lastRequest += socket->readAll();
            if (!lastRequest.contains("\r\n\r\n"))
                return;
            ++requests;
            socket->write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
            socket->disconnectFromHost();
        });
    }
};

} // namespace

class TestRunController final : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    PostgresFixture m_pg;
    CountingServer m_http;
    QString m_dataFile;

    QString path(const QString& name) const { return m_dir.filePath(name); }

    QByteArray environmentYaml(bool isProtected = false) const
    {
        return "environments:\n  - name: qa\n    protected: " + QByteArray(isProtected ? "true" : "false")
             + "\n    variables:\n      out: \"" + m_dir.path().toUtf8() + "\"\n      dsn: \"" + QByteArray::fromStdString(m_pg.dsn(QStringLiteral("appdb")))
             + "\"\n      url: http://127.0.0.1:" + QByteArray::number(m_http.serverPort())
             + "\n      port: \"" + QByteArray::number(m_http.serverPort()) + "\""
             + "\n    secrets:\n      token: {env: TST_RUNCONTROLLER_TOKEN}\n    hops:\n      - {id: app, kind: custom}\n";
    }

    static std::optional<RunPlan> plan(const QByteArray& runbookYaml, const QByteArray& envYaml,
                                       const std::map<std::string, std::string>& params = {})
    {
        const LoadedFile rb = loadText(runbookYaml.toStdString(), "test-runbook.yaml", DocFormat::Yaml);
        const LoadedFile env = loadText(envYaml.toStdString(), "test-env.yaml", DocFormat::Yaml);
        for (const auto* f : {&rb, &env}) {
            for (const auto& d : f->diagnostics)
                qWarning("%s", d.format().c_str());
        }
        if (rb.hasErrors() || env.hasErrors() || !rb.runbook || env.environments.empty())
            return std::nullopt;
        PlanResult made = makePlan(*rb.runbook, env.environments.front(), params);
        for (const QString& e : std::as_const(made.errors))
            qWarning("%s", qPrintable(e));
        return made.plan;
    }

    std::unique_ptr<RunController> controller(const RunPlan& p, bool dryRun = false)
    {
        RunController::Options options;
        options.dataFile = m_dataFile;
        options.dryRun = dryRun;
        return std::make_unique<RunController>(p, options);
    }

    std::optional<QString> sql(const QString& statement) { return m_pg.psql(statement, QStringLiteral("appdb")); }

    // A step that appends its name to a file: proof that it ran, and how often.
    QByteArray touchStep(const QByteArray& title, const QByteArray& name) const
    {
        return "    - title: " + title + "\n      command: [python3, -c, \"import sys; open(sys.argv[1], 'a').write(sys.argv[2] + '\\\\n')\", \"${out}/ran.log\", " + name
             + "]\n      confirm: Append " + name + "?\n";
    }

    QByteArray ranLog() const
    {
        QFile f(path(QStringLiteral("ran.log")));
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

private slots:
    void initTestCase()
    {
        if (PostgresFixture::binDir().isEmpty())
            QSKIP("PostgreSQL 15 server binaries are not installed in /usr/lib/postgresql/15/bin");
        QVERIFY(m_dir.isValid());
        QVERIFY2(m_pg.start({QStringLiteral("appdb")}), qPrintable(m_pg.error()));
        QVERIFY(m_pg.psql(QStringLiteral("create table users (id serial primary key, email text not null);"
                                         "insert into users (email) values ('a@x.test'), ('a@x.test'), ('b@x.test');"),
                          QStringLiteral("appdb"), QStringLiteral("app")));
        QVERIFY(m_http.listen(QHostAddress::LocalHost));
        m_dataFile = path(QStringLiteral("audit.sqlite"));
        qputenv("TST_RUNCONTROLLER_TOKEN", kSecret);
    }

    void cleanupTestCase() { m_pg.stop(); }

    void init() { QFile::remove(path(QStringLiteral("ran.log"))); }

    void changingStepWaitsForItsOwnConfirmation_data()
    {
        QTest::addColumn<QByteArray>("step");
        QTest::addColumn<QString>("kind");
        QTest::newRow("command") << touchStep("touch", "one") << QStringLiteral("command");
        QTest::newRow("sql that writes") << QByteArray("    - title: insert\n      sql: {dsn: \"${dsn}\", statement: \"INSERT INTO users (email) VALUES ($1)\", params: [written@x.test]}\n")
                                         << QStringLiteral("sql");
        QTest::newRow("http POST") << QByteArray("    - title: post\n      http: {url: \"${url}/deploy\", method: POST, body: go}\n      expect: status == 200\n")
                                   << QStringLiteral("http");
        QTest::newRow("manual") << QByteArray("    - title: by hand\n      manual: Restart it by hand.\n") << QStringLiteral("manual");
    }

    void changingStepWaitsForItsOwnConfirmation()
    {
        QFETCH(QByteArray, step);
        QFETCH(QString, kind);
        const auto p = plan("runbook:\n  id: t\n  title: t\n  steps:\n" + step + step, environmentYaml());
        QVERIFY(p);
        const int postsBefore = m_http.requests;
        const QString rowsBefore = *sql(QStringLiteral("select count(*) from users"));
        auto run = controller(*p);
        QSignalSpy asked(run.get(), &RunController::confirmationRequested);
        QSignalSpy finished(run.get(), &RunController::finished);
        QVERIFY(run->start());
        QTRY_COMPARE_WITH_TIMEOUT(asked.size(), 1, kTimeoutMs);
        const auto first = asked.at(0).at(0).value<ConfirmationRequest>();
        QCOMPARE(first.preview.kind, kind);
        QCOMPARE(run->state(0), StepState::AwaitingConfirmation);
        QVERIFY(!first.preview.rendered.isEmpty());
        QCOMPARE(first.environment, QStringLiteral("qa"));

        // Nothing happened while it waits, and an answer to no question confirms nothing.
        QTest::qWait(300);
        run->confirm(first.id + 1000);
        QTest::qWait(200);
        QCOMPARE(run->state(0), StepState::AwaitingConfirmation);
        QCOMPARE(ranLog(), QByteArray());
        QCOMPARE(*sql(QStringLiteral("select count(*) from users")), rowsBefore);
        QCOMPARE(m_http.requests, postsBefore);

        // Confirming the first step runs it, and the second asks again.
        run->confirm(first.id);
        QTRY_COMPARE_WITH_TIMEOUT(asked.size(), 2, kTimeoutMs);
        QCOMPARE(run->state(0), StepState::Passed);
        const auto second = asked.at(1).at(0).value<ConfirmationRequest>();
        QVERIFY(second.id != first.id);
        run->confirm(first.id);  // a late repeat of the first answer
        QTest::qWait(300);
        QCOMPARE(run->state(1), StepState::AwaitingConfirmation);
        if (kind == QLatin1String("command"))
            QCOMPARE(ranLog(), QByteArray("one\n"));
        if (kind == QLatin1String("http"))
            QCOMPARE(m_http.requests, postsBefore + 1);
        run->abort();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kTimeoutMs);
        QCOMPARE(finished.at(0).at(0).value<RunOutcome>(), RunOutcome::Aborted);
        sql(QStringLiteral("delete from users where email = 'written@x.test'"));
    }

    void readOnlyStepsRunWithoutAsking()
    {
        const auto p = plan("runbook:\n  id: t\n  title: t\n  steps:\n"
                            "    - {title: check, check: {tcp: {host: 127.0.0.1, port: \"${port}\"}}}\n"
                            "    - {title: get, http: {url: \"${url}/health\"}, expect: status == 200}\n"
                            "    - {title: select, sql: {dsn: \"${dsn}\", statement: \"SELECT count(*) FROM users\"}}\n"
                            "    - {title: wait, wait: {check: {http: {url: \"${url}/\"}, expect: status == 200}, every: 100ms, timeout: 5s}}\n"
                            "    - {title: tour, tour: {hop: app, text: The app.}}\n",
                            environmentYaml());
        QVERIFY(p);
        QCOMPARE(p->steps[0].preview.changes, false);
        QCOMPARE(p->steps[2].sql.kind, SqlShape::Kind::Query);
        auto run = controller(*p);
        QSignalSpy asked(run.get(), &RunController::confirmationRequested);
        QSignalSpy finished(run.get(), &RunController::finished);
        QVERIFY(run->start());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kTimeoutMs);
        QCOMPARE(asked.size(), 0);
        QCOMPARE(finished.at(0).at(0).value<RunOutcome>(), RunOutcome::Passed);
        for (int i = 0; i < 5; ++i)
            QCOMPARE(run->state(i), StepState::Passed);
    }

    void sqlClassification_data()
    {
        QTest::addColumn<QString>("statement");
        QTest::addColumn<int>("kind");
        QTest::newRow("select") << QStringLiteral("SELECT * FROM users") << int(SqlShape::Kind::Query);
        QTest::newRow("with select") << QStringLiteral("WITH a AS (SELECT 1) SELECT * FROM a") << int(SqlShape::Kind::Query);
        QTest::newRow("update") << QStringLiteral("update users set email = $1") << int(SqlShape::Kind::Rows);
        QTest::newRow("with update") << QStringLiteral("WITH r AS (SELECT id FROM users) UPDATE users SET email = 'x' FROM r")
                                     << int(SqlShape::Kind::Rows);
        QTest::newRow("select into") << QStringLiteral("SELECT * INTO copy FROM users") << int(SqlShape::Kind::Rows);
        QTest::newRow("terminate") << QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity")
                                   << int(SqlShape::Kind::SideEffects);
        QTest::newRow("nextval") << QStringLiteral("select nextval('s')") << int(SqlShape::Kind::SideEffects);
        QTest::newRow("ddl") << QStringLiteral("ALTER TABLE users ADD COLUMN x int") << int(SqlShape::Kind::Schema);
        QTest::newRow("comment hides nothing") << QStringLiteral("-- SELECT\nDELETE FROM users") << int(SqlShape::Kind::Rows);
        QTest::newRow("string hides nothing") << QStringLiteral("SELECT 'DELETE FROM users'") << int(SqlShape::Kind::Query);
    }

    void sqlClassification()
    {
        QFETCH(QString, statement);
        QFETCH(int, kind);
        QCOMPARE(int(classifySql(statement.toStdString()).kind), kind);
    }

    void sqlPreviewShowsTheRowsAndChangesNothing()
    {
        const auto p = plan("runbook:\n  id: t\n  title: t\n  steps:\n"
                            "    - title: number duplicates\n      sql:\n        dsn: \"${dsn}\"\n        statement: |\n"
                            "          WITH ranked AS (SELECT id, ROW_NUMBER() OVER (PARTITION BY email ORDER BY id) AS rn FROM users)\n"
                            "          UPDATE users SET email = users.email || $1 || ranked.rn FROM ranked WHERE users.id = ranked.id AND ranked.rn > 1\n"
                            "        params: [\"-\"]\n",
                            environmentYaml());
        QVERIFY(p);
        auto run = controller(*p);
        QSignalSpy asked(run.get(), &RunController::confirmationRequested);
        QSignalSpy finished(run.get(), &RunController::finished);
        QVERIFY(run->start());
        QTRY_COMPARE_WITH_TIMEOUT(asked.size(), 1, kTimeoutMs);
        const auto request = asked.at(0).at(0).value<ConfirmationRequest>();
        QVERIFY2(request.sqlPreview.contains(QStringLiteral("1 rows would change")), qPrintable(request.sqlPreview));
        QVERIFY2(request.sqlPreview.contains(QStringLiteral("a@x.test-2")), qPrintable(request.sqlPreview));
        QCOMPARE(*sql(QStringLiteral("select count(*) from users where email = 'a@x.test-2'")), QStringLiteral("0"));
        run->confirm(request.id);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kTimeoutMs);
        QCOMPARE(finished.at(0).at(0).value<RunOutcome>(), RunOutcome::Passed);
        QCOMPARE(*sql(QStringLiteral("select count(*) from users where email = 'a@x.test-2'")), QStringLiteral("1"));
        QCOMPARE(*sql(QStringLiteral("select count(*) from users")), QStringLiteral("3"));  // every row kept
        sql(QStringLiteral("update users set email = 'a@x.test' where email = 'a@x.test-2'"));
    }

    void protectedEnvironmentNeedsItsName()
    {
        const auto p = plan("runbook:\n  id: t\n  title: t\n  steps:\n" + touchStep("touch", "protected"), environmentYaml(true));
        QVERIFY(p);
        auto run = controller(*p);
        QSignalSpy asked(run.get(), &RunController::confirmationRequested);
        QSignalSpy rejected(run.get(), &RunController::confirmationRejected);
        QSignalSpy finished(run.get(), &RunController::finished);
        QVERIFY(run->start());
        QTRY_COMPARE_WITH_TIMEOUT(asked.size(), 1, kTimeoutMs);
        const auto request = asked.at(0).at(0).value<ConfirmationRequest>();
        QVERIFY(request.protectedEnvironment);
        run->confirm(request.id);
        run->confirm(request.id, QStringLiteral("QA"));
        QCOMPARE(rejected.size(), 2);
        QTest::qWait(200);
        QCOMPARE(ranLog(), QByteArray());
        run->confirm(request.id, QStringLiteral("qa"));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kTimeoutMs);
        QCOMPARE(ranLog(), QByteArray("protected\n"));
    }

    void dryRunRunsNothing()
    {
        const auto p = plan("runbook:\n  id: t\n  title: t\n  steps:\n" + touchStep("touch", "dry")
                                + "    - title: insert\n      sql: {dsn: \"${dsn}\", statement: \"INSERT INTO users (email) VALUES ($1)\", params: [dry@x.test]}\n"
                                + "    - title: post\n      http: {url: \"${url}/deploy\", method: POST}\n",
                            environmentYaml());
        QVERIFY(p);
        const int posts = m_http.requests;
        auto run = controller(*p, true);
        QSignalSpy asked(run.get(), &RunController::confirmationRequested);
        QSignalSpy finished(run.get(), &RunController::finished);
        QVERIFY(run->start());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kTimeoutMs);
        QCOMPARE(asked.size(), 0);
        QTest::qWait(300);
        QCOMPARE(ranLog(), QByteArray());
        QCOMPARE(*sql(QStringLiteral("select count(*) from users where email = 'dry@x.test'")), QStringLiteral("0"));
        QCOMPARE(m_http.requests, posts);
        AuditLog audit;
        QVERIFY(audit.open(m_dataFile));
        const auto rows = audit.steps(run->runId());
        QCOMPARE(rows.size(), std::size_t(3));
        for (const auto& r : rows)
            QCOMPARE(r.confirmation, QStringLiteral("dry run"));
        QVERIFY(rows[1].rendered.contains(QStringLiteral("INSERT INTO users")));
    }

    void injectionValuesArriveLiterally_data()
    {
        QTest::addColumn<QString>("value");
        QTest::newRow("shell") << QStringLiteral("x; rm -rf / #");
        QTest::newRow("sql") << QStringLiteral("'); drop table users; --");
        QTest::newRow("template") << QStringLiteral("${token} $(id) `id`");
    }

    void injectionValuesArriveLiterally()
    {
        QFETCH(QString, value);
        const auto p = plan("runbook:\n  id: t\n  title: t\n  params: [{name: value}]\n  steps:\n"
                            "    - title: write it\n      command: [python3, -c, \"import sys; open(sys.argv[1], 'w').write(sys.argv[2])\", \"${out}/value.txt\", \"${value}\"]\n"
                            "    - title: store it\n      sql: {dsn: \"${dsn}\", statement: \"INSERT INTO users (email) VALUES ($1)\", params: [\"${value}\"]}\n",
                            environmentYaml(), {{"value", value.toStdString()}});
        QVERIFY(p);
        auto run = controller(*p);
        QSignalSpy finished(run.get(), &RunController::finished);
        connect(run.get(), &RunController::confirmationRequested, run.get(),
                [r = run.get()](const ConfirmationRequest& req) { r->confirm(req.id); });
        QVERIFY(run->start());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kTimeoutMs);
        QCOMPARE(finished.at(0).at(0).value<RunOutcome>(), RunOutcome::Passed);
        QFile written(path(QStringLiteral("value.txt")));
        QVERIFY(written.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(written.readAll()), value);
        QCOMPARE(*sql(QStringLiteral("select count(*) from users where email = $$%1$$").arg(value)), QStringLiteral("1"));
        QVERIFY(m_pg.psql(QStringLiteral("select count(*) from users"), QStringLiteral("appdb")));  // the table is still there
        sql(QStringLiteral("delete from users where email = $$%1$$").arg(value));
    }

    void sqlRefusesValuesPastedIntoItsText()
    {
        const auto rb = loadText("runbook:\n  id: t\n  title: t\n  params: [{name: who}]\n  steps:\n"
                                 "    - title: bad\n      sql: {dsn: \"${dsn}\", statement: \"DELETE FROM users WHERE email = '${who}'\"}\n",
                                 "t.yaml", DocFormat::Yaml);
        const auto env = loadText(environmentYaml().toStdString(), "e.yaml", DocFormat::Yaml);
        QVERIFY(rb.runbook && !env.environments.empty());
        const PlanResult made = makePlan(*rb.runbook, env.environments.front(), {{"who", "x' OR '1'='1"}});
        QVERIFY(!made.plan);
        QVERIFY2(made.errors.join(QLatin1Char('\n')).contains(QStringLiteral("put it in \"params\"")), qPrintable(made.errors.join(QLatin1Char('\n'))));
    }

    void secretAppearsNowhere()
    {
        const auto p = plan("runbook:\n  id: t\n  title: t\n  params: [{name: api_key, type: secret, default: \"${token}\"}]\n  steps:\n"
                            "    - title: use ${api_key}\n      command: [python3, -c, \"import sys; print('key=' + sys.argv[1]); print(sys.argv[1][:5], end=''); print(sys.argv[1][5:])\", \"${api_key}\"]\n"
                            "      confirm: Send ${api_key}?\n"
                            "    - title: fail loudly\n      command: [python3, -c, \"import sys; sys.exit('bad key ' + sys.argv[1])\", \"${token}\"]\n",
                            environmentYaml());
        QVERIFY(p);
        auto run = controller(*p);
        QString shown;
        connect(run.get(), &RunController::outputReceived, run.get(), [&](int, const QString& chunk) { shown += chunk; });
        connect(run.get(), &RunController::confirmationRequested, run.get(), [&, r = run.get()](const ConfirmationRequest& req) {
            shown += req.title + req.preview.rendered + req.confirmText;
            r->confirm(req.id);
        });
        connect(run.get(), &RunController::decisionNeeded, run.get(), [&, r = run.get()](int, const QString& message) {
            shown += message;
            r->abort();
        });
        QSignalSpy finished(run.get(), &RunController::finished);
        QVERIFY(run->start());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kTimeoutMs);
        QVERIFY2(shown.contains(QStringLiteral("key=****")), qPrintable(shown));
        AuditLog audit;
        QVERIFY(audit.open(m_dataFile));
        const QString report = formatRunReport(*audit.run(run->runId()), audit.steps(run->runId()));
        QVERIFY(report.contains(QStringLiteral("****")));
        for (const QString& text : {shown, report, QString::fromStdString(p->paramsJson())})
            QVERIFY2(!text.contains(QString::fromUtf8(kSecret)), qPrintable(text));
        // The file itself, every table: not one byte of it.
        QFile raw(m_dataFile);
        QVERIFY(raw.open(QIODevice::ReadOnly));
        QVERIFY(!raw.readAll().contains(kSecret));
        QFile wal(m_dataFile + QStringLiteral("-wal"));
        if (wal.open(QIODevice::ReadOnly))
            QVERIFY(!wal.readAll().contains(kSecret));
    }

    void failureOffersRetrySkipAndRunsOnFailure()
    {
        const auto p = plan("runbook:\n  id: t\n  title: t\n  steps:\n"
                            "    - title: fails\n      check: {command: [python3, -c, \"raise SystemExit(3)\"]}\n"
                            "      on_failure:\n" + touchStep("rollback", "rollback").replace("    - ", "        - ").replace("\n      ", "\n          ")
                                + touchStep("after", "after"),
                            environmentYaml());
        QVERIFY(p);
        auto run = controller(*p);
        QSignalSpy decisions(run.get(), &RunController::decisionNeeded);
        QSignalSpy finished(run.get(), &RunController::finished);
        connect(run.get(), &RunController::confirmationRequested, run.get(),
                [r = run.get()](const ConfirmationRequest& req) { r->confirm(req.id); });
        QVERIFY(run->start());
        QTRY_COMPARE_WITH_TIMEOUT(decisions.size(), 1, kTimeoutMs);
        QCOMPARE(ranLog(), QByteArray("rollback\n"));
        run->retry();
        QTRY_COMPARE_WITH_TIMEOUT(decisions.size(), 2, kTimeoutMs);
        QCOMPARE(ranLog(), QByteArray("rollback\nrollback\n"));
        run->skip();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kTimeoutMs);
        QCOMPARE(finished.at(0).at(0).value<RunOutcome>(), RunOutcome::Passed);
        QCOMPARE(ranLog(), QByteArray("rollback\nrollback\nafter\n"));
        AuditLog audit;
        QVERIFY(audit.open(m_dataFile));
        QStringList states;
        for (const auto& r : audit.steps(run->runId()))
            states << r.number + QLatin1Char(':') + r.state;
        QCOMPARE(states, (QStringList{QStringLiteral("1:failed"), QStringLiteral("1.1:passed"), QStringLiteral("1:failed"),
                                      QStringLiteral("1.1:passed"), QStringLiteral("1:skipped"), QStringLiteral("2:passed")}));
    }

    void auditRecordIsWrittenBeforeTheStepRuns()
    {
        const auto p = plan("runbook:\n  id: t\n  title: t\n  steps:\n"
                            "    - title: slow\n      command: [python3, -c, \"import time; time.sleep(30)\"]\n",
                            environmentYaml());
        QVERIFY(p);
        auto run = controller(*p);
        QSignalSpy states(run.get(), &RunController::stepStateChanged);
        QSignalSpy finished(run.get(), &RunController::finished);
        connect(run.get(), &RunController::confirmationRequested, run.get(),
                [r = run.get()](const ConfirmationRequest& req) { r->confirm(req.id, {}, QStringLiteral("confirmed by the test")); });
        QVERIFY(run->start());
        QTRY_VERIFY_WITH_TIMEOUT(run->state(0) == StepState::Running, kTimeoutMs);
        {
            AuditLog reader;  // another connection, as another process would read it
            QVERIFY(reader.open(m_dataFile));
            const auto rows = reader.steps(run->runId());
            QCOMPARE(rows.size(), std::size_t(1));
            QCOMPARE(rows[0].state, QStringLiteral("running"));
            QCOMPARE(rows[0].confirmation, QStringLiteral("confirmed by the test"));
            QVERIFY(rows[0].confirmedMs > 0);
            QVERIFY(!reader.run(run->runId())->finished());
        }
        run->abort();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kTimeoutMs);
        QCOMPARE(run->state(0), StepState::Aborted);
        AuditLog reader;
        QVERIFY(reader.open(m_dataFile));
        QCOMPARE(reader.steps(run->runId()).front().state, QStringLiteral("aborted"));
        QCOMPARE(reader.run(run->runId())->outcome, QStringLiteral("aborted"));
    }
};

QTEST_GUILESS_MAIN(TestRunController)
#include "tst_runcontroller.moc"
