#include "loader.h"

#include <QFile>
#include <QTest>

using namespace hopscope;

namespace {

LoadedFile load(const QString& text, DocFormat format = DocFormat::Yaml)
{
    const QByteArray utf8 = text.toUtf8();
    return loadText(std::string_view(utf8.constData(), std::size_t(utf8.size())), "t.yaml", format);
}

// "LINE:COLUMN: error: MESSAGE" for every diagnostic, to compare against a table.
QStringList problems(const LoadedFile& f)
{
    QStringList out;
    for (const auto& d : f.diagnostics) {
        out << QStringLiteral("%1:%2: %3: %4")
                   .arg(d.pos.line)
                   .arg(d.pos.column)
                   .arg(d.severity == Severity::Error ? QStringLiteral("error") : QStringLiteral("warning"),
                        QString::fromStdString(d.message));
    }
    return out;
}

// The examples from the format's specification, verbatim, in tests/data.
QString specFile(const char* name)
{
    QFile f(QStringLiteral(HOPSCOPE_TEST_DATA "/") + QLatin1String(name));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing test data %s", name);
    return QString::fromUtf8(f.readAll());
}


// A minimal valid environment with one hop, for the error table to vary.
QString minimal(const QString& hopBody)
{
    return QStringLiteral("environments:\n  - name: qa\n    hops:\n      - id: a\n        kind: dns\n") + hopBody;
}

} // namespace

class TestLoader final : public QObject {
    Q_OBJECT
private slots:
    void specExampleLoads()
    {
        const LoadedFile f = load(specFile("spec-environment.yaml"));
        QVERIFY2(f.diagnostics.empty(), qPrintable(problems(f).join(QLatin1Char('\n'))));
        QCOMPARE(int(f.type), int(LoadedFile::Type::Environments));
        QCOMPARE(f.environments.size(), std::size_t(1));
        const Environment& env = f.environments.front();
        QCOMPARE(env.name, std::string("qa"));
        QCOMPARE(env.interval, std::chrono::milliseconds(15000));
        QCOMPARE(env.hops.size(), std::size_t(5));
        QCOMPARE(int(env.secrets.front().source), int(SecretRef::Source::Env));
        QCOMPARE(env.secrets.front().ref, std::string("QA_DB_PASSWORD"));

        // The graph: each hop forwards to the next, and "next: []" ends the path.
        QCOMPARE(env.hop("dns")->downstream, std::vector<std::string>{"lb"});
        QCOMPARE(env.hop("app")->downstream, std::vector<std::string>{"db"});
        QVERIFY(env.hop("db")->downstream.empty());

        const Check& http = env.hop("lb")->checks.front();
        QCOMPARE(int(http.kind), int(CheckKind::Http));
        QCOMPARE(std::get<HttpProbe>(http.probe).headers, (KeyValues{{"Host", "app.example.test"}}));
        QCOMPARE(http.timeout, std::optional(std::chrono::milliseconds(3000)));
        QCOMPARE(http.remedy, std::string("fix-default-action"));
        QCOMPARE(http.warn.front().text, std::string("latency_ms < 150"));

        const Check& command = env.hop("app")->checks.front();
        QCOMPARE(std::get<CommandProbe>(command.probe).argv,
                 (std::vector<std::string>{"labctl", "service", "status", "--json"}));
        QCOMPARE(command.timeout, std::optional(std::chrono::milliseconds(5000)));

        const auto& pg = std::get<PostgresProbe>(env.hop("db")->checks.front().probe);
        QCOMPARE(int(pg.builtin), int(PostgresProbe::Builtin::Query));
        QCOMPARE(pg.dsn, std::string("${app_db}"));
    }

