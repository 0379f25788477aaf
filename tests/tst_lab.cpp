// End to end against the lab: a real lab on its own directory and ports, each incident
// scenario applied, and `hopscope check lab/lab.yaml` asked who is to blame, as an engineer
// on call would. Then `labctl reset`, and everything must be green again.
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <optional>

using nlohmann::json;

namespace {

const QString kSource = QStringLiteral(HOPSCOPE_SOURCE_DIR);

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QString describe(const QString& what) const
    {
        return QStringLiteral("%1 exited %2\nstdout: %3\nstderr: %4")
            .arg(what)
            .arg(exitCode)
            .arg(QString::fromUtf8(out.right(3000)), QString::fromUtf8(err.right(3000)));
    }
};

// Runs a program to completion within the timeout; a hung one is killed and reported as -1.
Run run(const QString& program, const QStringList& args, const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment(),
        int timeoutMs = 180000)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.setWorkingDirectory(kSource);
    p.setStandardInputFile(QProcess::nullDevice());
    p.start(program, args);
    Run r;
    if (!p.waitForStarted(10000)) {
        r.err = p.errorString().toUtf8();
        return r;
    }
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
        r.err = "timed out after " + QByteArray::number(timeoutMs / 1000) + " s; " + p.readAllStandardError();
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

QString labctl()
{
    return kSource + QStringLiteral("/lab/labctl");
}

// This process's environment plus what `labctl env --json` (or `aws env --json`) printed.
QProcessEnvironment withVariables(const json& vars)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const auto& [key, value] : vars.items())
        env.insert(QString::fromStdString(key), QString::fromStdString(value.get<std::string>()));
    return env;
}

// Everything the likely cause's checks said and saw, as one text to search for the evidence.
QString evidenceOf(const json& hop)
{
    QString text;
    for (const auto& check : hop.at("checks"))
        text += QString::fromStdString(check.value("message", "") + "\n" + check.value("observed", json::object()).dump())
              + QLatin1Char('\n');
    return text;
}

// Gone, or a zombie nobody reaped yet (in a container, pid 1 may never reap orphans).
bool processGone(pid_t pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return true;
    const QByteArray text = stat.readAll();
    const qsizetype close = text.lastIndexOf(')');
    return close >= 0 && text.mid(close + 2, 1) == "Z";
}

const json* hopById(const json& env, const std::string& id)
{
    for (const auto& hop : env.at("hops")) {
        if (hop.at("id") == id)
            return &hop;
    }
    return nullptr;
}

} // namespace

class TestLab final : public QObject {
    Q_OBJECT

public:
    // A lab on its own directory and ports, stopped whatever happens to the test.
    struct Lab {
        QString dir;
        int base = 0;
        QProcessEnvironment env;
        bool up = false;

        Run ctl(const QStringList& args, int timeoutMs = 180000) const
        {
            return run(labctl(), args + QStringList{QStringLiteral("--dir"), dir}, QProcessEnvironment::systemEnvironment(),
                       timeoutMs);
        }
        Run check(const QString& envName = QStringLiteral("qa")) const
        {
            return run(QString::fromLocal8Bit(qgetenv("HOPSCOPE_BINARY")),
                       {QStringLiteral("check"), QStringLiteral("lab/lab.yaml"), QStringLiteral("--env"), envName,
                        QStringLiteral("--format"), QStringLiteral("json")},
                       env, 60000);
        }
        void down()
        {
            if (up)
                ctl({QStringLiteral("down")});
            up = false;
        }
    };

    // Tries a few port ranges: another lab or program may hold one.
    static std::optional<Lab> startLab(const QString& dir, int firstBase, QString& error)
    {
        for (int attempt = 0; attempt < 4; ++attempt) {
            Lab lab;
            lab.dir = dir;
            lab.base = firstBase + attempt * 37;
            const Run up = lab.ctl({QStringLiteral("up"), QStringLiteral("--ports"), QString::number(lab.base)});
            if (up.exitCode != 0) {
                error = up.describe(QStringLiteral("labctl up"));
                if (up.err.contains("port in use"))
                    continue;
                return std::nullopt;
            }
            lab.up = true;
            const Run env = lab.ctl({QStringLiteral("env"), QStringLiteral("--json")});
            const json vars = json::parse(env.out.toStdString(), nullptr, false);
            if (env.exitCode != 0 || !vars.is_object()) {
                error = env.describe(QStringLiteral("labctl env"));
                lab.down();
                return std::nullopt;
            }
            lab.env = withVariables(vars);
            return lab;
        }
        return std::nullopt;
    }

private:
    QTemporaryDir m_tmp{QDir::tempPath() + QStringLiteral("/hopscope-tst-lab-XXXXXX")};
    std::optional<Lab> m_lab;

