#include "conditionevaluator.h"

#include "condition.h"
#include "environment.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTest>

#include <nlohmann/json.hpp>

#include <map>
#include <string>

using namespace hopscope;
using namespace Qt::StringLiterals;
using nlohmann::json;

namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

// What each kind of probe hands the evaluator, shaped as the probers produce it.
const std::map<std::string, json>& fixtures()
{
    // Built with initializer lists, not raw strings: moc misreads raw strings that hold \" escapes.
    static const std::map<std::string, json> all = {
        {"http",
         {{"status", 200}, {"latency_ms", 12.5}, {"cert_days_left", 40}, {"pattern", "(unclosed"},
          {"body", "{\"status\":\"ok\",\"version\":\"1.4.2\"}"},
          {"headers", {{"Content-Type", "application/json; charset=utf-8"}, {"X-Request-Id", "abc123"}}},
          {"json",
           {{"status", "ok"}, {"version", "1.4.2"}, {"a/b", 1},
            {"items", json::array({{{"name", "a"}}, {{"name", "b"}}})}}}}},
        {"http404",
         {{"status", 404}, {"latency_ms", 812.0}, {"body", "Not Found\n"}, {"headers", {{"content-type", "text/plain"}}}}},
        {"dns", {{"answers", json::array({"10.0.0.5", "10.0.0.6"})}, {"rcode", "NOERROR"}, {"latency_ms", 3}}},
        {"postgres",
         {{"connected", true}, {"value", "2"}, {"name", "web"}, {"nullable", nullptr},
          {"rows", json::array({{{"version", "0007"}}})}, {"missing_tables", json::array({"orders"})},
          {"connections_in_use", 97}, {"max_connections", 100}}},
        {"rollout",
         {{"exit_code", 0}, {"stdout", "{\"desired\":2,\"running\":1,\"service\":\"web\"}\n"},
          {"json", {{"desired", 2}, {"running", 1}, {"service", "web"}}}}},
        {"steady", {{"exit_code", 0}, {"stdout", "{\"desired\":2,\"running\":2}"}, {"json", {{"desired", 2}, {"running", 2}}}}},
    };
    return all;
}

ConditionNode parsed(const QString& text)
{
    const ConditionParse parse = parseCondition(text.toStdString());
    if (!parse.root)
        qFatal("test condition does not parse: %s: %s", qPrintable(text), parse.error.c_str());
    return *parse.root;
}

Condition condition(const char* text)
{
    return Condition{text, {}, parsed(QString::fromUtf8(text))};
}

} // namespace

class TestConditionEvaluator final : public QObject {
    Q_OBJECT

private slots:
    void evaluates_data();
    void evaluates();
    void hugeBodyMatchesQuickly();
    void catastrophicPatternGivesUp();
    void longValuesAreShortenedInExplanations();
    void nothingObserved();
    void evaluateAllNamesFirstFailure();
};

