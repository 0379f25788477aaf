#include "diagnosis.h"
#include "loader.h"

#include <QTest>

#include <tuple>

using namespace hopscope;

namespace {

Environment parse(const std::string& yaml)
{
    LoadedFile f = loadText(yaml, "t.yaml", DocFormat::Yaml);
    if (f.hasErrors() || f.environments.empty())
        qFatal("bad fixture: %s", f.diagnostics.empty() ? "" : f.diagnostics.front().format().c_str());
    return f.environments.front();
}

// Each hop has one check "c" with a remedy named after the hop, so runbooks can be asserted.
Environment environment(const QString& hops)
{
    QString text = QStringLiteral("environments:\n  - name: t\n    hops:\n");
    for (const QString& spec : hops.split(QLatin1Char(';'))) {
        const QStringList parts = spec.split(QLatin1Char('>'));
        const QString id = parts.at(0).trimmed();
        text += QStringLiteral("      - id: %1\n        kind: custom\n").arg(id);
        if (parts.size() > 1)
            text += QStringLiteral("        next: [%1]\n").arg(parts.at(1).trimmed());
        text += QStringLiteral("        checks:\n          - {name: c, tcp: {host: h, port: 1}, remedy: fix-%1}\n").arg(id);
    }
    return parse(text.toStdString());
}

// "a=red b=green": the one check of each named hop gets that colour's status.
ResultsByHop results(const QString& states)
{
    ResultsByHop out;
    for (const QString& pair : states.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        const QStringList kv = pair.split(QLatin1Char('='));
        CheckResult r;
        r.check = "c";
        r.hop = kv.at(0).toStdString();
        const QString colour = kv.at(1);
        r.status = colour == QLatin1String("red")     ? CheckStatus::Fail
                 : colour == QLatin1String("error")   ? CheckStatus::Error
                 : colour == QLatin1String("amber")   ? CheckStatus::Warn
                                                      : CheckStatus::Pass;
        r.message = colour.toStdString();
        out[r.hop]["c"] = r;
    }
    return out;
}

// One hop `id` of `kind` with a TCP check per name, each remedied by the runbook given.
Environment oneHop(const char* id, const char* kind, const std::vector<std::pair<const char*, const char*>>& checks)
{
    std::string yaml = std::string("environments:\n  - name: t\n    hops:\n      - id: ") + id + "\n        kind: " + kind
                     + "\n        checks:\n";
    for (const auto& [name, remedy] : checks) {
        yaml += std::string("          - {name: ") + name + ", tcp: {host: h, port: 1}";
        yaml += remedy ? std::string(", remedy: ") + remedy + "}\n" : std::string("}\n");
    }
    return parse(yaml);
}

QString roleSummary(const Diagnosis& d)
{
    QStringList out;
    for (const auto& v : d.hops)
        out << QStringLiteral("%1:%2").arg(QString::fromStdString(v.hop), QString::fromLatin1(toString(v.role).data()));
    return out.join(QLatin1Char(' '));
}

} // namespace