    // Below the kernel's ephemeral range (32768 and up): a port there can be taken at any
    // moment by some test's outgoing connection, and an app that cannot bind crash-loops.
    static int basePort() { return 20000 + int(QCoreApplication::applicationPid() % 300) * 30; }

    // The check's JSON for one environment, after asserting it ran.
    static json checkJson(const Run& r)
    {
        const json doc = json::parse(r.out.toStdString(), nullptr, false);
        if (doc.is_discarded() || !doc.contains("environments") || doc["environments"].empty())
            return json();
        return doc["environments"][0];
    }

private slots:
    void initTestCase()
    {
        if (!QFile::exists(QStringLiteral("/usr/bin/python3")))
            QSKIP("the lab needs /usr/bin/python3 (scripts/setup installs it)");
        QVERIFY(m_tmp.isValid());
        // As root the lab runs PostgreSQL as postgres, who must be let through to its data.
        QVERIFY(QFile::setPermissions(m_tmp.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner
                                                        | QFile::ExeGroup | QFile::ExeOther));
        QString error;
        m_lab = startLab(m_tmp.filePath(QStringLiteral("lab")), basePort(), error);
        QVERIFY2(m_lab, qPrintable(error));
    }

    void cleanupTestCase()
    {
        if (m_lab)
            m_lab->down();
    }