void TestConditionEvaluator::evaluates_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<QString>("condition");
    QTest::addColumn<bool>("passed");
    QTest::addColumn<bool>("error");
    QTest::addColumn<QString>("explanation");  // exact when it starts with '=', else a substring

    auto row = [](const char* name, const char* fixture, const char* cond, bool passed, bool error, const char* why) {
        QTest::newRow(name) << QString::fromUtf8(fixture) << QString::fromUtf8(cond) << passed << error
                            << QString::fromUtf8(why);
    };
    // http
    row("status ok", "http", "status == 200", true, false, "=status == 200 (200)");
    row("status 404", "http404", "status == 200", false, false, "=status was 404; expected status == 200");
    row("slow", "http404", "latency_ms < 500", false, false, "=latency_ms was 812; expected latency_ms < 500");
    row("fast", "http", "latency_ms < 500", true, false, "=latency_ms < 500 (12.5)");
    row("float boundary ge", "http", "latency_ms >= 12.5", true, false, "");
    row("float boundary gt", "http", "latency_ms > 12.5", false, false, "latency_ms was 12.5");
    row("float boundary lt", "http", "latency_ms < 12.5", false, false, "=latency_ms was 12.5; expected latency_ms < 12.5");
    row("float boundary le", "http", "latency_ms <= 12.5", true, false, "");
    row("int boundary gt", "http", "status > 200", false, false, "=status was 200; expected status > 200");
    row("int boundary ge", "http", "status >= 201", false, false, "");
    row("int vs float", "http", "status <= 200.0", true, false, "");
    row("not equal", "http404", "status != 200", true, false, "");
    row("literal on the left", "http404", "200 == status", false, false, "=status was 404; expected 200 == status");
    row("cert days", "http", "cert_days_left > 14", true, false, "");
    row("json string", "http", "json(/status) == \"ok\"", true, false, "=json(/status) == \"ok\" (\"ok\")");
    row("json array index", "http", "json(/items/1/name) == 'b'", true, false, "");
    row("json escaped key", "http", "json(/a~1b) == 1", true, false, "");
    row("json whole doc", "http", "json() contains 'version'", true, false, "");
    row("json absent", "http", "json(/missing) == 1", false, true, "=json(/missing) is not in the response");
    row("json bad index", "http", "json(/items/x/name) == 1", false, true, "json(/items/x/name) is not in the response");
    row("json past end", "http", "json(/items/5) == 1", false, true, "is not in the response");
    row("no json at all", "http404", "json(/status) == 'ok'", false, true, "no JSON was observed");
    row("header any case", "http", "header(content-type) contains 'application/json'", true, false, "");
    row("header exact", "http", "header(X-Request-Id) == 'abc123'", true, false, "");
    row("header absent", "http", "header(X-Cache) == 'HIT'", false, true,
        "=header(X-Cache) is not in the response (headers: Content-Type, X-Request-Id)");
    row("body matches", "http", "body matches '\"version\":\\\\s*\"1\\\\.4'", true, false, "");
    row("body matches anchored miss", "http404", "body matches '^Found'", false, false,
        "=body was \"Not Found\\n\"; expected body matches \"^Found\"");
    row("body matches unanchored", "http404", "body matches 'Found'", true, false, "");
    row("json matches", "http", "json(/version) matches '^1\\\\.4\\\\.'", true, false, "");
    row("number matches", "http", "status matches '^2..$'", true, false, "");
    row("list matches its JSON text", "dns", "answers matches '\"10\\\\.0\\\\.0\\\\.6\"]$'", true, false, "");
    row("pattern not a string", "http", "body matches 1", false, true, "matches needs a pattern string");
    row("observed bad pattern", "http", "body matches pattern", false, true, "invalid regular expression");
    row("len body", "http", "len(body) == 33", true, false, "=len(body) == 33 (33)");
    row("len of number", "http", "len(status) > 1", false, true,
        "=len(status) needs a list or a string, but status was a number (200)");
    row("numeric string literal", "http", "status == '200'", true, false, "");
    row("number vs word", "http", "status == 'abc'", false, false,
        "=cannot compare a number with a string: status was 200; expected status == \"abc\"");
    row("order vs word", "http", "status < 'abc'", false, false, "cannot compare a number with a string");
    row("missing name", "http", "connected == true", false, true,
        "=no value \"connected\" was observed (observed: body, cert_days_left, headers, json, latency_ms, pattern, status)");
    // dns
    row("answers contains", "dns", "answers contains '10.0.0.5'", true, false, "");
    row("answers lacks", "dns", "answers contains '10.0.0.9'", false, false,
        "=answers was [\"10.0.0.5\",\"10.0.0.6\"]; expected answers contains \"10.0.0.9\"");
    row("answer count", "dns", "len(answers) == 2", true, false, "=len(answers) == 2 (2)");
    row("list vs string", "dns", "answers == '10.0.0.5'", false, false,
        "cannot compare a list with a string (use contains to look inside a list)");
    row("rcode", "dns", "rcode == 'NOERROR'", true, false, "");
    row("strings order bytewise", "dns", "rcode > 'NXDOMAIN'", false, false, "rcode was \"NOERROR\"");
    row("strings order less", "dns", "rcode < 'Z'", true, false, "");
    row("string contains", "dns", "rcode contains 'ERR'", true, false, "");
    // postgres
    row("sql value numeric", "postgres", "value == 2", true, false, "=value == 2 (\"2\")");
    row("sql value order", "postgres", "value > 1.5", true, false, "");
    row("sql value vs decimal", "postgres", "value == 2.5", false, false, "value was \"2\"");
    row("string vs number", "postgres", "name == 2", false, false,
        "=cannot compare a string with a number: name was \"web\"; expected name == 2");
    row("null", "postgres", "nullable == 1", false, false, "cannot compare null with a number");
    row("connected", "postgres", "connected == true", true, false, "");
    row("connected ne", "postgres", "connected != false", true, false, "");
    row("bool order", "postgres", "connected < true", false, false, "a boolean can only be compared with == or !=");
    row("bool vs number", "postgres", "connected == 1", false, false, "cannot compare a boolean with a number");
    row("missing tables", "postgres", "len(missing_tables) == 0", false, false,
        "=len(missing_tables) was 1; expected len(missing_tables) == 0");
    row("missing table named", "postgres", "missing_tables contains 'orders'", true, false, "");
    row("two names", "postgres", "connections_in_use < max_connections", true, false,
        "=connections_in_use < max_connections (97 vs 100)");
    row("rows list", "postgres", "json(/x) == 1 || len(rows) == 1", true, false, "=len(rows) == 1 (1)");
    // command output as JSON
    row("rollout stuck", "rollout", "json(/running) == json(/desired)", false, false,
        "=json(/running) was 1 and json(/desired) was 2; expected json(/running) == json(/desired)");
    row("rollout steady", "steady", "json(/running) == json(/desired)", true, false,
        "=json(/running) == json(/desired) (2 vs 2)");
    row("exit code", "rollout", "exit_code == 0", true, false, "");
    row("stdout contains", "rollout", "stdout contains '\"running\":1'", true, false, "");
    row("list element numeric string", "rollout", "json(/service) contains 'we'", true, false, "");
    // && and ||
    row("and names failure", "http404", "status == 200 && latency_ms < 500", false, false,
        "=status was 404; expected status == 200");
    row("and second fails", "http", "status == 200 && latency_ms < 5", false, false,
        "=latency_ms was 12.5; expected latency_ms < 5");
    row("and passes", "http", "status == 200 && latency_ms < 500", true, false,
        "=status == 200 (200); latency_ms < 500 (12.5)");
    row("or passes", "http404", "status == 200 || status == 404", true, false, "=status == 404 (404)");
    row("or fails", "http404", "status == 200 || status == 503", false, false,
        "=neither held: status was 404; expected status == 200 / status was 404; expected status == 503");
    row("or skips error", "http", "json(/nope) == 1 || status == 200", true, false, "");
    row("or with error fails", "http", "json(/nope) == 1 || status == 500", false, true, "json(/nope) is not in the response");
    row("and error", "http", "status == 200 && nope == 1", false, true, "no value \"nope\" was observed");
    row("grouped", "http404", "(status == 200 || status == 404) && (latency_ms < 100 || body contains 'Not')", true,
        false, "");
}

