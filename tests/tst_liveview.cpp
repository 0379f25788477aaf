// Live probing in the window: real checks (real processes, through the real command prober)
// colour the map and the environment list, name the likely cause, fill the timeline; a file
// reloaded or closed mid-probe never gets the old contents' results.
#include "checksmodel.h"
#include "environmentlistmodel.h"
#include "hopinspector.h"
#include "hopitem.h"
#include "liveprobing.h"
#include "mainactions.h"
#include "mainwindow.h"
#include "parametersdialog.h"
#include "runnerpanel.h"
#include "settings.h"
#include "timelinemodel.h"
#include "topologyscene.h"
#include "translations.h"
#include "workspace.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QDir>
#include <QFile>
#include <QListView>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QPushButton>
#include <QScopeGuard>
#include <QTest>
#include <QTimer>

using namespace hopscope;

namespace {

// Plain literals, not raw strings: moc (6.4) cannot read past a raw string.
// The front answers; the database behind it does not: the database is the likely cause.
const char* const kBrokenDatabase =
    "environments:\n"
    "  - name: ci\n"
    "    interval: 1h\n"
    "    hops:\n"
    "      - id: front\n"
    "        kind: load_balancer\n"
    "        checks:\n"
    "          - name: answers\n"
    "            command: [sh, -c, \"exit 3\"]\n"
    "            expect: exit_code == 0\n"
    "      - id: db\n"
    "        kind: database\n"
    "        checks:\n"
    "          - name: accepts connections\n"
    "            command: [sh, -c, \"echo 'too many clients already' >&2; exit 1\"]\n"
    "            expect: exit_code == 0\n"
    "            remedy: end-idle-connections\n"
    "          - name: fast\n"
    "            command: [\"true\"]\n"
    "            expect: exit_code == 0\n";

// One check, whose command and outcome the tests vary.
QByteArray oneCheck(const QByteArray& script)
{
    return "environments:\n"
           "  - name: ci\n"
           "    interval: 1h\n"
           "    hops:\n"
           "      - id: app\n"
           "        kind: containers\n"
           "        checks:\n"
           "          - name: runs\n"
           "            command: [sh, -c, \""
        + script
        + "\"]\n"
          "            expect: exit_code == 0\n";
}

void write(const QString& path, const QByteArray& content)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(content), content.size());
}

// A workspace probed live, and every result it gets.
struct Probed {
    Workspace workspace;
    LiveProbing live{&workspace};
    QSignalSpy results{&live, &LiveProbing::resultArrived};
};

} // namespace

class TestLiveView final : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;

    // ci.yaml in the test's directory, holding `content`.
    QString ciFile(const QByteArray& content)
    {
        const QString path = m_dir->filePath(QStringLiteral("ci.yaml"));
        write(path, content);
        return path;
    }

