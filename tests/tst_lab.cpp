// End to end against the lab: a real lab on its own directory and ports, each incident
// scenario applied, and `hopscope check lab/lab.yaml` asked who is to blame, as an engineer
// on call would. Then `labctl reset`, and everything must be green again.
#ifdef HOPSCOPE_WITH_GUI
#include "environmentlistmodel.h"
#include "hopinspector.h"
#include "hopitem.h"
#include "labstarter.h"
#include "liveprobing.h"
#include "mainwindow.h"
#include "settings.h"
#include "topologyscene.h"
#include "workspace.h"

#include <QImage>
#include <QListView>
#include <QSignalSpy>
#endif

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "labfixture.h"

#include <nlohmann/json.hpp>

#include <optional>

using nlohmann::json;

namespace {

using hopscope::test::firstEnvironment;
using hopscope::test::Lab;
using hopscope::test::labctl;
using hopscope::test::Run;
using hopscope::test::run;
using hopscope::test::startLab;
using hopscope::test::startLabIn;

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

private:
    QTemporaryDir m_tmp{QDir::tempPath() + QStringLiteral("/hopscope-tst-lab-XXXXXX")};
    std::optional<Lab> m_lab;

    static int basePort() { return hopscope::test::labBasePort(); }

private slots:
    void initTestCase()
    {
        if (!QFile::exists(QStringLiteral("/usr/bin/python3")))
            QSKIP("the lab needs /usr/bin/python3 (scripts/setup installs it)");
        QVERIFY(m_tmp.isValid());
        QString error;
        m_lab = startLabIn(m_tmp, basePort(), error);
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
        QString why;
        QVERIFY2(hopscope::test::healthy(r, &why), qPrintable(why));
        QCOMPARE(firstEnvironment(r).at("hops").size(), std::size_t(6));
        QVERIFY2(hopscope::test::healthy(m_lab->check(QStringLiteral("staging")), &why), qPrintable(QStringLiteral("staging: ") + why));
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
        const json env = firstEnvironment(broken);
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
        QString why;
        QVERIFY2(hopscope::test::healthy(healthy, &why), qPrintable(QStringLiteral("after reset: ") + why));
    }

#ifdef HOPSCOPE_WITH_GUI
    // The window an engineer opens during incident 004: the migration job stands out as the
    // likely cause, is selected, and the inspector offers its runbook. Then the same through
    // the real executable's --screenshot, as the docs and bug reports use it.
    void windowNamesTheMigrationJob()
    {
        auto reset = qScopeGuard([this] { m_lab->ctl({QStringLiteral("reset")}); });
        const Run applied = m_lab->ctl({QStringLiteral("scenario"), QStringLiteral("migrations-never-ran")});
        QVERIFY2(applied.exitCode == 0, qPrintable(applied.describe(QStringLiteral("labctl scenario"))));

        // As after `eval "$(labctl env)"`: the file reads the lab's ports and password from it.
        const QProcessEnvironment saved = QProcessEnvironment::systemEnvironment();
        for (const QString& key : m_lab->env.keys()) {
            if (key.startsWith(QLatin1String("HOPSCOPE_LAB")))
                qputenv(key.toLocal8Bit().constData(), m_lab->env.value(key).toLocal8Bit());
        }
        auto restore = qScopeGuard([&] {
            for (const QString& key : m_lab->env.keys()) {
                if (key.startsWith(QLatin1String("HOPSCOPE_LAB")) && !saved.contains(key))
                    qunsetenv(key.toLocal8Bit().constData());
            }
        });

        const QString file = QStringLiteral(HOPSCOPE_SOURCE_DIR "/lab/lab.yaml");
        hopscope::Workspace workspace;
        hopscope::LiveProbing live(&workspace);
        hopscope::Settings settings(m_tmp.filePath(QStringLiteral("window.ini")));
        hopscope::MainWindow window(&workspace, &settings, &live);
        QSignalSpy round(&live, &hopscope::LiveProbing::firstRoundFinished);
        workspace.open(file);
        QVERIFY(window.selectEnvironment(file, QStringLiteral("qa")));
        // Emitted once the map has been given every result of the round.
        QTRY_VERIFY_WITH_TIMEOUT(!round.isEmpty(), 60000);

        const hopscope::HopItem* migrate = window.scene()->hopItem(QStringLiteral("migrate"));
        QVERIFY(migrate);
        QCOMPARE(int(migrate->role()), int(hopscope::HopRole::LikelyCause));
        QCOMPARE(int(migrate->status()), int(hopscope::HopStatus::Red));
        QVERIFY2(migrate->keyFigure().contains(QLatin1String("missing tables")), qPrintable(migrate->keyFigure()));
        for (const char* symptom : {"lb", "targets", "app"})
            QCOMPARE(int(window.scene()->hopItem(QString::fromLatin1(symptom))->role()), int(hopscope::HopRole::Symptom));
        QCOMPARE(window.scene()->selectedHop(), QStringLiteral("migrate"));
        QCOMPARE(window.inspector()->hopId(), QStringLiteral("migrate"));
        QVERIFY2(!window.inspector()->runbooks().isEmpty(), "the likely cause offers no runbook");
        const QModelIndex qa = window.environmentModel()->find(file, QStringLiteral("qa"));
        QVERIFY2(qa.data(hopscope::EnvironmentListModel::CauseRole).toString().startsWith(QLatin1String("migrate: missing tables")),
                 qPrintable(qa.data(hopscope::EnvironmentListModel::CauseRole).toString()));

        const QString png = m_tmp.filePath(QStringLiteral("never-ran.png"));
        const Run shot = run(QString::fromLocal8Bit(qgetenv("HOPSCOPE_BINARY")),
                             {QStringLiteral("lab/lab.yaml"), QStringLiteral("--env"), QStringLiteral("qa"), QStringLiteral("--select"),
                              QStringLiteral("migrate"), QStringLiteral("--screenshot"), png},
                             m_lab->env, 90000);
        QVERIFY2(shot.exitCode == 0, qPrintable(shot.describe(QStringLiteral("hopscope --screenshot"))));
        QVERIFY2(shot.err.contains("after the first round of probes"), qPrintable(shot.describe(QStringLiteral("hopscope --screenshot"))));
        QCOMPARE(QImage(png).size(), QSize(1480, 920));
    }

