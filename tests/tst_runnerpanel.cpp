// The runbook GUI offscreen: the runner panel driving real commands that write a file (the
// proof that something ran, and when), the parameters dialog, the runbook browser on the
// bundled library, and the lab's walkthrough on a real map. Set TST_RUNNERPANEL_SHOTS to a
// directory to also save what each widget looks like.
#include "edgeitem.h"
#include "hopitem.h"
#include "loader.h"
#include "parametersdialog.h"
#include "resume.h"
#include "resumeoffer.h"
#include "runbookbrowser.h"
#include "runbookcatalog.h"
#include "runbooklistmodel.h"
#include "runcontroller.h"
#include "runnerpanel.h"
#include "runstepsmodel.h"
#include "topologyscene.h"
#include "walkthrough.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QGraphicsView>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeView>

using namespace hopscope;

namespace {

constexpr int kTimeoutMs = 15000;
// A stall the engineer would notice. Not a benchmark (bench/ measures): a guard against the
// GUI thread blocking on the run, loose enough for AddressSanitizer's 2-3x slowdown.
#if defined(__SANITIZE_ADDRESS__)
constexpr qint64 kStallLimitMs = 600;
#else
constexpr qint64 kStallLimitMs = 200;
#endif

LoadedFile load(const QByteArray& yaml, const char* name)
{
    LoadedFile f = loadText(yaml.toStdString(), name, DocFormat::Yaml);
    for (const auto& d : f.diagnostics)
        qWarning("%s", d.format().c_str());
    return f;
}

void saveShot(QWidget& widget, const QString& name)
{
    const QString dir = qEnvironmentVariable("TST_RUNNERPANEL_SHOTS");
    if (dir.isEmpty())
        return;
    QCoreApplication::processEvents();
    widget.grab().save(dir + QLatin1Char('/') + name + QStringLiteral(".png"));
}

} // namespace

