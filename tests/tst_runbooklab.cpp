// End to end: the bundled runbooks against a real lab, through `hopscope run` as an engineer
// (or a script) would use it. Each scenario is broken the way its incident was, `hopscope
// check` must suggest the runbook that fixes it first, the runbook runs with --yes, and the lab
// must be green afterwards with every step in the audit trail. Then what must never happen:
// a change without consent, a protected environment changed without its name, a dry run that
// touches anything, and a run killed mid-step that loses a record or repeats a step unasked.
#include "auditlog.h"
#include "labfixture.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using nlohmann::json;
using namespace hopscope;
using namespace hopscope::test;

namespace {

// The run id `hopscope run` prints last: "Run 20250101-120000-ab12 passed. Report: ...".
QString runIdOf(const Run& r)
{
    const auto m = QRegularExpression(QStringLiteral("Run (\\d{8}-\\d{6}-[0-9a-f]{4}) ")).match(QString::fromUtf8(r.out));
    return m.hasMatch() ? m.captured(1) : QString();
}

} // namespace

class TestRunbookLab final : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp{QDir::tempPath() + QStringLiteral("/hopscope-tst-runbooklab-XXXXXX")};
    std::optional<Lab> m_lab;
    QProcessEnvironment m_env;
    QString m_dataFile;

    Run hopscope(const QStringList& args, int timeoutMs = 300000) const
    {
        return run(hopscopeBinary(), args, m_env, timeoutMs);
    }

    Run runbook(const QString& id, const QStringList& extra, const QString& env = QStringLiteral("qa")) const
    {
        return hopscope(QStringList{QStringLiteral("run"), id, QStringLiteral("--env-file"), QStringLiteral("lab/lab.yaml"),
                                    QStringLiteral("--env"), env}
                        + extra);
    }

    QString defaultAction() const
    {
        const Run r = m_lab->ctl({QStringLiteral("lb"), QStringLiteral("default-action"), QStringLiteral("--json")});
        return QString::fromStdString(json::parse(r.out.toStdString(), nullptr, false).value("type", std::string("?")));
    }

    int migrationJobs() const
    {
        const Run r = m_lab->ctl({QStringLiteral("migrate"), QStringLiteral("status"), QStringLiteral("--json")});
        return json::parse(r.out.toStdString(), nullptr, false).value("runs", -1);
    }

    std::vector<AuditStep> auditSteps(const QString& runId) const
    {
        AuditLog audit;
        return audit.open(m_dataFile) ? audit.steps(runId) : std::vector<AuditStep>{};
    }

    std::optional<AuditRun> auditRun(const QString& runId) const
    {
        AuditLog audit;
        return audit.open(m_dataFile) ? audit.run(runId) : std::nullopt;
    }

    void applyScenario(const QString& scenario)
    {
        const Run applied = m_lab->ctl({QStringLiteral("scenario"), scenario});
        QVERIFY2(applied.exitCode == 0, qPrintable(applied.describe(QStringLiteral("labctl scenario ") + scenario)));
    }