    // The welcome page's "Start the bundled lab and open it", for real: labctl up (this test's
    // lab, through HOPSCOPE_LAB_DIR; up again is idempotent), its variables taken from
    // `labctl env --json`, and lab.yaml probed against it.
    void welcomePageStartsTheLabAndOpensIt()
    {
        const QByteArray savedDir = qgetenv("HOPSCOPE_LAB_DIR");
        qputenv("HOPSCOPE_LAB_DIR", m_lab->dir.toLocal8Bit());
        auto restore = qScopeGuard([&] {
            if (savedDir.isEmpty())
                qunsetenv("HOPSCOPE_LAB_DIR");
            else
                qputenv("HOPSCOPE_LAB_DIR", savedDir);
        });
        hopscope::LabStarter starter(QStringLiteral(HOPSCOPE_SOURCE_DIR "/lab"));
        QSignalSpy ready(&starter, &hopscope::LabStarter::ready);
        QSignalSpy failed(&starter, &hopscope::LabStarter::failed);
        starter.start();
        QTRY_VERIFY2_WITH_TIMEOUT(!ready.isEmpty() || !failed.isEmpty(), "labctl up did not finish", 120000);
        QVERIFY2(failed.isEmpty(), qPrintable(failed.value(0).value(0).toString()));
        const QString file = ready.first().first().toString();
        QCOMPARE(qEnvironmentVariable("HOPSCOPE_LAB_LB_PORT").toInt(), m_lab->env.value(QStringLiteral("HOPSCOPE_LAB_LB_PORT")).toInt());

        hopscope::Workspace workspace;
        hopscope::LiveProbing live(&workspace);
        QSignalSpy round(&live, &hopscope::LiveProbing::firstRoundFinished);
        workspace.open(file);
        QTRY_VERIFY_WITH_TIMEOUT(!round.isEmpty(), 60000);
        // Every hop reached this lab (healthy here, as the scenarios reset it): nothing red or
        // unprobed, and a slow machine may make a latency check amber.
        const auto* qa = live.environment(file, QStringLiteral("qa"));
        QVERIFY(qa);
        for (const auto& verdict : qa->diagnosis.hops)
            QVERIFY2(verdict.status == hopscope::HopStatus::Green || verdict.status == hopscope::HopStatus::Amber,
                     qPrintable(QString::fromStdString(verdict.hop) + QStringLiteral(" is ")
                                + QString::fromLatin1(hopscope::toString(verdict.status).data())));
    }
#endif

    void secondLabRunsBesideTheFirst()
    {
        QString error;
        auto second = startLab(m_tmp.filePath(QStringLiteral("second")), m_lab->base + 200, error);
        QVERIFY2(second, qPrintable(error));
        auto stop = qScopeGuard([&] { second->down(); });
        QString why;
        QVERIFY2(hopscope::test::healthy(second->check(), &why), qPrintable(QStringLiteral("second lab: ") + why));

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
        QVERIFY2(hopscope::test::healthy(m_lab->check(), &why), qPrintable(QStringLiteral("first lab: ") + why));
    }

    // The QA incident's shapes in the local AWS API emulator, checked through the presets.
    void awsVariantBlamesTheDefaultAction()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("moto_server")).isEmpty()
            || QStandardPaths::findExecutable(QStringLiteral("aws")).isEmpty())
            QSKIP("moto_server and aws are not both installed (moto is not packaged for Debian 12)");
        auto down = qScopeGuard([this] { m_lab->ctl({QStringLiteral("aws"), QStringLiteral("down")}); });
        QString error;
        const std::optional<QProcessEnvironment> aws = m_lab->awsUp(error);
        QVERIFY2(aws, qPrintable(error));
        const QProcessEnvironment& env = *aws;

        const Run r = run(QString::fromLocal8Bit(qgetenv("HOPSCOPE_BINARY")),
                          {QStringLiteral("check"), QStringLiteral("lab/aws-lab.yaml"), QStringLiteral("--format"),
                           QStringLiteral("json")},
                          env, 120000);
        QVERIFY2(r.exitCode == 2, qPrintable(r.describe(QStringLiteral("hopscope check lab/aws-lab.yaml"))));
        const json result = firstEnvironment(r);
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

#ifdef HOPSCOPE_WITH_GUI
QTEST_MAIN(TestLab)
#else
QTEST_GUILESS_MAIN(TestLab)
#endif
#include "tst_lab.moc"