class TestRunnerPanel final : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString path(const QString& name) const { return m_dir.filePath(name); }

    QByteArray environmentYaml(bool isProtected = false) const
    {
        return "environments:\n  - name: qa\n    protected: " + QByteArray(isProtected ? "true" : "false")
             + "\n    variables:\n      out: \"" + m_dir.path().toUtf8()
             + "\"\n      service: checkout\n    hops:\n      - {id: app, kind: containers}\n";
    }

    Environment environment(bool isProtected = false) const
    {
        return load(environmentYaml(isProtected), "env.yaml").environments.at(0);
    }

    static QByteArray runbookYaml(const QByteArray& steps, const QByteArray& params = {})
    {
        return "runbook:\n  id: t\n  title: Test runbook\n  applies_to: [containers]\n" + params + "  steps:\n" + steps;
    }

    static Runbook runbook(const QByteArray& steps, const QByteArray& params = {})
    {
        return *load(runbookYaml(steps, params), "runbook.yaml").runbook;
    }

    QString writeFile(const QString& name, const QByteArray& text) const
    {
        QFile f(path(name));
        return f.open(QIODevice::WriteOnly) && f.write(text) == text.size() ? f.fileName() : QString();
    }

    // A run as the trail keeps it, written straight to it. Empty when it cannot be.
    static QString recordRun(AuditLog& audit, AuditRun run, const QString& outcome = QString())
    {
        run.host = run.host.isEmpty() ? currentHostName() : run.host;
        run.startedMs = QDateTime::currentMSecsSinceEpoch();
        if (!audit.beginRun(run) || (!outcome.isEmpty() && !audit.finishRun(run.id, outcome, run.startedMs + 1)))
            return {};
        return run.id;
    }

    // A step that appends its name to ran.log: proof that it ran, and how often.
    static QByteArray touchStep(const QByteArray& name)
    {
        return "    - title: append " + name
             + "\n      command: [python3, -c, \"import sys; open(sys.argv[1], 'a').write(sys.argv[2] + '\\\\n')\", \"${out}/ran.log\", "
             + name + "]\n      confirm: Append " + name + " to ran.log?\n";
    }

    // Fails (exit 3) until ${out}/flag exists.
    static QByteArray flagStep()
    {
        return "    - title: flag is set\n      command: [python3, -c, \"import os, sys; sys.exit(0 if os.path.exists(sys.argv[1]) else 3)\", "
               "\"${out}/flag\"]\n";
    }

    // A run of "append one, append two" in dataFile that stopped after step one ran, before
    // step two was confirmed, as a process that dies leaves it. Its id, or empty on failure.
    QString leaveUnfinishedRun(const QString& dataFile)
    {
        const QString runbookFile = writeFile(QStringLiteral("resume-runbook.yaml"), runbookYaml(touchStep("one") + touchStep("two")));
        const QString envFile = writeFile(QStringLiteral("resume-env.yaml"), environmentYaml());
        const LoadedFile rb = loadFile(runbookFile.toStdString());
        const LoadedFile env = loadFile(envFile.toStdString());
        if (runbookFile.isEmpty() || envFile.isEmpty() || !rb.runbook || env.environments.empty())
            return {};
        PlanResult made = makePlan(*rb.runbook, env.environments.front(), {});
        if (!made.plan)
            return {};
        RunController::Options options;
        options.dataFile = dataFile;
        options.runbookHash = sha256Of(runbookFile);
        options.environmentFile = envFile;
        // Deleted without an abort, as a process that dies leaves it.
        auto first = std::make_unique<RunController>(*made.plan, options);
        QSignalSpy asked(first.get(), &RunController::confirmationRequested);
        if (!first->start() || !QTest::qWaitFor([&] { return asked.size() == 1; }, kTimeoutMs))
            return {};
        first->confirm(asked.at(0).at(0).value<ConfirmationRequest>().id);
        if (!QTest::qWaitFor([&] { return asked.size() == 2; }, kTimeoutMs) || ranLog() != "one\n")
            return {};
        return first->runId();
    }

    // Answers the next modal message box by clicking its button with this text, once it shows.
    static void answerWith(const QString& buttonText, QString* boxText = nullptr)
    {
        QTimer::singleShot(0, [buttonText, boxText] {
            auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
            if (!box)
                return;
            if (boxText)
                *boxText = box->text() + QLatin1Char('\n') + box->informativeText();
            for (QAbstractButton* b : box->buttons()) {
                if (b->text() == buttonText) {
                    b->click();
                    return;
                }
            }
            box->reject();  // no such button: the test sees nothing was chosen
        });
    }

    QByteArray ranLog() const
    {
        QFile f(path(QStringLiteral("ran.log")));
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

    void startPanel(RunnerPanel& panel, const Runbook& rb, bool isProtected = false)
    {
        panel.setDataFile(path(QStringLiteral("audit.sqlite")));
        QString error;
        QVERIFY2(panel.start(rb, environment(isProtected), {}, path(QStringLiteral("env.yaml")),
                             QStringLiteral("**app** is red"), false, &error),
                 qPrintable(error));
    }

    static void clickWhenEnabled(QPushButton* button)
    {
        QTRY_VERIFY_WITH_TIMEOUT(button->isEnabled(), kTimeoutMs);
        QTest::mouseClick(button, Qt::LeftButton);
    }

    // Starts a run whose first step fails (no flag yet) and waits for the decision it asks.
    void failFirstStep(RunnerPanel& panel)
    {
        startPanel(panel, runbook(flagStep() + touchStep("two")));
        clickWhenEnabled(panel.confirmButton());
        QTRY_VERIFY_WITH_TIMEOUT(panel.retryButton()->isEnabled(), kTimeoutMs);
        QCOMPARE(int(panel.controller()->state(0)), int(StepState::Failed));
    }

    // Lets the event loop run for a moment: for asserting that something did NOT happen.
    static void settle() { QTest::qWait(250); }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void init()
    {
        QFile::remove(path(QStringLiteral("ran.log")));
        QFile::remove(path(QStringLiteral("flag")));
    }

    void eachChangingStepWaitsForItsOwnConfirmation()
    {
        RunnerPanel panel;
        QAbstractItemModelTester tester(panel.stepsModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        panel.resize(900, 600);
        panel.show();
        QSignalSpy changed(&panel, &RunnerPanel::stepChangedSomething);
        QSignalSpy finished(&panel, &RunnerPanel::runFinished);
        startPanel(panel, runbook(touchStep("one") + touchStep("two")));
        QCOMPARE(panel.stepsModel()->rowCount(), 2);

        QTRY_VERIFY_WITH_TIMEOUT(panel.confirmButton()->isEnabled(), kTimeoutMs);
        QCOMPARE(int(panel.controller()->state(0)), int(StepState::AwaitingConfirmation));
        QVERIFY(panel.statusText().contains(QStringLiteral("Step 1 of 2")));
        QVERIFY(panel.statusText().contains(QStringLiteral("waiting for your confirmation")));
        QVERIFY(panel.skipButton()->isEnabled());
        QVERIFY(!panel.retryButton()->isEnabled());
        // Confirm is nobody's default, and Enter answers nothing, wherever the focus is.
        QVERIFY(!panel.confirmButton()->isDefault());
        QVERIFY(!panel.confirmButton()->autoDefault());
        panel.confirmButton()->setFocus();
        QTest::keyClick(panel.confirmButton(), Qt::Key_Return);
        QTest::keyClick(panel.confirmButton(), Qt::Key_Enter);
        QTest::keyClick(panel.stepsView(), Qt::Key_Return);
        QTest::keyClick(&panel, Qt::Key_Return);
        settle();
        QCOMPARE(ranLog(), QByteArray());
        QCOMPARE(int(panel.controller()->state(0)), int(StepState::AwaitingConfirmation));
        saveShot(panel, QStringLiteral("runnerpanel-confirm"));

        // One confirmation runs one step; the next asks again, and a second click that lands
        // at once (a double click) finds Confirm asleep.
        QTest::mouseClick(panel.confirmButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(int(panel.controller()->state(1)), int(StepState::AwaitingConfirmation), kTimeoutMs);
        QCOMPARE(ranLog(), QByteArray("one\n"));
        QVERIFY(!panel.confirmButton()->isEnabled());
        QTest::mouseClick(panel.confirmButton(), Qt::LeftButton);
        panel.confirmCurrent();
        settle();
        QCOMPARE(ranLog(), QByteArray("one\n"));
        QCOMPARE(int(panel.controller()->state(1)), int(StepState::AwaitingConfirmation));
        QCOMPARE(panel.stepsModel()->current(), 1);
        QVERIFY(panel.stepsModel()->index(1).data(RunStepsModel::CurrentRole).toBool());

        clickWhenEnabled(panel.confirmButton());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kTimeoutMs);
        QCOMPARE(finished.at(0).at(0).value<RunOutcome>(), RunOutcome::Passed);
        QCOMPARE(ranLog(), QByteArray("one\ntwo\n"));
        QCOMPARE(changed.size(), 2);
        QCOMPARE(changed.at(0).at(1).toString(), QStringLiteral("qa"));
        QCOMPARE(panel.affectedHops(), QStringList{QStringLiteral("app")});
        QVERIFY(!panel.abortButton()->isEnabled());
        QVERIFY(panel.outputView()->toPlainText().contains(QStringLiteral("append two")));
        saveShot(panel, QStringLiteral("runnerpanel-passed"));
    }

    void protectedEnvironmentNeedsItsNameForEachStep()
    {
        RunnerPanel panel;
        panel.show();
        QSignalSpy finished(&panel, &RunnerPanel::runFinished);
        startPanel(panel, runbook(touchStep("one") + touchStep("two")), true);
        QTRY_COMPARE_WITH_TIMEOUT(int(panel.controller()->state(0)), int(StepState::AwaitingConfirmation), kTimeoutMs);
        QVERIFY(panel.environmentNameField()->isVisible());
        settle();  // past the moment Confirm sleeps after a question appears
        QVERIFY(!panel.confirmButton()->isEnabled());
        QTest::keyClicks(panel.environmentNameField(), QStringLiteral("QA"));
        QVERIFY(!panel.confirmButton()->isEnabled());
        QTest::keyClick(panel.environmentNameField(), Qt::Key_Return);
        settle();
        QCOMPARE(ranLog(), QByteArray());
        panel.environmentNameField()->clear();
        QTest::keyClicks(panel.environmentNameField(), QStringLiteral("qa"));
        QVERIFY(panel.confirmButton()->isEnabled());
        QTest::keyClick(panel.environmentNameField(), Qt::Key_Return);  // Enter still answers nothing
        settle();
        QCOMPARE(ranLog(), QByteArray());
        saveShot(panel, QStringLiteral("runnerpanel-protected"));
        QTest::mouseClick(panel.confirmButton(), Qt::LeftButton);

        // The name typed for step 1 does not carry to step 2.
        QTRY_COMPARE_WITH_TIMEOUT(int(panel.controller()->state(1)), int(StepState::AwaitingConfirmation), kTimeoutMs);
        QCOMPARE(ranLog(), QByteArray("one\n"));
        QVERIFY(panel.environmentNameField()->text().isEmpty());
        settle();
        QVERIFY(!panel.confirmButton()->isEnabled());
        QTest::mouseClick(panel.abortButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kTimeoutMs);
        QCOMPARE(finished.at(0).at(0).value<RunOutcome>(), RunOutcome::Aborted);
        QCOMPARE(ranLog(), QByteArray("one\n"));
    }

    void aFloodOfOutputDoesNotStallTheWindow()
    {
        RunnerPanel panel;
        panel.resize(900, 600);
        panel.show();
        QSignalSpy finished(&panel, &RunnerPanel::runFinished);
        startPanel(panel, runbook("    - title: print 200k lines\n      command: [python3, -c, \"import sys\\nfor i in range(200000): "
                                  "sys.stdout.write('line %d of a flood of output\\\\n' % i)\"]\n"));
        clickWhenEnabled(panel.confirmButton());

        QElapsedTimer sinceTick;
        qint64 longestGap = 0;
        QTimer tick;
        tick.setInterval(5);
        connect(&tick, &QTimer::timeout, this, [&] {
            longestGap = std::max(longestGap, sinceTick.restart());
        });
        sinceTick.start();
        tick.start();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kTimeoutMs);
        tick.stop();
        QCOMPARE(finished.at(0).at(0).value<RunOutcome>(), RunOutcome::Passed);
        qInfo("longest gap between 5 ms ticks while streaming: %lld ms", longestGap);
        QVERIFY2(longestGap < kStallLimitMs, qPrintable(QStringLiteral("the event loop stalled for %1 ms").arg(longestGap)));
        QTRY_VERIFY(panel.outputView()->toPlainText().contains(QStringLiteral("passed")));
        QVERIFY(panel.outputView()->document()->blockCount() <= RunnerPanel::kMaxOutputLines);
        QVERIFY(panel.outputView()->toPlainText().contains(QStringLiteral("of a flood of output")));
        saveShot(panel, QStringLiteral("runnerpanel-flood"));
    }

    void aFailedStepOffersRetrySkipAndAbort()
    {
        RunnerPanel panel;
        panel.resize(900, 600);
        panel.show();
        QSignalSpy finished(&panel, &RunnerPanel::runFinished);
        failFirstStep(panel);
        QVERIFY(panel.skipButton()->isEnabled());
        QVERIFY(panel.abortButton()->isEnabled());
        QVERIFY(!panel.confirmButton()->isEnabled());
        QVERIFY(panel.statusText().contains(QStringLiteral("retry, skip or abort")));
        saveShot(panel, QStringLiteral("runnerpanel-failed"));

        // Retry asks again (it changes something), and passes now that the flag is there.
        QFile flag(path(QStringLiteral("flag")));
        QVERIFY(flag.open(QIODevice::WriteOnly));
        flag.close();
        QTest::mouseClick(panel.retryButton(), Qt::LeftButton);
        clickWhenEnabled(panel.confirmButton());
        QTRY_COMPARE_WITH_TIMEOUT(int(panel.controller()->state(1)), int(StepState::AwaitingConfirmation), kTimeoutMs);
        QCOMPARE(int(panel.controller()->state(0)), int(StepState::Passed));
        QTest::mouseClick(panel.skipButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kTimeoutMs);
        QCOMPARE(finished.at(0).at(0).value<RunOutcome>(), RunOutcome::Passed);
        QCOMPARE(int(panel.controller()->state(1)), int(StepState::Skipped));
        QCOMPARE(ranLog(), QByteArray());

        // The report holds every step, the retried one twice.
        const QString report = path(QStringLiteral("report.md"));
        QString error;
        QVERIFY2(panel.exportReport(report, &error), qPrintable(error));
        QFile file(report);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString markdown = QString::fromUtf8(file.readAll());
        QVERIFY(markdown.startsWith(QLatin1Char('#')));
        QVERIFY2(markdown.count(QStringLiteral("flag is set")) >= 2, qPrintable(markdown));
        QVERIFY(markdown.contains(QStringLiteral("append two")));
        QVERIFY(markdown.contains(QStringLiteral("**app** is red")));

        // Skipped after failing, then aborted at the next question.
        QFile::remove(path(QStringLiteral("flag")));
        failFirstStep(panel);
        QTest::mouseClick(panel.skipButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(int(panel.controller()->state(1)), int(StepState::AwaitingConfirmation), kTimeoutMs);
        QCOMPARE(int(panel.controller()->state(0)), int(StepState::Skipped));
        QTest::mouseClick(panel.abortButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, kTimeoutMs);
        QCOMPARE(finished.at(1).at(0).value<RunOutcome>(), RunOutcome::Aborted);

        // Aborted while deciding: the run failed.
        failFirstStep(panel);
        QTest::mouseClick(panel.abortButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 3, kTimeoutMs);
        QCOMPARE(finished.at(2).at(0).value<RunOutcome>(), RunOutcome::Failed);
        QCOMPARE(ranLog(), QByteArray());
        QVERIFY(!panel.retryButton()->isEnabled());
    }

    void aDryRunRunsNothing()
    {
        RunnerPanel panel;
        panel.setDataFile(path(QStringLiteral("audit.sqlite")));
        QSignalSpy finished(&panel, &RunnerPanel::runFinished);
        QString error;
        QVERIFY2(panel.start(runbook(touchStep("one")), environment(), {}, QString(), QString(), true, &error), qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kTimeoutMs);
        QVERIFY(panel.statusText().contains(QStringLiteral("nothing ran")));
        settle();
        QCOMPARE(ranLog(), QByteArray());
    }

    // The app went down after step one ran and before step two was confirmed: a new session
    // picks the run up from the trail, shows step one done, and asks for step two.
    void anUnfinishedRunResumesWhereItStopped()
    {
        const QString dataFile = path(QStringLiteral("resume.sqlite"));
        const QString runId = leaveUnfinishedRun(dataFile);
        QVERIFY(!runId.isEmpty());

        AuditLog audit;
        QVERIFY(audit.open(dataFile));
        const std::vector<AuditRun> offered = resumableRuns(audit);
        QCOMPARE(offered.size(), std::size_t(1));
        QCOMPARE(offered.front().id, runId);
        RunSetupError problem;
        const std::optional<ResumeRequest> request = prepareResume(audit, runId, {}, &problem);
        QVERIFY2(request, qPrintable(problem.text()));
        QCOMPARE(request->point.position, 1);
        QVERIFY(!request->point.unknownOutcome);

        RunnerPanel panel;
        QAbstractItemModelTester tester(panel.stepsModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        panel.resize(900, 600);
        panel.show();
        QSignalSpy finished(&panel, &RunnerPanel::runFinished);
        QString error;
        QVERIFY2(panel.resume(*request, false, &error), qPrintable(error));
        QCOMPARE(panel.runId(), runId);
        QCOMPARE(panel.stepsModel()->index(0).data(RunStepsModel::StateRole).toInt(), int(StepState::Passed));
        QTRY_VERIFY_WITH_TIMEOUT(panel.confirmButton()->isEnabled(), kTimeoutMs);
        QCOMPARE(int(panel.controller()->state(1)), int(StepState::AwaitingConfirmation));
        QVERIFY(panel.statusText().contains(QStringLiteral("Step 2 of 2")));
        QCOMPARE(ranLog(), QByteArray("one\n"));
        saveShot(panel, QStringLiteral("runnerpanel-resumed"));

        QTest::mouseClick(panel.confirmButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kTimeoutMs);
        QCOMPARE(finished.at(0).at(0).value<RunOutcome>(), RunOutcome::Passed);
        QCOMPARE(ranLog(), QByteArray("one\ntwo\n"));
        const std::optional<AuditRun> run = audit.run(runId);
        QVERIFY(run);
        QCOMPARE(run->outcome, QStringLiteral("passed"));
        QCOMPARE(run->resumes, 1);
        QVERIFY(resumableRuns(audit).empty());
    }

    // The window's question at start, through its real boxes: Not Now keeps the run on offer,
    // Resume hands it over at step two, Abandon It records it so it is not offered again.
    void theOfferAsksNotNowResumeOrAbandon()
    {
        const QString dataFile = path(QStringLiteral("offer.sqlite"));
        const QString runId = leaveUnfinishedRun(dataFile);
        QVERIFY(!runId.isEmpty());
        AuditLog audit;
        QVERIFY(audit.open(dataFile));

        QString asked;
        answerWith(QStringLiteral("&Not Now"), &asked);
        QVERIFY(!ResumeOffer::ask(nullptr, audit));
        QVERIFY2(asked.contains(QStringLiteral("“Test runbook” on qa")) && asked.contains(QStringLiteral("step 2, append two")),
                 qPrintable(asked));
        QCOMPARE(resumableRuns(audit).size(), std::size_t(1));

        answerWith(QStringLiteral("&Resume"));
        const std::optional<ResumeOffer::Choice> choice = ResumeOffer::ask(nullptr, audit);
        QVERIFY(choice);
        QCOMPARE(choice->request.run.id, runId);
        QCOMPARE(choice->request.point.position, 1);
        QCOMPARE(ranLog(), QByteArray("one\n"));  // asking ran nothing

        answerWith(QStringLiteral("&Abandon It"));
        QVERIFY(!ResumeOffer::ask(nullptr, audit));
        QVERIFY(resumableRuns(audit).empty());
        QCOMPARE(audit.run(runId)->outcome, QStringLiteral("abandoned"));
        QVERIFY(!ResumeOffer::ask(nullptr, audit));  // nothing left to offer: no box at all
        QCOMPARE(ranLog(), QByteArray("one\n"));
    }

    void onlyUnfinishedRunsOfNoLiveProcessAreOffered()
    {
        AuditLog audit;
        QVERIFY(audit.open(path(QStringLiteral("resumable.sqlite"))));
        const QString runbookFile = writeFile(QStringLiteral("offered-runbook.yaml"), runbookYaml(touchStep("one")));
        QVERIFY(!runbookFile.isEmpty());
        AuditRun crashed;
        crashed.runbookId = QStringLiteral("t");
        crashed.runbookFile = runbookFile;
        crashed.runbookHash = sha256Of(runbookFile);
        crashed.environment = QStringLiteral("qa");
        crashed.environmentFile = path(QStringLiteral("gone.yaml"));
        const QString unfinished = recordRun(audit, crashed);
        const QString passed = recordRun(audit, crashed, QStringLiteral("passed"));
        AuditRun dry = crashed;
        dry.dryRun = true;
        const QString dryRun = recordRun(audit, dry);
        AuditRun live = crashed;
        live.pid = 1;  // always alive
        const QString running = recordRun(audit, live);
        AuditRun changed = crashed;
        changed.runbookHash = QStringLiteral("0123");
        const QString edited = recordRun(audit, changed);
        for (const QString& id : {unfinished, passed, dryRun, running, edited})
            QVERIFY(!id.isEmpty());

        QStringList offered;
        for (const AuditRun& r : resumableRuns(audit))
            offered << r.id;
        QStringList expected{unfinished, edited};
        offered.sort();
        expected.sort();
        QCOMPARE(offered, expected);

        // What each refusal names.
        const auto refusal = [&audit](const QString& id) {
            RunSetupError problem;
            return prepareResume(audit, id, {}, &problem) ? QString() : problem.text();
        };
        QVERIFY2(refusal(passed).contains(QStringLiteral("is finished (passed)")), qPrintable(refusal(passed)));
        QVERIFY2(refusal(dryRun).contains(QStringLiteral("dry run")), qPrintable(refusal(dryRun)));
        QVERIFY2(refusal(running).contains(QStringLiteral("still running in process 1")), qPrintable(refusal(running)));
        QVERIFY2(refusal(edited).contains(QStringLiteral("changed since run")), qPrintable(refusal(edited)));
        QVERIFY2(refusal(unfinished).contains(QStringLiteral("gone.yaml")), qPrintable(refusal(unfinished)));
        QVERIFY(refusal(QStringLiteral("no-such-run")).contains(QStringLiteral("no run \"no-such-run\"")));
    }

    void theParametersDialogAsksTypedValues()
    {
        const Runbook rb = runbook(touchStep("one"),
                                   "  params:\n"
                                   "    - {name: service, type: string, default: \"${service}\", description: The service to restart.}\n"
                                   "    - {name: mode, type: choice, choices: [rolling, all-at-once], default: rolling}\n"
                                   "    - {name: count, type: number, default: \"3\"}\n"
                                   "    - {name: force, type: boolean, default: \"false\"}\n"
                                   "    - {name: token, type: secret}\n"
                                   "    - {name: ticket, type: string, required: true, description: The change ticket.}\n");
        ParametersDialog dialog(rb, environment());
        auto* service = qobject_cast<QLineEdit*>(dialog.editor(QStringLiteral("service")));
        QVERIFY(service);
        QCOMPARE(service->text(), QStringLiteral("checkout"));  // the default, from the environment
        QCOMPARE(service->toolTip(), QStringLiteral("The service to restart."));
        QVERIFY(qobject_cast<QComboBox*>(dialog.editor(QStringLiteral("mode"))));
        QCOMPARE(qobject_cast<QSpinBox*>(dialog.editor(QStringLiteral("count")))->value(), 3);
        QVERIFY(qobject_cast<QCheckBox*>(dialog.editor(QStringLiteral("force"))));
        QCOMPARE(qobject_cast<QLineEdit*>(dialog.editor(QStringLiteral("token")))->echoMode(), QLineEdit::Password);
        saveShot(dialog, QStringLiteral("parametersdialog"));

        dialog.accept();  // the ticket is missing
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        QVERIFY(dialog.errorText().contains(QStringLiteral("ticket")));
        QVERIFY(!dialog.plan());

        qobject_cast<QLineEdit*>(dialog.editor(QStringLiteral("ticket")))->setText(QStringLiteral("CHG-1"));
        qobject_cast<QComboBox*>(dialog.editor(QStringLiteral("mode")))->setCurrentIndex(1);
        qobject_cast<QLineEdit*>(dialog.editor(QStringLiteral("token")))->setText(QStringLiteral("t0ken"));
        dialog.setDryRun(true);
        const auto values = dialog.values();
        QCOMPARE(values.count("service"), std::size_t(0));  // unchanged defaults are left to the engine
        QCOMPARE(values.at("mode"), std::string("all-at-once"));
        QCOMPARE(values.at("ticket"), std::string("CHG-1"));
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QVERIFY(dialog.plan());
        QVERIFY(dialog.dryRun());
        QVERIFY(QString::fromStdString(dialog.plan()->paramsJson()).contains(QStringLiteral("\"token\":\"****\"")));

        // What makePlan refuses is shown in the dialog: here a number whose default is not one.
        const Runbook bad = runbook(touchStep("one"), "  params:\n    - {name: port, type: number, default: \"${service}\"}\n");
        ParametersDialog refused(bad, environment());
        refused.accept();
        QCOMPARE(refused.result(), int(QDialog::Rejected));
        QVERIFY2(refused.errorText().contains(QStringLiteral("must be a number")), qPrintable(refused.errorText()));
        QVERIFY(!refused.errorText().contains(QStringLiteral("--param")));
    }

    void theBrowserListsTheLibraryAndItsBrokenFiles()
    {
        QTemporaryDir extra;
        QFile broken(extra.filePath(QStringLiteral("broken.yaml")));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("runbook:\n  id: broken\n  steps: 3\n");
        broken.close();
        RunbookCatalog catalog;
        QVERIFY(catalog.addDirectory(HOPSCOPE_SOURCE_DIR "/runbooks/library") > 5);
        catalog.addDirectory(extra.path().toStdString());

        RunbookBrowser browser;
        browser.resize(760, 420);
        QSignalSpy runs(&browser, &RunbookBrowser::runRequested);
        QSignalSpy tours(&browser, &RunbookBrowser::walkthroughRequested);
        browser.setCatalog(catalog);
        QAbstractItemModelTester tester(browser.view()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModel* model = browser.view()->model();
        QCOMPARE(model->rowCount(), int(catalog.files().size()));
        QVERIFY(!model->index(0, 0).data(RunbookListModel::ErrorsRole).toStringList().isEmpty());  // broken first
        saveShot(browser, QStringLiteral("runbookbrowser"));

        browser.selectId(QStringLiteral("onboarding-tour"));
        QVERIFY(browser.walkthroughButton()->isEnabled());
        QVERIFY(!browser.runButton()->isEnabled());
        QTest::mouseClick(browser.walkthroughButton(), Qt::LeftButton);
        QCOMPARE(tours.size(), 1);
        QCOMPARE(tours.at(0).at(0).toString(), QStringLiteral("onboarding-tour"));

        browser.selectId(QStringLiteral("fix-default-action"));
        QVERIFY(browser.runButton()->isEnabled());
        QVERIFY(!browser.walkthroughButton()->isEnabled());
        QTest::mouseClick(browser.runButton(), Qt::LeftButton);
        QCOMPARE(runs.at(0).at(0).toString(), QStringLiteral("fix-default-action"));

        QTest::keyClicks(browser.filterField(), QStringLiteral("database"));  // a hop kind
        QVERIFY(model->rowCount() > 0);
        QVERIFY(model->rowCount() < int(catalog.files().size()));
    }

    void theLabWalkthroughFocusesEachHopAndRestoresTheMap()
    {
        const LoadedFile lab = loadFile(HOPSCOPE_SOURCE_DIR "/lab/lab.yaml");
        QVERIFY(!lab.hasErrors());
        const Environment& qa = lab.environments.at(0);
        RunbookCatalog catalog;
        catalog.addDirectory(HOPSCOPE_SOURCE_DIR "/runbooks/library");
        const Runbook* tour = catalog.find("onboarding-tour");
        QVERIFY(tour);

        TopologyScene scene;
        scene.setEnvironment(qa);
        HopState stale;
        stale.status = HopStatus::Green;
        stale.stale = true;
        scene.setHopState(QStringLiteral("targets"), stale);
        scene.selectHop(QStringLiteral("db"));
        QGraphicsView view(&scene);
        view.resize(1100, 560);
        view.show();
        const auto opacities = [&scene] {
            QList<qreal> out;
            for (const HopItem* hop : scene.hopItems())
                out << hop->opacity();
            return out;
        };
        const QList<qreal> before = opacities();
        QCOMPARE(scene.hopItem(QStringLiteral("targets"))->opacity(), 0.5);

        Walkthrough walk(&scene, &view);
        QSignalSpy stepped(&walk, &Walkthrough::stepChanged);
        QString error;
        QVERIFY2(walk.start(*tour, qa, &error), qPrintable(error));
        QVERIFY(walk.isVisible());
        QStringList visited;
        const auto checkFocus = [&scene](const QString& hop) {
            QCOMPARE(scene.selectedHop(), hop);
            for (const HopItem* item : scene.hopItems()) {
                QCOMPARE(item->isDimmed(), item->hopId() != hop);
                if (item->hopId() != hop)
                    QVERIFY(item->opacity() <= 0.25);
            }
            for (const EdgeItem* edge : scene.edgeItems())
                QVERIFY(edge->opacity() < 1.0);
        };
        QCOMPARE(walk.currentHop(), QStringLiteral("dns"));
        checkFocus(QStringLiteral("dns"));
        QVERIFY(!walk.backButton()->isEnabled());
        saveShot(view, QStringLiteral("walkthrough-dns"));

        QTest::mouseClick(walk.nextButton(), Qt::LeftButton);
        QCOMPARE(walk.currentHop(), QStringLiteral("lb"));
        checkFocus(QStringLiteral("lb"));
        QTest::mouseClick(walk.backButton(), Qt::LeftButton);
        QCOMPARE(walk.currentHop(), QStringLiteral("dns"));
        checkFocus(QStringLiteral("dns"));

        while (walk.isActive()) {
            if (!walk.currentHop().isEmpty())
                visited << walk.currentHop();
            if (walk.currentHop() == QLatin1String("targets")) {
                QCOMPARE(scene.hopItem(QStringLiteral("targets"))->opacity(), 0.5);  // in focus: only its stale fade
                QCOMPARE(scene.hopItem(QStringLiteral("app"))->opacity(), 0.25);
            }
            if (walk.currentHop() == QLatin1String("migrate")) {
                QCOMPARE(scene.hopItem(QStringLiteral("targets"))->opacity(), 0.125);  // stale and dimmed
                saveShot(view, QStringLiteral("walkthrough-migrate"));
            }
            if (walk.currentHop() == QLatin1String("db"))
                saveShot(view, QStringLiteral("walkthrough-db"));
            if (walk.currentStep() + 1 == walk.stepCount())
                QCOMPARE(walk.nextButton()->text(), QStringLiteral("&Finish"));
            QTest::mouseClick(walk.nextButton(), Qt::LeftButton);
        }
        QCOMPARE(visited, (QStringList{QStringLiteral("dns"), QStringLiteral("lb"), QStringLiteral("targets"), QStringLiteral("app"),
                                       QStringLiteral("migrate"), QStringLiteral("db")}));
        QVERIFY(!walk.isVisible());
        QCOMPARE(opacities(), before);
        for (const HopItem* item : scene.hopItems())
            QVERIFY(!item->isDimmed());
        for (const EdgeItem* edge : scene.edgeItems())
            QCOMPARE(edge->opacity(), 1.0);
        QCOMPARE(scene.selectedHop(), QStringLiteral("db"));  // as it was before the tour

        // Esc ends it too, from any step; nothing was run or recorded.
        QVERIFY(walk.start(*tour, qa));
        QTest::mouseClick(walk.nextButton(), Qt::LeftButton);
        QTest::keyClick(&walk, Qt::Key_Escape);
        QVERIFY(!walk.isActive());
        QCOMPARE(opacities(), before);
        QVERIFY(!QFile::exists(path(QStringLiteral("ran.log"))));
    }
};

QTEST_MAIN(TestRunnerPanel)
#include "tst_runnerpanel.moc"
