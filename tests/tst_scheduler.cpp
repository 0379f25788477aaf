// The scheduler with the real probers: command checks make hangs, slow and fast checks easy
// to stage without any server.
#include "loader.h"
#include "scheduler.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace hopscope;

namespace {

Environment environment(const QString& name, const QString& checks, const QString& extra = {})
{
    const QByteArray text = QStringLiteral("environments:\n  - name: %1\n%2    hops:\n      - id: h\n        kind: custom\n        checks:\n%3")
                                .arg(name, extra, checks)
                                .toUtf8();
    LoadedFile f = loadText(std::string_view(text.constData(), std::size_t(text.size())), "t.yaml", DocFormat::Yaml);
    if (f.hasErrors())
        qFatal("bad fixture: %s", f.diagnostics.front().format().c_str());
    return f.environments.front();
}

QString command(const QString& name, const QString& argv, const QString& timeout = QStringLiteral("5s"))
{
    return QStringLiteral("          - {name: %1, command: %2, timeout: %3}\n").arg(name, argv, timeout);
}

CheckResult resultAt(const QSignalSpy& spy, int i)
{
    return spy.at(i).at(0).value<CheckResult>();
}

} // namespace

class TestScheduler final : public QObject {
    Q_OBJECT
private slots:
    void hungCheckDelaysNothingElse()
    {
        Scheduler scheduler(makeProbers());
        scheduler.setEnvironments({environment(QStringLiteral("qa"),
                                               command(QStringLiteral("hung"), QStringLiteral("[sleep, \"30\"]"), QStringLiteral("1500ms"))
                                                   + command(QStringLiteral("fast"), QStringLiteral("[\"true\"]"))
                                                   + command(QStringLiteral("failing"), QStringLiteral("[\"false\"]")))});
        QSignalSpy results(&scheduler, &Scheduler::resultReady);
        QSignalSpy finished(&scheduler, &Scheduler::sweepFinished);
        QElapsedTimer clock;
        clock.start();
        scheduler.probeNow();
        QTRY_COMPARE_WITH_TIMEOUT(results.size(), 2, 1000);  // the fast ones, long before the hung one
        QVERIFY(clock.elapsed() < 1400);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 5000);
        QCOMPARE(results.size(), 3);
        const CheckResult hung = resultAt(results, 2);
        QCOMPARE(hung.check, std::string("hung"));
        QCOMPARE(int(hung.status), int(CheckStatus::Error));
        QVERIFY2(hung.message.find("timed out") != std::string::npos, hung.message.c_str());
        // The hung check ends at its own deadline plus a small margin.
        QVERIFY2(clock.elapsed() < 1500 + 1500, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(finished.at(0).at(0).toString(), QStringLiteral("qa"));
    }

    void neverTwoRunsOfOneCheck()
    {
        Scheduler scheduler(makeProbers());
        scheduler.setEnvironments({environment(QStringLiteral("qa"), command(QStringLiteral("slow"), QStringLiteral("[sleep, \"0.5\"]")))});
        QSignalSpy results(&scheduler, &Scheduler::resultReady);
        QSignalSpy finished(&scheduler, &Scheduler::sweepFinished);
        scheduler.probeNow();
        scheduler.probeNow();
        scheduler.probeNow();
        QCOMPARE(scheduler.inFlight(), 1);
        // One sweep answers all three requests: the check ran once.
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 5000);
        QCOMPARE(results.size(), 1);
        QCOMPARE(scheduler.inFlight(), 0);
        QCOMPARE(int(resultAt(results, 0).status), int(CheckStatus::Pass));
    }

    void replacedEnvironmentsDropTheirResults()
    {
        Scheduler scheduler(makeProbers());
        scheduler.setEnvironments({environment(QStringLiteral("old"), command(QStringLiteral("slow"), QStringLiteral("[sleep, \"0.3\"]")))});
        QSignalSpy results(&scheduler, &Scheduler::resultReady);
        scheduler.probeNow();
        QCOMPARE(scheduler.inFlight(), 1);
        scheduler.setEnvironments({environment(QStringLiteral("new"), command(QStringLiteral("quick"), QStringLiteral("[\"true\"]")))});
        QCOMPARE(scheduler.inFlight(), 0);
        scheduler.probeNow();
        QTRY_COMPARE_WITH_TIMEOUT(results.size(), 1, 3000);
        // Wait past the old check's end: its answer must not surface.
        QTest::qWait(600);  // nothing to wait on: the assertion is that no signal comes
        QCOMPARE(results.size(), 1);
        QCOMPARE(resultAt(results, 0).environment, std::string("new"));
    }

    void secretsAreResolvedAndMasked()
    {
        qputenv("HOPSCOPE_TEST_SECRET", "s3cr3t-value");
        Scheduler scheduler(makeProbers());
        scheduler.setEnvironments({environment(QStringLiteral("qa"),
                                               command(QStringLiteral("echo"), QStringLiteral("[echo, \"token=${token}\"]"))
                                                   + command(QStringLiteral("missing"), QStringLiteral("[echo, \"${absent}\"]")),
                                               QStringLiteral("    secrets:\n      token: {env: HOPSCOPE_TEST_SECRET}\n      absent: {env: HOPSCOPE_TEST_UNSET_VARIABLE}\n"))});
        QSignalSpy results(&scheduler, &Scheduler::resultReady);
        scheduler.probeNow();
        QTRY_COMPARE_WITH_TIMEOUT(results.size(), 2, 5000);
        qunsetenv("HOPSCOPE_TEST_SECRET");
        for (int i = 0; i < results.size(); ++i) {
            const CheckResult r = resultAt(results, i);
            QVERIFY2(r.observed.dump().find("s3cr3t") == std::string::npos, r.observed.dump().c_str());
            QVERIFY(r.message.find("s3cr3t") == std::string::npos);
            if (r.check == "echo") {
                QCOMPARE(int(r.status), int(CheckStatus::Pass));
                QCOMPARE(r.observed.value("stdout", std::string()), std::string("token=****\n"));
            } else {
                QCOMPARE(int(r.status), int(CheckStatus::Error));
                QCOMPARE(r.message, std::string("secret absent: environment variable HOPSCOPE_TEST_UNSET_VARIABLE is not set"));
            }
        }
    }

    void intervalsReprobe()
    {
        Scheduler scheduler(makeProbers());
        scheduler.setEnvironments({environment(QStringLiteral("qa"), command(QStringLiteral("c"), QStringLiteral("[\"true\"]")),
                                               QStringLiteral("    interval: 200ms\n"))});
        QSignalSpy finished(&scheduler, &Scheduler::sweepFinished);
        scheduler.start();
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() >= 3, 3000);
        scheduler.stop();
        const auto seen = finished.size();
        QTest::qWait(500);  // nothing to wait on: the assertion is that no sweep comes
        QCOMPARE(finished.size(), seen);
    }
};

QTEST_GUILESS_MAIN(TestScheduler)
#include "tst_scheduler.moc"