void TestConditionEvaluator::evaluates()
{
    QFETCH(QString, fixture);
    QFETCH(QString, condition);
    QFETCH(bool, passed);
    QFETCH(bool, error);
    QFETCH(QString, explanation);

    const ConditionOutcome outcome = evaluateCondition(parsed(condition), fixtures().at(fixture.toStdString()));
    const QString got = qs(outcome.explanation);
    QCOMPARE(outcome.passed, passed);
    QCOMPARE(outcome.error, error);
    QVERIFY(!got.isEmpty());
    if (explanation.startsWith(u'='))
        QCOMPARE(got, explanation.mid(1));
    else
        QVERIFY2(got.contains(explanation), qPrintable(got));
}

void TestConditionEvaluator::hugeBodyMatchesQuickly()
{
    // A 1 MiB body, as the http prober's default cap allows; std::regex would overflow the stack here.
    std::string body(1 << 20, 'x');
    for (std::size_t i = 0; i < body.size(); i += 80)
        body[i] = '\n';
    json observed = {{"body", body + "deploy=ok build=1234"}};

    QElapsedTimer timer;
    timer.start();
    const ConditionOutcome found = evaluateCondition(parsed(u"body matches 'build=[0-9]+$'"_s), observed);
    const ConditionOutcome missing = evaluateCondition(parsed(u"body matches '(?m)^x+deploy=failed$'"_s), observed);
    const ConditionOutcome contained = evaluateCondition(parsed(u"body contains 'deploy=ok'"_s), observed);
    QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));
    QVERIFY2(found.passed, found.explanation.c_str());
    QVERIFY(!missing.passed);
    QVERIFY2(!missing.error, missing.explanation.c_str());
    QVERIFY(contained.passed);
}

