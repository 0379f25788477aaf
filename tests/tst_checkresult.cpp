#include "checkresult.h"
#include "loader.h"

#include <QTest>

#include <nlohmann/json.hpp>

using namespace hopscope;

namespace {

Check checkFrom(const QString& yamlCheck)
{
    const QByteArray text = QStringLiteral("environments:\n  - name: t\n    hops:\n      - id: h\n        kind: custom\n        checks:\n          - %1\n")
                                .arg(yamlCheck).toUtf8();
    LoadedFile f = loadText(std::string_view(text.constData(), std::size_t(text.size())), "t.yaml", DocFormat::Yaml);
    if (f.hasErrors())
        qFatal("bad fixture: %s", f.diagnostics.front().format().c_str());
    return f.environments.front().hops.front().checks.front();
}

} // namespace

class TestCheckResult final : public QObject {
    Q_OBJECT
private slots:
    void evaluate_data()
    {
        QTest::addColumn<QString>("check");
        QTest::addColumn<QString>("observed");  // JSON; "!message" for a probe that did not complete
        QTest::addColumn<QString>("status");
        QTest::addColumn<QString>("message");

        const QString http = QStringLiteral("{name: c, http: {url: \"http://x/\"}}");
        QTest::newRow("http default: 200 passes") << http << QStringLiteral(R"({"status": 200})") << QStringLiteral("pass") << QStringLiteral("ok");
        QTest::newRow("http default: 503 fails") << http << QStringLiteral(R"({"status": 503})") << QStringLiteral("fail") << QStringLiteral("HTTP 503 (expected a status below 400)");
        QTest::newRow("probe error is an error") << http << QStringLiteral("!connection refused") << QStringLiteral("error") << QStringLiteral("connection refused");
        const QString lb = QStringLiteral("{name: c, http: {url: \"http://x/\"}, expect: [\"status == 200\"], warn: [\"latency_ms < 150\"]}");
        QTest::newRow("expect fails") << lb << QStringLiteral(R"({"status": 404, "latency_ms": 3})") << QStringLiteral("fail") << QStringLiteral("status was 404");
        QTest::newRow("warn fails") << lb << QStringLiteral(R"({"status": 200, "latency_ms": 812})") << QStringLiteral("warn") << QStringLiteral("latency_ms was 812");
        QTest::newRow("expect and warn pass") << lb << QStringLiteral(R"({"status": 200, "latency_ms": 12})") << QStringLiteral("pass") << QStringLiteral("ok");
        QTest::newRow("warn not reported over a failure") << lb << QStringLiteral(R"({"status": 500, "latency_ms": 900})") << QStringLiteral("fail") << QStringLiteral("status was 500");

        QTest::newRow("command default: exit 0") << QStringLiteral("{name: c, command: [x]}") << QStringLiteral(R"({"exit_code": 0})") << QStringLiteral("pass") << QStringLiteral("ok");
        QTest::newRow("command default: exit 1") << QStringLiteral("{name: c, command: [x]}") << QStringLiteral(R"({"exit_code": 1})") << QStringLiteral("fail") << QStringLiteral("exited with 1 (expected 0)");
        QTest::newRow("tcp default") << QStringLiteral("{name: c, tcp: {host: h, port: 1}}") << QStringLiteral(R"({"connected": false})") << QStringLiteral("fail") << QStringLiteral("not connected");
        QTest::newRow("dns default: NXDOMAIN") << QStringLiteral("{name: c, dns: {name: x}}") << QStringLiteral(R"({"answers": 0, "rcode": "NXDOMAIN"})") << QStringLiteral("fail") << QStringLiteral("no answers (NXDOMAIN)");
        QTest::newRow("dns default: wrong addresses") << QStringLiteral("{name: c, dns: {name: x, expect_addresses: [10.0.0.1]}}")
                                                      << QStringLiteral(R"({"answers": 1, "addresses": ["10.0.0.2"], "addresses_match": false})") << QStringLiteral("fail") << QStringLiteral("answers 10.0.0.2 differ");

        const QString pg = QStringLiteral("{name: c, postgres: {dsn: d, %1}}");
        QTest::newRow("missing tables") << pg.arg(QStringLiteral("required_tables: [users, application_logs]"))
                                        << QStringLiteral(R"({"missing_tables": ["application_logs"]})") << QStringLiteral("fail") << QStringLiteral("missing tables: application_logs");
        QTest::newRow("no missing tables") << pg.arg(QStringLiteral("required_tables: [users]")) << QStringLiteral(R"({"missing_tables": []})") << QStringLiteral("pass") << QStringLiteral("ok");
        QTest::newRow("pending migrations") << pg.arg(QStringLiteral("migrations: {expected: \"0009\"}"))
                                            << QStringLiteral(R"({"applied": "0007", "expected": "0009", "pending": 2})") << QStringLiteral("fail") << QStringLiteral("migrations pending: applied \"0007\", head \"0009\"");
        QTest::newRow("migrations at head") << pg.arg(QStringLiteral("migrations: {expected: \"0009\"}"))
                                            << QStringLiteral(R"({"applied": "0009", "expected": "0009", "pending": 0})") << QStringLiteral("pass") << QStringLiteral("ok");
        QTest::newRow("connections at 90 %") << pg.arg(QStringLiteral("connections: true"))
                                             << QStringLiteral(R"({"connections": 225, "max_connections": 250, "connections_pct": 90})") << QStringLiteral("fail") << QStringLiteral("225 of 250 connections");
        QTest::newRow("connections at 62 %") << pg.arg(QStringLiteral("connections: true"))
                                             << QStringLiteral(R"({"connections": 155, "max_connections": 250, "connections_pct": 62})") << QStringLiteral("pass") << QStringLiteral("ok");
        QTest::newRow("big seq scan") << pg.arg(QStringLiteral("explain: \"select 1\""))
                                      << QStringLiteral(R"({"seq_scans": [{"relation": "users", "estimated_rows": 50000}]})") << QStringLiteral("fail") << QStringLiteral("sequential scan on users (50000 estimated rows)");
        QTest::newRow("small seq scan") << pg.arg(QStringLiteral("explain: \"select 1\""))
                                        << QStringLiteral(R"({"seq_scans": [{"relation": "tiny", "estimated_rows": 12}]})") << QStringLiteral("pass") << QStringLiteral("ok");
        QTest::newRow("duplicates") << pg.arg(QStringLiteral("duplicates: {table: t, columns: [a]}")) << QStringLiteral(R"({"duplicate_groups": 2})") << QStringLiteral("fail") << QStringLiteral("2 duplicate key groups");
        QTest::newRow("other database") << pg.arg(QStringLiteral("same_database_as: other")) << QStringLiteral(R"({"same_database": false})") << QStringLiteral("fail") << QStringLiteral("points at a different database");
        QTest::newRow("expect overrides the builtin rule") << QStringLiteral("{name: c, postgres: {dsn: d, duplicates: {table: t, columns: [a]}}, expect: [\"duplicate_groups < 5\"]}")
                                                           << QStringLiteral(R"({"duplicate_groups": 2})") << QStringLiteral("pass") << QStringLiteral("ok");
    }
    void evaluate()
    {
        QFETCH(QString, check);
        QFETCH(QString, observed);
        QFETCH(QString, status);
        QFETCH(QString, message);
        Observation o;
        if (observed.startsWith(QLatin1Char('!'))) {
            o.error = observed.mid(1).toStdString();
        } else {
            o.completed = true;
            o.observed = nlohmann::json::parse(observed.toStdString());
        }
        const CheckResult r = evaluateCheck(checkFrom(check), o);
        QCOMPARE(QString::fromLatin1(toString(r.status).data()), status);
        QVERIFY2(QString::fromStdString(r.message).startsWith(message), r.message.c_str());
        QCOMPARE(r.check, std::string("c"));
    }
};

QTEST_APPLESS_MAIN(TestCheckResult)
#include "tst_checkresult.moc"