private slots:
    void initTestCase()
    {
        if (!QFile::exists(QStringLiteral("/usr/bin/python3")))
            QSKIP("the lab needs /usr/bin/python3 (scripts/setup installs it)");
        QVERIFY(m_tmp.isValid());
        QString error;
        m_lab = startLabIn(m_tmp, labBasePort(1), error);
        QVERIFY2(m_lab, qPrintable(error));
        m_dataFile = m_tmp.filePath(QStringLiteral("data.sqlite"));
        m_env = m_lab->env;
        m_env.insert(QStringLiteral("HOPSCOPE_DATA_FILE"), m_dataFile);
    }

    void cleanupTestCase()
    {
        if (m_lab)
            m_lab->down();
    }

    void scenarioIsFixedByTheRunbookCheckSuggests_data()
    {
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<QString>("runbook");
        QTest::addColumn<QStringList>("params");
        QTest::newRow("000 duplicate key") << QStringLiteral("duplicate-key-migration") << QStringLiteral("dedupe-and-migrate") << QStringList();
        QTest::newRow("003 wrong database") << QStringLiteral("migration-wrong-database") << QStringLiteral("run-migrations") << QStringList();
        QTest::newRow("004 never ran") << QStringLiteral("migrations-never-ran") << QStringLiteral("run-migrations") << QStringList();
        QTest::newRow("004 default action") << QStringLiteral("default-action-404") << QStringLiteral("fix-default-action") << QStringList();
        // The held connections are seconds old here; in an incident they would be minutes old.
        QTest::newRow("001 connections") << QStringLiteral("connection-exhaustion") << QStringLiteral("end-idle-connections")
                                         << QStringList{QStringLiteral("--param"), QStringLiteral("idle_for=1 second")};
        QTest::newRow("001 missing index") << QStringLiteral("missing-index") << QStringLiteral("add-missing-index") << QStringList();
    }

    void scenarioIsFixedByTheRunbookCheckSuggests()
    {
        QFETCH(QString, scenario);
        QFETCH(QString, runbook);
        QFETCH(QStringList, params);
        auto reset = qScopeGuard([this] { m_lab->ctl({QStringLiteral("reset")}); });
        applyScenario(scenario);

        const Run broken = m_lab->check();
        const json env = firstEnvironment(broken);
        QVERIFY2(env.is_object() && env["likely_causes"].size() == 1, qPrintable(broken.describe(QStringLiteral("hopscope check"))));
        const std::string cause = env["likely_causes"][0];
        json suggested;
        for (const auto& hop : env["hops"]) {
            if (hop["id"] == cause)
                suggested = hop.value("runbooks", json::array());
        }
        QVERIFY2(!suggested.empty(), qPrintable(QString::fromStdString(env.dump())));
        QCOMPARE(QString::fromStdString(suggested[0].get<std::string>()), runbook);

        const Run fixed = this->runbook(runbook, QStringList{QStringLiteral("--yes")} + params);
        QVERIFY2(fixed.exitCode == 0, qPrintable(fixed.describe(QStringLiteral("hopscope run ") + runbook)));
        QString why;
        QVERIFY2(hopscope::test::healthy(m_lab->check(), &why), qPrintable(QStringLiteral("after %1: %2").arg(runbook, why)));

        // The audit trail holds every step of the runbook, each finished, with what it ran.
        const QString id = runIdOf(fixed);
        QVERIFY2(!id.isEmpty(), fixed.out.constData());
        const auto run = auditRun(id);
        QVERIFY(run);
        QCOMPARE(run->outcome, QStringLiteral("passed"));
        QCOMPARE(run->runbookId, runbook);
        QVERIFY2(run->diagnosis.contains(QStringLiteral("Likely cause: ") + QString::fromStdString(cause)), qPrintable(run->diagnosis));
        QVERIFY2(run->finalState.contains(QStringLiteral("Overall: **green**")), qPrintable(run->finalState));
        QStringList numbers;
        for (const AuditStep& s : auditSteps(id)) {
            QVERIFY2(s.state == QLatin1String("passed") || s.message.contains(QStringLiteral("allowed to fail")),
                     qPrintable(s.number + QLatin1Char(' ') + s.title + QStringLiteral(": ") + s.state + QLatin1Char(' ') + s.message));
            QVERIFY(s.finishedMs >= s.startedMs && !s.rendered.isEmpty());
            if (s.changes)
                QCOMPARE(s.confirmation, QStringLiteral("confirmed (--yes)"));
            if (!s.number.contains(QLatin1Char('.')))
                numbers << s.number;
        }
        QStringList expected;
        const Run plan = this->runbook(runbook, QStringList{QStringLiteral("--dry-run")} + params);
        for (const auto& m : QRegularExpression(QStringLiteral("(?m)^(\\d+)\\. ")).globalMatch(QString::fromUtf8(plan.out)))
            expected << m.captured(1);
        QCOMPARE(numbers, expected);
        reset.dismiss();
        const Run resetRun = m_lab->ctl({QStringLiteral("reset")});
        QVERIFY2(resetRun.exitCode == 0, qPrintable(resetRun.describe(QStringLiteral("labctl reset"))));
    }

    void nothingChangesWithoutConsent()
    {
        auto reset = qScopeGuard([this] { m_lab->ctl({QStringLiteral("reset")}); });
        applyScenario(QStringLiteral("default-action-404"));
        const int jobs = migrationJobs();

        // No terminal and no --yes: refused before anything runs.
        const Run refused = runbook(QStringLiteral("fix-default-action"), {});
        QCOMPARE(refused.exitCode, 4);
        QVERIFY2(refused.err.contains("--yes"), refused.err.constData());
        // A protected environment: --yes is not enough, and a wrong name is no name.
        const Run unnamed = runbook(QStringLiteral("fix-default-action"), {QStringLiteral("--yes")}, QStringLiteral("staging"));
        QCOMPARE(unnamed.exitCode, 4);
        QVERIFY2(unnamed.err.contains("--confirm-env staging"), unnamed.err.constData());
        const Run misnamed = runbook(QStringLiteral("fix-default-action"),
                                     {QStringLiteral("--yes"), QStringLiteral("--confirm-env"), QStringLiteral("qa")}, QStringLiteral("staging"));
        QCOMPARE(misnamed.exitCode, 4);
        // Dry runs render every step with its values and run none.
        for (const QString& rb : {QStringLiteral("fix-default-action"), QStringLiteral("run-migrations"), QStringLiteral("dedupe-and-migrate")}) {
            const Run dry = runbook(rb, {QStringLiteral("--dry-run")});
            QVERIFY2(dry.exitCode == 0, qPrintable(dry.describe(QStringLiteral("--dry-run ") + rb)));
            QVERIFY(dry.out.contains(QByteArray("Dry run of " + rb.toUtf8())));
            QVERIFY2(dry.out.contains("recorded; nothing ran.") && !dry.out.contains(" passed. Report:"), dry.out.constData());
        }
        const Run dry = runbook(QStringLiteral("run-migrations"), {QStringLiteral("--dry-run")});
        QVERIFY2(dry.out.contains("./labctl migrate --database app"), dry.out.constData());
        QVERIFY2(dry.out.contains("postgresql://app:****@"), dry.out.constData());
        QVERIFY(!dry.out.contains(m_lab->env.value(QStringLiteral("HOPSCOPE_LAB_DB_PASSWORD")).toUtf8()));
        QCOMPARE(defaultAction(), QStringLiteral("fixed-response"));
        QCOMPARE(migrationJobs(), jobs);

        // With its name, the protected environment is changed.
        const Run named = runbook(QStringLiteral("fix-default-action"),
                                  {QStringLiteral("--yes"), QStringLiteral("--confirm-env"), QStringLiteral("staging")}, QStringLiteral("staging"));
        QVERIFY2(named.exitCode == 0, qPrintable(named.describe(QStringLiteral("run on staging"))));
        QCOMPARE(defaultAction(), QStringLiteral("forward"));
        const auto steps = auditSteps(runIdOf(named));
        QVERIFY(std::any_of(steps.begin(), steps.end(), [](const AuditStep& s) {
            return s.changes && s.confirmation.contains(QStringLiteral("environment name typed"));
        }));
    }

    // SIGKILL while a changing step runs, twice: what was recorded stays, resume starts at the
    // step whose outcome is unknown, asks before running it again, and never repeats a step
    // that finished.
    void killedRunResumesAtTheRightStep()
    {
        const QString dir = m_tmp.filePath(QStringLiteral("kill"));
        QVERIFY(QDir().mkpath(dir));
        QFile hold(dir + QStringLiteral("/hold"));
        QVERIFY(hold.open(QIODevice::WriteOnly));
        hold.close();
        const auto write = [](const QString& path, const QByteArray& text) {
            QFile f(path);
            return f.open(QIODevice::WriteOnly) && f.write(text) == text.size();
        };
        const QByteArray append = "\"import sys, os, time; f = open(sys.argv[1] + '/ran.log', 'a'); f.write(sys.argv[2] + '\\\\n'); f.flush()\"";
        QVERIFY(write(dir + QStringLiteral("/env.yaml"),
                      "environments:\n  - name: scratch\n    variables: {dir: \"" + dir.toUtf8() + "\"}\n    hops: [{id: app, kind: custom}]\n"));
        QVERIFY(write(dir + QStringLiteral("/steps.yaml"),
                      "runbook:\n  id: three-steps\n  title: Three steps\n  steps:\n"
                      "    - {title: one, command: [python3, -c, " + append + ", \"${dir}\", one]}\n"
                      "    - title: two\n      command: [python3, -c, \"import sys, os, time; d = sys.argv[1]; open(d + '/ran.log', 'a').write('two-start\\\\n');"
                      " [time.sleep(0.1) for _ in range(600) if os.path.exists(d + '/hold')]; open(d + '/ran.log', 'a').write('two-end\\\\n')\", \"${dir}\"]\n"
                      "    - {title: three, command: [python3, -c, " + append + ", \"${dir}\", three]}\n"));
        const QStringList base{QStringLiteral("--no-probe"), QStringLiteral("--yes")};
        QString id;
        const auto killDuringStepTwo = [&](const QStringList& args, int attempt) {
            QProcess p;
            p.setProcessEnvironment(m_env);
            p.setStandardInputFile(QProcess::nullDevice());
            p.start(hopscopeBinary(), args);
            QVERIFY(p.waitForStarted());
            if (id.isEmpty()) {
                AuditLog audit;
                QVERIFY(audit.open(m_dataFile));
                QTRY_VERIFY_WITH_TIMEOUT(!audit.runs(1, true).empty() && audit.runs(1, true).front().runbookId == QLatin1String("three-steps"), 20000);
                id = audit.runs(1, true).front().id;
            }
            const auto stepTwoRunning = [&] {
                const auto steps = auditSteps(id);
                return std::any_of(steps.begin(), steps.end(), [&](const AuditStep& s) {
                    return s.number == QLatin1String("2") && s.attempt == attempt && s.state == QLatin1String("running");
                });
            };
            QTRY_VERIFY_WITH_TIMEOUT(stepTwoRunning(), 20000);
            ::kill(pid_t(p.processId()), SIGKILL);
            QVERIFY(p.waitForFinished(10000));
        };
        killDuringStepTwo(QStringList{QStringLiteral("run"), dir + QStringLiteral("/steps.yaml"), QStringLiteral("--env-file"),
                                      dir + QStringLiteral("/env.yaml")} + base,
                          1);
        QVERIFY(!id.isEmpty());
        QVERIFY(hopscope({QStringLiteral("report"), QStringLiteral("--list"), QStringLiteral("--unfinished")}).out.contains(id.toUtf8()));

        // No terminal, no say on the unknown step: refused, and nothing ran.
        const Run refused = hopscope(QStringList{QStringLiteral("run"), QStringLiteral("--resume"), id} + base);
        QVERIFY2(refused.exitCode == 4, qPrintable(refused.describe(QStringLiteral("resume without --rerun-unknown"))));

        killDuringStepTwo(QStringList{QStringLiteral("run"), QStringLiteral("--resume"), id, QStringLiteral("--rerun-unknown")} + base, 2);
        QVERIFY(hold.remove());
        const Run done = hopscope(QStringList{QStringLiteral("run"), QStringLiteral("--resume"), id, QStringLiteral("--rerun-unknown")} + base);
        QVERIFY2(done.exitCode == 0, qPrintable(done.describe(QStringLiteral("resume"))));

        // Killing hopscope does not kill the command it ran (its own process group): that is
        // why the outcome is unknown. Those orphans finish once the hold is gone, so their
        // "two-end" lines may land anywhere; what ran is counted, not ordered.
        QFile log(dir + QStringLiteral("/ran.log"));
        QVERIFY(log.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = log.readAll().split('\n');
        QCOMPARE(lines.count("one"), 1);
        QCOMPARE(lines.count("two-start"), 3);
        QCOMPARE(lines.count("three"), 1);
        QVERIFY(lines.lastIndexOf("two-start") < lines.indexOf("three"));
        QStringList states;
        for (const AuditStep& s : auditSteps(id))
            states << s.number + QLatin1Char(':') + s.state;
        QCOMPARE(states, (QStringList{QStringLiteral("1:passed"), QStringLiteral("2:unknown"), QStringLiteral("2:unknown"),
                                      QStringLiteral("2:passed"), QStringLiteral("3:passed")}));
        const auto run = auditRun(id);
        QCOMPARE(run->outcome, QStringLiteral("passed"));
        QCOMPARE(run->resumes, 2);
        const Run report = hopscope({QStringLiteral("report"), id});
        QCOMPARE(report.exitCode, 0);
        QVERIFY(report.out.contains("outcome unknown"));
        QVERIFY(report.out.contains("**Resumed**: 2"));
    }

    void awsRunbooksFixTheEmulatedListener()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("moto_server")).isEmpty()
            || QStandardPaths::findExecutable(QStringLiteral("aws")).isEmpty())
            QSKIP("moto_server and aws are not both installed (moto is not packaged for Debian 12)");
        auto down = qScopeGuard([this] { m_lab->ctl({QStringLiteral("aws"), QStringLiteral("down")}); });
        QString error;
        std::optional<QProcessEnvironment> aws = m_lab->awsUp(error);
        QVERIFY2(aws, qPrintable(error));
        QProcessEnvironment env = *aws;
        env.insert(QStringLiteral("HOPSCOPE_DATA_FILE"), m_dataFile);
        const QStringList check{QStringLiteral("check"), QStringLiteral("lab/aws-lab.yaml"), QStringLiteral("--format"), QStringLiteral("json")};
        const json broken = firstEnvironment(run(hopscopeBinary(), check, env, 120000));
        QCOMPARE(QString::fromStdString(broken.at("likely_causes").dump()), QStringLiteral("[\"lb\"]"));
        for (const auto& hop : broken["hops"]) {
            if (hop["id"] == "lb")
                QCOMPARE(QString::fromStdString(hop["runbooks"][0].get<std::string>()), QStringLiteral("aws-fix-default-action"));
        }
        for (const QString& rb : {QStringLiteral("aws-fix-default-action"), QStringLiteral("aws-redeploy-service")}) {
            const Run r = run(hopscopeBinary(),
                              {QStringLiteral("run"), rb, QStringLiteral("--env-file"), QStringLiteral("lab/aws-lab.yaml"), QStringLiteral("--yes")},
                              env, 180000);
            QVERIFY2(r.exitCode == 0, qPrintable(r.describe(QStringLiteral("hopscope run ") + rb)));
        }
        const Run after = run(hopscopeBinary(), check, env, 120000);
        QVERIFY2(after.exitCode == 0, qPrintable(after.describe(QStringLiteral("hopscope check lab/aws-lab.yaml after the runbooks"))));
    }
};

QTEST_GUILESS_MAIN(TestRunbookLab)
#include "tst_runbooklab.moc"