void TestConditionEvaluator::catastrophicPatternGivesUp()
{
    // (a+)+$ against a long run of 'a' that ends wrong backtracks exponentially without a limit.
    const json observed = {{"body", std::string(1 << 20, 'a') + "!"}};
    QElapsedTimer timer;
    timer.start();
    const ConditionOutcome outcome = evaluateCondition(parsed(u"body matches '(a|aa)+$'"_s), observed);
    QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
    QVERIFY(!outcome.passed);
    QVERIFY(outcome.error);
    QVERIFY2(qs(outcome.explanation).contains(u"too much backtracking"_s), outcome.explanation.c_str());
}

void TestConditionEvaluator::longValuesAreShortenedInExplanations()
{
    const json observed = {{"body", std::string(1 << 20, 'z')}};
    const ConditionOutcome outcome = evaluateCondition(parsed(u"body contains 'needle'"_s), observed);
    QVERIFY(!outcome.passed);
    QVERIFY(!outcome.error);
    QVERIFY2(outcome.explanation.size() < 200, outcome.explanation.c_str());
    QVERIFY2(qs(outcome.explanation).contains(u"(1048576 bytes)"_s), outcome.explanation.c_str());
    QVERIFY(qs(outcome.explanation).endsWith(u"; expected body contains \"needle\""_s));
}

void TestConditionEvaluator::nothingObserved()
{
    for (const json& observed : {json(), json::object(), json::array()}) {
        const ConditionOutcome outcome = evaluateCondition(parsed(u"status == 200"_s), observed);
        QVERIFY(!outcome.passed);
        QVERIFY(outcome.error);
        QCOMPARE(qs(outcome.explanation), u"no value \"status\" was observed (no values were observed)"_s);
    }
    const ConditionOutcome header = evaluateCondition(parsed(u"header(ETag) == 'x'"_s), json::object());
    QCOMPARE(qs(header.explanation), u"header(ETag) is not in the response (no headers were observed)"_s);
}

void TestConditionEvaluator::evaluateAllNamesFirstFailure()
{
    const json& http404 = fixtures().at("http404");
    const std::vector<Condition> checks = {condition("latency_ms < 1000"), condition("status == 200"),
                                           condition("latency_ms < 500")};
    const ConditionOutcome failed = evaluateAll(checks, http404);
    QVERIFY(!failed.passed);
    QVERIFY(!failed.error);
    QCOMPARE(qs(failed.explanation), u"status was 404; expected status == 200"_s);

    const ConditionOutcome errored = evaluateAll({condition("json(/ok) == true")}, http404);
    QVERIFY(errored.error);
    QCOMPARE(qs(errored.explanation), u"\"json(/ok) == true\": json(/ok) is not in the response (no JSON was observed)"_s);

    const ConditionOutcome joined = evaluateAll({condition("status == 200 || status == 503")}, http404);
    QVERIFY(qs(joined.explanation).startsWith(u"\"status == 200 || status == 503\": neither held"_s));

    const ConditionOutcome passed = evaluateAll({condition("status == 404"), condition("latency_ms < 1000")}, http404);
    QVERIFY(passed.passed);
    QCOMPARE(qs(passed.explanation), u"status == 404 (404); latency_ms < 1000 (812)"_s);

    const ConditionOutcome none = evaluateAll({}, http404);
    QVERIFY(none.passed);
}

QTEST_APPLESS_MAIN(TestConditionEvaluator)
#include "tst_conditionevaluator.moc"