private slots:
    void initTestCase()
    {
        installTranslations(QCoreApplication::instance());
    }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }

    void windowNamesTheLikelyCauseFromRealProbes()
    {
        const QString path = ciFile(kBrokenDatabase);
        Settings settings(m_dir->filePath(QStringLiteral("settings.ini")));
        Workspace workspace;
        LiveProbing live(&workspace);
        MainWindow window(&workspace, &settings, &live);
        QAbstractItemModelTester environments(window.environmentModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester timeline(window.timelineModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester checks(window.inspector()->checksModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy round(&live, &LiveProbing::firstRoundFinished);
        window.openFiles({path});
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        // The round may finish while the window is being exposed (that runs the event loop),
        // before a wait() would start listening: count what has arrived.
        QTRY_VERIFY_WITH_TIMEOUT(!round.isEmpty(), 20000);
        HopItem* db = window.scene()->hopItem(QStringLiteral("db"));
        HopItem* front = window.scene()->hopItem(QStringLiteral("front"));
        QCOMPARE(int(db->role()), int(HopRole::LikelyCause));
        QCOMPARE(int(db->status()), int(HopStatus::Red));
        QCOMPARE(int(front->role()), int(HopRole::Symptom));
        QVERIFY2(db->keyFigure().contains(QStringLiteral("exit_code")), qPrintable(db->keyFigure()));

        // The cause is selected for the engineer, with its evidence and its runbook.
        QCOMPARE(window.scene()->selectedHop(), QStringLiteral("db"));
        QCOMPARE(window.inspector()->runbooks(), QStringList{QStringLiteral("end-idle-connections")});
        const QString evidence = window.inspector()->checksModel()->summaryText();
        QVERIFY2(evidence.contains(QStringLiteral("too many clients already")), qPrintable(evidence));

        const QModelIndex row = window.environmentModel()->index(0);
        QCOMPARE(row.data(EnvironmentListModel::StatusRole).toInt(), int(HopStatus::Red));
        QVERIFY2(row.data(EnvironmentListModel::CauseRole).toString().startsWith(QStringLiteral("db: ")),
                 qPrintable(row.data(EnvironmentListModel::CauseRole).toString()));

        // The timeline starts with the first complete picture: both hops red, the cause marked.
        QStringList lines;
        for (int i = 0; i < window.timelineModel()->rowCount(); ++i)
            lines << window.timelineModel()->index(i).data().toString();
        QCOMPARE(lines.size(), 2);
        QVERIFY2(lines.filter(QStringLiteral("ci › db went red (likely cause)")).size() == 1, qPrintable(lines.join(u'\n')));
        QVERIFY2(window.diagnosisText().contains(QStringLiteral("Likely cause: db")), qPrintable(window.diagnosisText()));
        QCOMPARE(window.progressText(), QString());  // the round is over

        // F5 probes again, and the user's own choice of hop then stays put.
        window.selectHopForUser(QStringLiteral("front"));
        QSignalSpy results(&live, &LiveProbing::resultArrived);
        window.actions()->probeNow->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(results.count(), 3, 20000);
        QTRY_COMPARE(live.inFlight(), 0);
        QCOMPARE(window.scene()->selectedHop(), QStringLiteral("front"));

        // Fixed on disk: the reload probes the new contents, and the path goes green.
        write(path, oneCheck("exit 0"));
        workspace.reload(path);
        QTRY_COMPARE_WITH_TIMEOUT(row.data(EnvironmentListModel::StatusRole).toInt(), int(HopStatus::Green), 20000);
        QCOMPARE(row.data(EnvironmentListModel::CauseRole).toString(), QStringLiteral("all 1 hop healthy"));
    }

    // A result still in flight when its file is reloaded describes the old contents: it must
    // never be shown as the new file's. The old check fails quickly; the new one passes slowly,
    // so the stale failure would arrive first if it were let through.
    void resultsForAReloadedFileAreDropped()
    {
        const QString path = ciFile(oneCheck("sleep 0.3; exit 1"));
        Probed probed;
        auto& [workspace, live, results] = probed;
        QList<int> seen;
        connect(&live, &LiveProbing::environmentUpdated, this, [&] {
            if (const auto* env = live.environment(path, QStringLiteral("ci")))
                seen << int(env->diagnosis.overall);
        });
        workspace.open(path);
        QTRY_VERIFY(live.inFlight() == 1);

        write(path, oneCheck("sleep 0.8; exit 0"));
        workspace.reload(path);
        QTRY_COMPARE_WITH_TIMEOUT(results.count(), 1, 10000);
        QCOMPARE(int(results.first().at(1).value<CheckResult>().status), int(CheckStatus::Pass));
        QTRY_COMPARE(int(live.environment(path, QStringLiteral("ci"))->diagnosis.overall), int(HopStatus::Green));
        QVERIFY2(!seen.contains(int(HopStatus::Red)), "a result for the old contents reached the new file");
    }

    void closingAFileMidProbeForgetsIt()
    {
        const QString path = ciFile(oneCheck("sleep 5"));
        Probed probed;
        auto& [workspace, live, results] = probed;
        workspace.open(path);
        QTRY_COMPARE(live.inFlight(), 1);
        QElapsedTimer closing;
        closing.start();
        workspace.close(path);
        QVERIFY2(closing.elapsed() < 2000, "closing waited for the probe");  // the process group is killed
        QCOMPARE(live.environment(path, QStringLiteral("ci")), nullptr);
        QCOMPARE(live.inFlight(), 0);
        QVERIFY(live.firstRoundDone());  // nothing left to wait for
        QCOMPARE(results.count(), 0);
    }

    void intervalAndPauseAreTheUsers()
    {
        const QString path = ciFile(oneCheck("exit 0"));
        Probed probed;
        auto& [workspace, live, results] = probed;
        workspace.open(path);
        QTRY_COMPARE(results.count(), 1);

        // The file says once an hour; the user asks for every 50 ms.
        live.setIntervalOverride(std::chrono::milliseconds(50));
        QTRY_VERIFY_WITH_TIMEOUT(results.count() >= 4, 10000);

        // Paused: what is out comes back, then only Probe Now probes.
        live.setPaused(true);
        QVERIFY(live.isPaused());
        QTRY_COMPARE(live.inFlight(), 0);
        const int before = int(results.count());
        live.probeNow();
        QTRY_COMPARE(results.count(), before + 1);
        live.setPaused(false);
        QTRY_VERIFY_WITH_TIMEOUT(results.count() >= before + 3, 10000);
    }

    // The other half of the job: the runbook the failing check names, started from the
    // inspector, asks before its step runs; the step's change is probed at once (the interval
    // is an hour), and the path turns green while the engineer watches.
    void runbookFromTheInspectorTurnsThePathGreen()
    {
        const QString flag = m_dir->filePath(QStringLiteral("flag"));
        const QString runbooks = m_dir->filePath(QStringLiteral("runbooks"));
        QVERIFY(QDir().mkpath(runbooks));
        write(runbooks + QStringLiteral("/make-flag.yaml"),
              "runbook:\n"
              "  id: make-flag\n"
              "  title: Create the flag\n"
              "  applies_to: [containers]\n"
              "  steps:\n"
              "    - title: create the flag\n"
              "      command: [touch, \"${flag}\"]\n"
              "      confirm: Create the flag file?\n");
        qputenv("HOPSCOPE_RUNBOOK_PATH", runbooks.toUtf8());
        qputenv("HOPSCOPE_DATA_FILE", m_dir->filePath(QStringLiteral("data.sqlite")).toUtf8());
        const auto unset = qScopeGuard([] {
            qunsetenv("HOPSCOPE_RUNBOOK_PATH");
            qunsetenv("HOPSCOPE_DATA_FILE");
        });
        const QString path = ciFile("environments:\n"
                                    "  - name: ci\n"
                                    "    interval: 1h\n"
                                    "    variables: {flag: \"" + flag.toUtf8() + "\"}\n"
                                    "    hops:\n"
                                    "      - id: app\n"
                                    "        kind: containers\n"
                                    "        checks:\n"
                                    "          - name: flag exists\n"
                                    "            command: [test, -f, \"${flag}\"]\n"
                                    "            expect: exit_code == 0\n"
                                    "            remedy: make-flag\n");
        Settings settings(m_dir->filePath(QStringLiteral("settings.ini")));
        Workspace workspace;
        LiveProbing live(&workspace);
        MainWindow window(&workspace, &settings, &live);
        QSignalSpy round(&live, &LiveProbing::firstRoundFinished);
        window.openFiles({path});
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        // The round may finish while the window is being exposed (that runs the event loop),
        // before a wait() would start listening: count what has arrived.
        QTRY_VERIFY_WITH_TIMEOUT(!round.isEmpty(), 20000);
        const QModelIndex row = window.environmentModel()->index(0);
        QCOMPARE(row.data(EnvironmentListModel::StatusRole).toInt(), int(HopStatus::Red));
        QCOMPARE(window.inspector()->runbooks(), QStringList{QStringLiteral("make-flag")});

        // The parameters dialog comes first (modal); accept it as the engineer would.
        bool dialogSeen = false;
        QTimer accept;
        connect(&accept, &QTimer::timeout, this, [&] {
            if (auto* dialog = qobject_cast<ParametersDialog*>(QApplication::activeModalWidget())) {
                dialogSeen = true;
                dialog->accept();
            }
        });
        accept.start(20);
        emit window.inspector()->runbookActivated(QStringLiteral("make-flag"));
        accept.stop();
        QVERIFY(dialogSeen);
        QVERIFY(window.runnerDock()->isVisible());
        RunnerPanel* runner = window.runnerPanel();
        QVERIFY(runner->isRunning());

        // The step waits on Confirm, and nothing has run.
        QTRY_VERIFY_WITH_TIMEOUT(runner->confirmButton()->isEnabled(), 5000);
        QVERIFY(!QFile::exists(flag));
        QSignalSpy finished(runner, &RunnerPanel::runFinished);
        QTest::mouseClick(runner->confirmButton(), Qt::LeftButton);
        QVERIFY(finished.wait(15000));
        QCOMPARE(int(finished.first().first().value<RunOutcome>()), int(RunOutcome::Passed));
        QVERIFY(QFile::exists(flag));
        QTRY_COMPARE_WITH_TIMEOUT(int(window.scene()->hopItem(QStringLiteral("app"))->status()), int(HopStatus::Green), 20000);
        QCOMPARE(row.data(EnvironmentListModel::StatusRole).toInt(), int(HopStatus::Green));
    }

    void staleAfterThreeIntervalsAndNeverUnderHalfAMinute()
    {
        using std::chrono::milliseconds;
        QCOMPARE(LiveProbing::staleAfter(milliseconds(5000)).count(), 30000);
        QCOMPARE(LiveProbing::staleAfter(milliseconds(60000)).count(), 180000);
    }
};

QTEST_MAIN(TestLiveView)
#include "tst_liveview.moc"