class TestDiagnosis final : public QObject {
    Q_OBJECT
private slots:
    void roles_data()
    {
        QTest::addColumn<QString>("graph");
        QTest::addColumn<QString>("states");
        QTest::addColumn<QString>("expectedRoles");
        QTest::addColumn<QString>("likelyCauses");
        QTest::addColumn<QString>("overall");

        const QString linear = QStringLiteral("dns;lb;tg;app;migrate;db");
        QTest::newRow("linear: database fault travels upstream")
            << linear << QStringLiteral("dns=green lb=red tg=red app=red migrate=red db=green")
            << QStringLiteral("dns:healthy lb:symptom tg:symptom app:symptom migrate:likely_cause db:healthy")
            << QStringLiteral("migrate") << QStringLiteral("red");
        QTest::newRow("linear: probe error counts as red")
            << linear << QStringLiteral("dns=green lb=red tg=red app=error migrate=green db=green")
            << QStringLiteral("dns:healthy lb:symptom tg:symptom app:likely_cause migrate:healthy db:healthy")
            << QStringLiteral("app") << QStringLiteral("red");
        QTest::newRow("red listener over healthy targets is itself the cause (incident 004)")
            << linear << QStringLiteral("dns=green lb=red tg=green app=green migrate=green db=green")
            << QStringLiteral("dns:healthy lb:likely_cause tg:healthy app:healthy migrate:healthy db:healthy")
            << QStringLiteral("lb") << QStringLiteral("red");
        QTest::newRow("fault at the first hop")
            << linear << QStringLiteral("dns=red lb=green tg=green app=green migrate=green db=green")
            << QStringLiteral("dns:likely_cause lb:healthy tg:healthy app:healthy migrate:healthy db:healthy")
            << QStringLiteral("dns") << QStringLiteral("red");
        QTest::newRow("fault at the last hop")
            << linear << QStringLiteral("dns=green lb=green tg=green app=green migrate=green db=red")
            << QStringLiteral("dns:healthy lb:healthy tg:healthy app:healthy migrate:healthy db:likely_cause")
            << QStringLiteral("db") << QStringLiteral("red");
        QTest::newRow("two independent faults")
            << linear << QStringLiteral("dns=red lb=green tg=green app=red migrate=green db=green")
            << QStringLiteral("dns:likely_cause lb:healthy tg:healthy app:likely_cause migrate:healthy db:healthy")
            << QStringLiteral("dns app") << QStringLiteral("red");
        QTest::newRow("everything grey")
            << linear << QString()
            << QStringLiteral("dns:unknown lb:unknown tg:unknown app:unknown migrate:unknown db:unknown")
            << QString() << QStringLiteral("grey");
        QTest::newRow("all green")
            << QStringLiteral("a;b") << QStringLiteral("a=green b=green")
            << QStringLiteral("a:healthy b:healthy") << QString() << QStringLiteral("green");
        QTest::newRow("grey downstream does not make a symptom")
            << QStringLiteral("a;b;c") << QStringLiteral("a=red c=green")
            << QStringLiteral("a:likely_cause b:unknown c:healthy") << QStringLiteral("a") << QStringLiteral("red");
        QTest::newRow("a healthy hop between two faults breaks the chain")
            << QStringLiteral("a;b;c") << QStringLiteral("a=red b=green c=red")
            << QStringLiteral("a:likely_cause b:healthy c:likely_cause") << QStringLiteral("a c") << QStringLiteral("red");
        QTest::newRow("red below a grey hop still makes a symptom")
            << QStringLiteral("a;b;c") << QStringLiteral("a=red c=red")
            << QStringLiteral("a:symptom b:unknown c:likely_cause") << QStringLiteral("c") << QStringLiteral("red");

        // lb forwards to blue and green; both forward to db.
        const QString blueGreen = QStringLiteral("lb>blue, green;blue>db;green>db;db");
        QTest::newRow("blue/green: one lane broken")
            << blueGreen << QStringLiteral("lb=red blue=red green=green db=green")
            << QStringLiteral("lb:symptom blue:likely_cause green:healthy db:healthy")
            << QStringLiteral("blue") << QStringLiteral("red");
        QTest::newRow("blue/green: shared database broken")
            << blueGreen << QStringLiteral("lb=red blue=red green=red db=red")
            << QStringLiteral("lb:symptom blue:symptom green:symptom db:likely_cause")
            << QStringLiteral("db") << QStringLiteral("red");
        QTest::newRow("blue/green: both lanes broken, database fine")
            << blueGreen << QStringLiteral("lb=red blue=red green=red db=green")
            << QStringLiteral("lb:symptom blue:likely_cause green:likely_cause db:healthy")
            << QStringLiteral("blue green") << QStringLiteral("red");

        QTest::newRow("amber beside red is only degraded")
            << blueGreen << QStringLiteral("lb=red blue=red green=amber db=red")
            << QStringLiteral("lb:symptom blue:symptom green:degraded db:likely_cause")
            << QStringLiteral("db") << QStringLiteral("red");
        QTest::newRow("amber only: names where degradation starts")
            << linear << QStringLiteral("dns=green lb=amber tg=amber app=amber migrate=amber db=amber")
            << QStringLiteral("dns:healthy lb:symptom tg:symptom app:symptom migrate:symptom db:likely_cause")
            << QStringLiteral("db") << QStringLiteral("amber");
    }
    void roles()
    {
        QFETCH(QString, graph);
        QFETCH(QString, states);
        QFETCH(QString, expectedRoles);
        QFETCH(QString, likelyCauses);
        QFETCH(QString, overall);
        const Environment env = environment(graph);
        const Diagnosis d = diagnose(env, results(states));
        QCOMPARE(roleSummary(d), expectedRoles);
        QStringList causes;
        for (const auto& c : d.likelyCauses)
            causes << QString::fromStdString(c);
        QCOMPARE(causes.join(QLatin1Char(' ')), likelyCauses);
        QCOMPARE(QString::fromLatin1(toString(d.overall).data()), overall);
        // The likely cause offers its own runbook.
        for (const auto& c : d.likelyCauses)
            QCOMPARE(d.verdict(c)->runbooks, std::vector<std::string>{"fix-" + c});
    }

    void failedRemediesComeBeforeWarned()
    {
        const Environment env = oneHop("db", "database",
                                       {{"slow", "add-missing-index"}, {"tables", "run-migrations"}, {"ok", "never-offered"}});
        ResultsByHop r;
        r["db"]["slow"].status = CheckStatus::Warn;
        r["db"]["tables"].status = CheckStatus::Fail;
        r["db"]["ok"].status = CheckStatus::Pass;
        const Diagnosis d = diagnose(env, r);
        QCOMPARE(d.verdict("db")->runbooks, (std::vector<std::string>{"run-migrations", "add-missing-index"}));
        QCOMPARE(int(d.verdict("db")->status), int(HopStatus::Red));
    }

    // The cause's evidence is its worst check, not the first that is not green: a warning
    // listed first must not hide the failure that makes the hop red (lab.yaml's migrate hop).
    void evidenceIsTheWorstCheck()
    {
        const Environment env = oneHop("migrate", "migration_job", {{"duplicates", nullptr}, {"tables", nullptr}, {"schema", nullptr}});
        ResultsByHop r;
        for (const auto& [name, status, message] : {std::tuple{"duplicates", CheckStatus::Warn, "relation \"users\" does not exist"},
                                                     std::tuple{"tables", CheckStatus::Fail, "missing tables: users"},
                                                     std::tuple{"schema", CheckStatus::Fail, "migrations pending"}}) {
            CheckResult& result = r["migrate"][name];
            result.check = name;
            result.status = status;
            result.message = message;
        }
        const Diagnosis d = diagnose(env, r);
        QCOMPARE(d.likelyCauses, std::vector<std::string>{"migrate"});
        QCOMPARE(QString::fromStdString(hopFigure(*d.verdict("migrate"))), QStringLiteral("missing tables: users"));
        QCOMPARE(causeSummaries(env, d),
                 std::vector<std::string>{"migrate (migrate) tables: missing tables: users"});
    }
};

QTEST_APPLESS_MAIN(TestDiagnosis)
#include "tst_diagnosis.moc"