    void specRunbookLoads()
    {
        const LoadedFile f = load(specFile("spec-runbook.yaml"));
        QVERIFY2(f.diagnostics.empty(), qPrintable(problems(f).join(QLatin1Char('\n'))));
        QCOMPARE(int(f.type), int(LoadedFile::Type::Runbook));
        const Runbook& rb = *f.runbook;
        QCOMPARE(rb.id, std::string("fix-default-action"));
        QCOMPARE(rb.appliesTo, std::vector<HopKind>{HopKind::LoadBalancer});
        QCOMPARE(rb.steps.size(), std::size_t(3));
        QCOMPARE(int(rb.steps[0].kind), int(Step::Kind::Check));
        QVERIFY(rb.steps[0].continueOnFail);
        QCOMPARE(int(rb.steps[1].kind), int(Step::Kind::Command));
        QCOMPARE(rb.steps[1].timeout, std::optional(std::chrono::milliseconds(30000)));
        QCOMPARE(int(rb.steps[2].kind), int(Step::Kind::Wait));
        QCOMPARE(rb.steps[2].wait.timeout, std::chrono::milliseconds(120000));
        // "${lb}" is not a parameter: the environment must define it, which crossCheck verifies.
        QCOMPARE(rb.environmentRefs.size(), std::size_t(3));
        QCOMPARE(rb.environmentRefs.front().first, std::string("lb"));
    }

    void jsonLoadsLikeYaml()
    {
        const QString json = QStringLiteral(
            "{\"environments\": [{\"name\": \"qa\", \"hops\": [\n"
            "  {\"id\": \"lb\", \"kind\": \"load_balancer\", \"checks\": [\n"
            "    {\"name\": \"up\", \"tcp\": {\"host\": \"127.0.0.1\", \"port\": 80}, \"expect\": \"connected == true\"}]},\n"
            "  {\"id\": \"db\", \"kind\": \"database\"}]}]}\n");
        const LoadedFile f = load(json, DocFormat::Json);
        QVERIFY2(f.diagnostics.empty(), qPrintable(problems(f).join(QLatin1Char('\n'))));
        QCOMPARE(f.environments.front().hops.size(), std::size_t(2));
        QCOMPARE(std::get<TcpProbe>(f.environments.front().hops.front().checks.front().probe).port, 80);

        const LoadedFile bad = load(QStringLiteral("{\"environments\": [{\"name\": \"qa\", \"hops\": [\n  {\"id\": \"lb\", \"kind\": \"lb\"}]}]}"), DocFormat::Json);
        QCOMPARE(problems(bad).value(0).left(15), QStringLiteral("2:24: error: un"));
    }

    void variablesFromTheProcessEnvironment()
    {
        const QString text = QStringLiteral(
            "environments:\n"
            "  - name: lab\n"
            "    variables:\n"
            "      port: {env: HOPSCOPE_TEST_LB_PORT, default: 18080}\n"
            "      host: {env: HOPSCOPE_TEST_LB_HOST, default: lb.example.test}\n"
            "    hops: [{id: a, kind: dns}]\n");
        qputenv("HOPSCOPE_TEST_LB_PORT", "20010");
        qputenv("HOPSCOPE_TEST_LB_HOST", "");  // empty counts as unset, as a shell's FOO= does
        const LoadedFile f = load(text);
        qunsetenv("HOPSCOPE_TEST_LB_PORT");
        qunsetenv("HOPSCOPE_TEST_LB_HOST");
        QVERIFY2(f.diagnostics.empty(), qPrintable(problems(f).join(QLatin1Char('\n'))));
        const KeyValues expected{{"port", "20010"}, {"host", "lb.example.test"}};
        QCOMPARE(f.environments.front().variables, expected);
        QCOMPARE(load(text).environments.front().variables.front().second, std::string("18080"));
    }
    void blueGreenBranches()
    {
        const LoadedFile f = load(QStringLiteral(
            "environments:\n"
            "  - name: prod\n"
            "    protected: true\n"
            "    hops:\n"
            "      - {id: lb, kind: load_balancer, next: [blue, green]}\n"
            "      - {id: blue, kind: target_group, next: [db]}\n"
            "      - {id: green, kind: target_group, next: [db]}\n"
            "      - {id: db, kind: database}\n"));
        QVERIFY2(f.diagnostics.empty(), qPrintable(problems(f).join(QLatin1Char('\n'))));
        const Environment& env = f.environments.front();
        QVERIFY(env.isProtected);
        QCOMPARE(env.hop("lb")->downstream, (std::vector<std::string>{"blue", "green"}));
        QCOMPARE(env.hop("green")->downstream, std::vector<std::string>{"db"});
        QCOMPARE(env.hop("lb")->title, std::string("lb"));
    }