    void healthyLabIsGreen()
    {
        const Run r = m_lab->check();
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe(QStringLiteral("hopscope check"))));
        const json env = checkJson(r);
        QCOMPARE(QString::fromStdString(env.value("status", "")), QStringLiteral("green"));
        QCOMPARE(env.at("hops").size(), std::size_t(6));
        const Run staging = m_lab->check(QStringLiteral("staging"));
        QVERIFY2(staging.exitCode == 0, qPrintable(staging.describe(QStringLiteral("hopscope check --env staging"))));
    }

    void upIsIdempotent()
    {
        const Run again = m_lab->ctl({QStringLiteral("up")});
        QVERIFY2(again.exitCode == 0, qPrintable(again.describe(QStringLiteral("labctl up (again)"))));
        QVERIFY(again.out.contains(QStringLiteral("127.0.0.1:%1").arg(m_lab->base).toUtf8()));
        const Run status = m_lab->ctl({QStringLiteral("status"), QStringLiteral("--json")});
        const json s = json::parse(status.out.toStdString(), nullptr, false);
        QVERIFY2(status.exitCode == 0 && s.is_object(), qPrintable(status.describe(QStringLiteral("labctl status"))));
        QVERIFY(s.at("healthy").get<bool>());
        QCOMPARE(s.at("services").at("service").at("running").get<int>(), 2);
    }

    void scenarioBlamesTheRightHop_data()
    {
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<QString>("cause");
        QTest::addColumn<QString>("evidence");  // a regular expression over the cause's messages and observations
        QTest::newRow("000 duplicate key") << QStringLiteral("duplicate-key-migration") << QStringLiteral("migrate")
                                           << QStringLiteral("Key \\(email\\)=\\(\\S+\\) is duplicated");
        QTest::newRow("003 wrong database") << QStringLiteral("migration-wrong-database") << QStringLiteral("migrate")
                                            << QStringLiteral("app_shadow");
        QTest::newRow("004 never ran") << QStringLiteral("migrations-never-ran") << QStringLiteral("migrate")
                                       << QStringLiteral("missing tables: .*application_logs");
        QTest::newRow("004 default action") << QStringLiteral("default-action-404") << QStringLiteral("lb")
                                            << QStringLiteral("fixed-response[\\s\\S]*404");
        QTest::newRow("001 connections") << QStringLiteral("connection-exhaustion") << QStringLiteral("db")
                                         << QStringLiteral("connection slots are reserved|too many clients");
        QTest::newRow("001 missing index") << QStringLiteral("missing-index") << QStringLiteral("db")
                                           << QStringLiteral("sequential scan on users");
    }

    void scenarioBlamesTheRightHop()
    {
        QFETCH(QString, scenario);
        QFETCH(QString, cause);
        QFETCH(QString, evidence);
        // Whatever happens below, leave the lab healthy for the next row.
        auto reset = qScopeGuard([this] { m_lab->ctl({QStringLiteral("reset")}); });

        const Run applied = m_lab->ctl({QStringLiteral("scenario"), scenario});
        QVERIFY2(applied.exitCode == 0, qPrintable(applied.describe(QStringLiteral("labctl scenario ") + scenario)));

        const Run broken = m_lab->check();
        QVERIFY2(broken.exitCode == 1 || broken.exitCode == 2, qPrintable(broken.describe(QStringLiteral("hopscope check"))));
        const json env = checkJson(broken);
        QVERIFY2(env.is_object(), qPrintable(broken.describe(QStringLiteral("hopscope check"))));
        QCOMPARE(QString::fromStdString(env.at("likely_causes").dump()),
                 QString::fromStdString(json::array({cause.toStdString()}).dump()));
        const json* hop = hopById(env, cause.toStdString());
        QVERIFY(hop);
        const QString said = evidenceOf(*hop);
        QVERIFY2(said.contains(QRegularExpression(evidence)),
                 qPrintable(QStringLiteral("no /%1/ in the evidence:\n%2").arg(evidence, said.left(4000))));

        reset.dismiss();
        const Run resetRun = m_lab->ctl({QStringLiteral("reset")});
        QVERIFY2(resetRun.exitCode == 0, qPrintable(resetRun.describe(QStringLiteral("labctl reset"))));
        const Run healthy = m_lab->check();
        QVERIFY2(healthy.exitCode == 0, qPrintable(healthy.describe(QStringLiteral("hopscope check after reset"))));
        QCOMPARE(QString::fromStdString(checkJson(healthy).value("status", "")), QStringLiteral("green"));
    }

    void secondLabRunsBesideTheFirst()
    {
        QString error;
        auto second = startLab(m_tmp.filePath(QStringLiteral("second")), m_lab->base + 200, error);
        QVERIFY2(second, qPrintable(error));
        auto stop = qScopeGuard([&] { second->down(); });
        const Run r = second->check();
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe(QStringLiteral("hopscope check (second lab)"))));

        // Down stops every process it started, by pid, and leaves nothing behind.
        const QString services = second->dir + QStringLiteral("/services/supervisor.pid");
        QFile pidFile(services);
        QVERIFY(pidFile.open(QIODevice::ReadOnly));
        const pid_t supervisor = pid_t(pidFile.readAll().trimmed().toInt());
        QVERIFY(supervisor > 0);
        stop.dismiss();
        const Run down = second->ctl({QStringLiteral("down")});
        second->up = false;
        QVERIFY2(down.exitCode == 0, qPrintable(down.describe(QStringLiteral("labctl down"))));
        QVERIFY(!QFileInfo::exists(second->dir));
        QVERIFY2(processGone(supervisor), "the supervisor outlived labctl down");

        // The first lab did not notice.
        const Run first = m_lab->check();
        QVERIFY2(first.exitCode == 0, qPrintable(first.describe(QStringLiteral("hopscope check (first lab)"))));
    }

    // The QA incident's shapes in the local AWS API emulator, checked through the presets.
    void awsVariantBlamesTheDefaultAction()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("moto_server")).isEmpty()
            || QStandardPaths::findExecutable(QStringLiteral("aws")).isEmpty())
            QSKIP("moto_server and aws are not both installed (moto is not packaged for Debian 12)");
        auto down = qScopeGuard([this] { m_lab->ctl({QStringLiteral("aws"), QStringLiteral("down")}); });
        const Run up = m_lab->ctl({QStringLiteral("aws"), QStringLiteral("up")});
        QVERIFY2(up.exitCode == 0, qPrintable(up.describe(QStringLiteral("labctl aws up"))));
        const Run envRun = m_lab->ctl({QStringLiteral("aws"), QStringLiteral("env"), QStringLiteral("--json")});
        const json vars = json::parse(envRun.out.toStdString(), nullptr, false);
        QVERIFY2(envRun.exitCode == 0 && vars.is_object(), qPrintable(envRun.describe(QStringLiteral("labctl aws env"))));
        const QProcessEnvironment env = withVariables(vars);

        const Run r = run(QString::fromLocal8Bit(qgetenv("HOPSCOPE_BINARY")),
                          {QStringLiteral("check"), QStringLiteral("lab/aws-lab.yaml"), QStringLiteral("--format"),
                           QStringLiteral("json")},
                          env, 120000);
        QVERIFY2(r.exitCode == 2, qPrintable(r.describe(QStringLiteral("hopscope check lab/aws-lab.yaml"))));
        const json result = checkJson(r);
        QCOMPARE(QString::fromStdString(result.at("likely_causes").dump()), QStringLiteral("[\"lb\"]"));
        QVERIFY(evidenceOf(*hopById(result, "lb")).contains(QStringLiteral("fixed-response")));
        for (const char* healthy : {"targets", "app"})
            QCOMPARE(QString::fromStdString(hopById(result, healthy)->value("status", "")), QStringLiteral("green"));
    }

    void busyPortIsNamed()
    {
        const Run r = run(labctl(), {QStringLiteral("up"), QStringLiteral("--dir"), m_tmp.filePath(QStringLiteral("busy")),
                                     QStringLiteral("--ports"), QString::number(m_lab->base)});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("port in use: %1 (load balancer)").arg(m_lab->base).toUtf8()), r.err.constData());
        QVERIFY(!QFileInfo::exists(m_tmp.filePath(QStringLiteral("busy/lab.json"))));
    }
};

QTEST_GUILESS_MAIN(TestLab)
#include "tst_lab.moc"