    void errors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("expected");  // each a prefix of "LINE:COL: severity: message"

        QTest::newRow("not a map") << QStringLiteral("- a\n- b\n")
                                   << QStringList{QStringLiteral("1:1: error: expected an environment file")};
        QTest::newRow("top-level typo") << QStringLiteral("enviroments: []\n")
                                        << QStringList{QStringLiteral("1:1: error: expected an environment file (a top-level \"environments\" list) or a runbook (a top-level \"runbook\" map), got a map with \"enviroments\"; did you mean \"environments\"?")};
        QTest::newRow("empty environments") << QStringLiteral("environments: []\n")
                                            << QStringList{QStringLiteral("1:15: error: \"environments\" must be a list of at least one environment")};
        QTest::newRow("missing hops") << QStringLiteral("environments:\n  - name: qa\n")
                                      << QStringList{QStringLiteral("2:5: error: an environment needs \"hops\"")};
        QTest::newRow("missing name") << QStringLiteral("environments:\n  - hops: [{id: a, kind: dns}]\n")
                                      << QStringList{QStringLiteral("2:5: error: an environment needs \"name\"")};
        QTest::newRow("unknown key with suggestion")
            << minimal(QStringLiteral("        titel: x\n"))
            << QStringList{QStringLiteral("6:9: error: unknown key \"titel\" in a hop; did you mean \"title\"?")};
        QTest::newRow("unknown key without suggestion")
            << minimal(QStringLiteral("        colour: red\n"))
            << QStringList{QStringLiteral("6:9: error: unknown key \"colour\" in a hop")};
        QTest::newRow("wrong type: protected")
            << QStringLiteral("environments:\n  - name: qa\n    protected: \"yes\"\n    hops: [{id: a, kind: dns}]\n")
            << QStringList{QStringLiteral("3:16: error: \"protected\" must be true or false, got the string \"yes\"")};
        QTest::newRow("wrong type: hops is a map")
            << QStringLiteral("environments:\n  - name: qa\n    hops: {id: a}\n")
            << QStringList{QStringLiteral("3:11: error: \"hops\" must be a list of at least one hop, got a map")};
        QTest::newRow("unknown hop kind")
            << QStringLiteral("environments:\n  - name: qa\n    hops:\n      - id: a\n        kind: databse\n")
            << QStringList{QStringLiteral("5:15: error: unknown hop kind \"databse\"; expected one of dns, load_balancer, target_group, containers, migration_job, database, custom; did you mean \"database\"?")};
        QTest::newRow("bad hop id")
            << QStringLiteral("environments:\n  - name: qa\n    hops:\n      - {id: Load Balancer, kind: dns}\n")
            << QStringList{QStringLiteral("4:14: error: hop id \"Load Balancer\" must be lowercase")};
        QTest::newRow("duplicate hop ids")
            << QStringLiteral("environments:\n  - name: qa\n    hops:\n      - {id: a, kind: dns}\n      - {id: a, kind: database}\n")
            << QStringList{QStringLiteral("5:14: error: duplicate hop id \"a\" (first used at line 4)")};
        QTest::newRow("next names unknown hop")
            << QStringLiteral("environments:\n  - name: qa\n    hops:\n      - {id: lb, kind: dns, next: [dbb]}\n      - {id: db, kind: database}\n")
            << QStringList{QStringLiteral("4:36: error: \"next\" names \"dbb\", which is not a hop of \"qa\"; did you mean \"db\"?"),
                           QStringLiteral("5:9: warning: no hop forwards to \"db\"")};
        QTest::newRow("cycle")
            << QStringLiteral("environments:\n  - name: qa\n    hops:\n      - {id: a, kind: dns}\n      - {id: b, kind: database, next: [a]}\n")
            << QStringList{QStringLiteral("5:39: error: the hop graph has a cycle: a -> b -> a")};
        QTest::newRow("self loop")
            << QStringLiteral("environments:\n  - name: qa\n    hops:\n      - {id: a, kind: dns, next: [a]}\n")
            << QStringList{QStringLiteral("4:34: error: the hop graph has a cycle: a -> a")};
        QTest::newRow("bad duration")
            << QStringLiteral("environments:\n  - name: qa\n    interval: 15 seconds\n    hops: [{id: a, kind: dns}]\n")
            << QStringList{QStringLiteral("3:15: error: \"interval\" must be a duration such as 500ms, 3s, 2m or 1h, got \"15 seconds\"")};
        QTest::newRow("check without probe")
            << minimal(QStringLiteral("        checks:\n          - name: x\n            expect: [\"status == 200\"]\n"))
            << QStringList{QStringLiteral("7:13: error: a check needs one probe: dns, tcp, http, https, postgres or command")};
        QTest::newRow("check with two probes")
            << minimal(QStringLiteral("        checks:\n          - name: x\n            tcp: {host: h, port: 1}\n            http: {url: \"http://h/\"}\n"))
            << QStringList{QStringLiteral("9:19: error: a check has one probe, and this one already has \"tcp\" (line 8)")};
        QTest::newRow("port out of range")
            << minimal(QStringLiteral("        checks:\n          - name: x\n            tcp: {host: h, port: 70000}\n"))
            << QStringList{QStringLiteral("8:34: error: \"port\" must be between 1 and 65535, got 70000")};
        QTest::newRow("condition that does not parse")
            << minimal(QStringLiteral("        checks:\n          - name: x\n            tcp: {host: h, port: 1}\n            expect: [\"connected === true\"]\n"))
            << QStringList{QStringLiteral("9:35: error: bad condition: \"=\" is not an operator")};
        QTest::newRow("condition reads a value the probe never observes")
            << minimal(QStringLiteral("        checks:\n          - name: x\n            tcp: {host: h, port: 1}\n            expect: [\"stauts == 200\"]\n"))
            << QStringList{QStringLiteral("9:22: warning: a tcp check does not observe \"stauts\"; it observes connected, latency_ms")};
        QTest::newRow("undefined variable")
            << QStringLiteral("environments:\n  - name: qa\n    variables: {lb: \"http://x\"}\n    hops:\n      - id: a\n        kind: dns\n        checks:\n          - {name: x, http: {url: \"${lbb}/health\"}}\n")
            << QStringList{QStringLiteral("8:36: error: ${lbb} is not a variable or secret of \"qa\"; did you mean \"lb\"?")};
        QTest::newRow("unclosed template")
            << QStringLiteral("environments:\n  - name: qa\n    variables: {lb: \"http://x\"}\n    hops:\n      - id: a\n        kind: dns\n        checks:\n          - {name: x, http: {url: \"${lb/health\"}}\n")
            << QStringList{QStringLiteral("8:36: error: \"${\" is not closed with \"}\"")};
        QTest::newRow("password inline in dsn")
            << minimal(QStringLiteral("        checks:\n          - {name: x, postgres: {dsn: \"postgresql://app:hunter2@db/app\"}}\n"))
            << QStringList{QStringLiteral("7:57: warning: a password is written into this connection string")};
        QTest::newRow("password from a secret is fine")
            << QStringLiteral("environments:\n  - name: qa\n    secrets: {pw: {env: PW}}\n    hops:\n      - id: a\n        kind: database\n        checks:\n          - {name: x, postgres: {dsn: \"postgresql://app:${pw}@db/app\"}}\n")
            << QStringList{};
        QTest::newRow("secret with two sources")
            << QStringLiteral("environments:\n  - name: qa\n    secrets: {pw: {env: PW, file: /x}}\n    hops: [{id: a, kind: dns}]\n")
            << QStringList{QStringLiteral("3:35: error: secret \"pw\" has one source; it already has \"env\"")};
        QTest::newRow("duplicate check names")
            << minimal(QStringLiteral("        checks:\n          - {name: x, tcp: {host: h, port: 1}}\n          - {name: x, tcp: {host: h, port: 2}}\n"))
            << QStringList{QStringLiteral("8:13: error: hop \"a\" already has a check named \"x\" (line 7)")};
        QTest::newRow("postgres does one thing")
            << minimal(QStringLiteral("        checks:\n          - {name: x, postgres: {dsn: d, connections: true, required_tables: [a]}}\n"))
            << QStringList{QStringLiteral("7:78: error: a postgres check does one thing; it already has \"connections\" (line 7)")};
        QTest::newRow("timeout twice")
            << minimal(QStringLiteral("        checks:\n          - name: x\n            tcp: {host: h, port: 1, timeout: 2s}\n            timeout: 3s\n"))
            << QStringList{QStringLiteral("9:22: error: the timeout is given twice")};
        QTest::newRow("duplicate environments")
            << QStringLiteral("environments:\n  - {name: qa, hops: [{id: a, kind: dns}]}\n  - {name: qa, hops: [{id: a, kind: dns}]}\n")
            << QStringList{QStringLiteral("3:12: error: environment \"qa\" is already defined at line 2")};
        QTest::newRow("reserved variable name")
            << QStringLiteral("environments:\n  - name: qa\n    variables: {env: prod}\n    hops: [{id: a, kind: dns}]\n")
            << QStringList{QStringLiteral("3:17: error: \"env\" is reserved")};
        QTest::newRow("variable from an unset environment variable")
            << QStringLiteral("environments:\n  - name: qa\n    variables: {port: {env: HOPSCOPE_TEST_SURELY_UNSET}}\n    hops: [{id: a, kind: dns}]\n")
            << QStringList{QStringLiteral("3:23: error: variable \"port\" reads $HOPSCOPE_TEST_SURELY_UNSET, which is not set; set it or give a \"default\"")};
        QTest::newRow("variable from a badly named environment variable")
            << QStringLiteral("environments:\n  - name: qa\n    variables: {port: {env: \"A B\", default: 1}}\n    hops: [{id: a, kind: dns}]\n")
            << QStringList{QStringLiteral("3:29: error: \"env\" must name an environment variable (letters, digits, '_'), got \"A B\"")};
        QTest::newRow("variable that is a list")
            << QStringLiteral("environments:\n  - name: qa\n    variables: {port: [1, 2]}\n    hops: [{id: a, kind: dns}]\n")
            << QStringList{QStringLiteral("3:23: error: variable \"port\" must be a string, number, true/false or {env: VARIABLE, default: VALUE}, got a list")};
        QTest::newRow("command through a shell string")
            << minimal(QStringLiteral("        checks:\n          - {name: x, command: \"labctl status | grep ok\"}\n"))
            << QStringList{QStringLiteral("7:32: error: a command is a list of arguments")};
    }
    void errors()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, expected);
        const QStringList got = problems(load(text));
        QCOMPARE(got.size(), expected.size());
        for (int i = 0; i < expected.size(); ++i)
            QVERIFY2(got.at(i).startsWith(expected.at(i)), qPrintable(QStringLiteral("got:      %1\nexpected: %2").arg(got.at(i), expected.at(i))));
    }

    void runbookErrors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("expected");
        const QString head = QStringLiteral("runbook:\n  id: r\n  title: R\n");
        QTest::newRow("no steps") << head << QStringList{QStringLiteral("2:3: error: the runbook needs \"steps\"")};
        QTest::newRow("step with two actions")
            << head + QStringLiteral("  steps:\n    - title: s\n      manual: read this\n      command: [ls]\n")
            << QStringList{QStringLiteral("7:16: error: a step does one thing, and this one already has \"manual\" (line 6)")};
        QTest::newRow("unknown step key")
            << head + QStringLiteral("  steps:\n    - title: s\n      manual: read\n      confrim: sure?\n")
            << QStringList{QStringLiteral("7:7: error: unknown key \"confrim\" in a step; did you mean \"confirm\"?")};
        QTest::newRow("choice without choices")
            << head + QStringLiteral("  params:\n    - {name: p, type: choice}\n  steps: [{title: s, manual: m}]\n")
            << QStringList{QStringLiteral("5:7: error: a choice parameter needs \"choices\"")};
        QTest::newRow("default not among choices")
            << head + QStringLiteral("  params:\n    - {name: p, type: choice, choices: [a, b], default: c}\n  steps: [{title: s, manual: m}]\n")
            << QStringList{QStringLiteral("5:57: error: the default \"c\" is not one of the choices")};
        QTest::newRow("concurrently in a transaction")
            << head + QStringLiteral("  steps:\n    - title: s\n      sql: {dsn: d, statement: \"CREATE INDEX CONCURRENTLY i ON t (c)\"}\n")
            << QStringList{QStringLiteral("6:32: error: CONCURRENTLY cannot run inside a transaction")};
        QTest::newRow("tour needs text")
            << head + QStringLiteral("  steps:\n    - {title: s, tour: {hop: db}}\n")
            << QStringList{QStringLiteral("5:24: error: the tour step needs \"text\"")};
        QTest::newRow("bad applies_to")
            << head + QStringLiteral("  applies_to: [loadbalancer]\n  steps: [{title: s, manual: m}]\n")
            << QStringList{QStringLiteral("4:16: error: unknown hop kind \"loadbalancer\"; did you mean \"load_balancer\"?")};
        QTest::newRow("expect_exit on a manual step")
            << head + QStringLiteral("  steps:\n    - {title: s, manual: m, expect_exit: 1}\n")
            << QStringList{QStringLiteral("5:42: error: \"expect_exit\" is only for command steps")};
    }
    void runbookErrors()
    {
        errors();
    }

    void crossFileChecks()
    {
        std::vector<LoadedFile> files;
        files.push_back(load(specFile("spec-environment.yaml")));
        files.push_back(load(specFile("spec-runbook.yaml")));
        crossCheck(files);
        QVERIFY2(problems(files[0]).isEmpty(), qPrintable(problems(files[0]).join(QLatin1Char('\n'))));
        QVERIFY2(problems(files[1]).isEmpty(), qPrintable(problems(files[1]).join(QLatin1Char('\n'))));

        // Without the runbook, the remedy names nothing loaded: a warning at the remedy.
        std::vector<LoadedFile> alone;
        alone.push_back(load(specFile("spec-environment.yaml")));
        crossCheck(alone, {"fix-default-actions"});
        QCOMPARE(problems(alone[0]), QStringList{QStringLiteral("26:21: warning: remedy \"fix-default-action\" names no loaded runbook; did you mean \"fix-default-actions\"?")});

        // A runbook reading a variable that no loaded environment defines.
        std::vector<LoadedFile> mismatch;
        mismatch.push_back(load(specFile("spec-environment.yaml").replace(QStringLiteral("lb:"), QStringLiteral("lb_url:")).replace(QStringLiteral("${lb}"), QStringLiteral("${lb_url}"))));
        mismatch.push_back(load(specFile("spec-runbook.yaml")));
        crossCheck(mismatch);
        QVERIFY2(problems(mismatch[1]).size() == 3, qPrintable(problems(mismatch[1]).join(QLatin1Char('\n'))));
        QVERIFY(problems(mismatch[1]).front().startsWith(QStringLiteral("6:34: warning: ${lb} is not a parameter of this runbook")));
    }

    void duplicatesAcrossFilesNameTheFirstOnly()
    {
        std::vector<LoadedFile> files;
        for (int i = 0; i < 4; ++i)
            files.push_back(loadText("environments:\n  - {name: qa, hops: [{id: a, kind: dns}]}\n",
                                     "f" + std::to_string(i) + ".yaml", DocFormat::Yaml));
        crossCheck(files);
        QVERIFY(files[0].diagnostics.empty());
        for (std::size_t i = 1; i < files.size(); ++i)
            QCOMPARE(problems(files[i]), QStringList{QStringLiteral("2:5: warning: environment \"qa\" is also defined in f0.yaml")});
    }

    void badPartsDoNotHideGoodOnes()
    {
        const LoadedFile f = load(QStringLiteral(
            "environments:\n"
            "  - name: broken\n"
            "    hops:\n"
            "      - {id: a, kind: nonsense}\n"
            "  - name: fine\n"
            "    hops:\n"
            "      - {id: a, kind: dns}\n"));
        QVERIFY(f.hasErrors());
        QCOMPARE(f.environments.size(), std::size_t(2));
        QCOMPARE(f.environments[1].name, std::string("fine"));
        QCOMPARE(f.environments[1].hops.size(), std::size_t(1));
    }
};

QTEST_APPLESS_MAIN(TestLoader)
#include "tst_loader.moc"
