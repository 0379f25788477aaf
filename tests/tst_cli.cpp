// The command line, exercised through the real executable as a script or CI job would.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QXmlStreamReader>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

namespace {

struct Result {
    int exitCode = -1;
    QString out;
    QString err;
};

Result runHopscope(const QStringList& args, const QString& workDir = {})
{
    QProcess p;
    p.setProgram(qEnvironmentVariable("HOPSCOPE_BINARY"));
    p.setArguments(args);
    if (!workDir.isEmpty())
        p.setWorkingDirectory(workDir);
    p.start();
    p.closeWriteChannel();  // no standard input, as in CI
    if (!p.waitForFinished(30000)) {
        p.kill();
        p.waitForFinished();
        return {};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2,
            QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

void write(const QString& path, const QByteArray& content)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
}

} // namespace

// A suite whose files live in a temporary directory of its own.
class InTemporaryDir : public QObject {
protected:
    QTemporaryDir m_dir;

    QString file(const QString& name) const { return m_dir.filePath(name); }
};

class TestCli final : public InTemporaryDir {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY2(!qEnvironmentVariableIsEmpty("HOPSCOPE_BINARY"), "run through ctest, which sets HOPSCOPE_BINARY");
        QVERIFY(m_dir.isValid());
        write(file(QStringLiteral("good.yaml")),
              "environments:\n  - name: qa\n    hops:\n      - {id: lb, kind: load_balancer}\n      - {id: db, kind: database}\n");
        write(file(QStringLiteral("bad.yaml")),
              "environments:\n  - name: broken\n    hops:\n      - {id: lb, kind: load_balancer, nxt: [db]}\n      - {id: lb, kind: databse}\n");
        write(file(QStringLiteral("warn.yaml")),
              "environments:\n  - name: qa\n    hops:\n      - id: lb\n        kind: load_balancer\n        checks:\n"
              "          - {name: up, tcp: {host: h, port: 1}, remedy: no-such-runbook}\n");
        write(file(QStringLiteral("broken.json")), "{\"environments\": [\n  {\"name\": \"qa\",}\n]}\n");
    }

    void helpAndVersion()
    {
        const Result help = runHopscope({QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains(QStringLiteral("validate")));
        const Result version = runHopscope({QStringLiteral("--version")});
        QCOMPARE(version.exitCode, 0);
        QCOMPARE(version.out.trimmed(), QStringLiteral("hopscope " HOPSCOPE_VERSION));
        const Result vhelp = runHopscope({QStringLiteral("validate"), QStringLiteral("--help")});
        QCOMPARE(vhelp.exitCode, 0);
        QVERIFY(vhelp.out.contains(QStringLiteral("Exit status")));
        QVERIFY(vhelp.out.contains(QStringLiteral("Examples")));
    }

    void usageErrorsExitTwo_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("no files") << QStringList{QStringLiteral("validate")} << QStringLiteral("no files given");
        QTest::newRow("unknown option") << QStringList{QStringLiteral("validate"), QStringLiteral("--frobnicate"), QStringLiteral("x.yaml")}
                                        << QStringLiteral("frobnicate");
        QTest::newRow("unknown command") << QStringList{QStringLiteral("valdiate")} << QStringLiteral("unknown command \"valdiate\"");
        QTest::newRow("runbooks not a dir") << QStringList{QStringLiteral("validate"), QStringLiteral("--runbooks"), QStringLiteral("/nonexistent"), QStringLiteral("x.yaml")}
                                            << QStringLiteral("not a directory");
    }
    void usageErrorsExitTwo()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const Result r = runHopscope(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }

    void validFileExitsZero()
    {
        const Result r = runHopscope({QStringLiteral("validate"), file(QStringLiteral("good.yaml"))});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.err, QString());
        QCOMPARE(r.out.trimmed(), QStringLiteral("1 file checked: 0 errors, 0 warnings"));
        const Result quiet = runHopscope({QStringLiteral("validate"), QStringLiteral("-q"), file(QStringLiteral("good.yaml"))});
        QCOMPARE(quiet.exitCode, 0);
        QCOMPARE(quiet.out, QString());
    }

    void warningsStillExitZero()
    {
        const Result r = runHopscope({QStringLiteral("validate"), QStringLiteral("--no-library"), file(QStringLiteral("warn.yaml"))});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.err.trimmed(), file(QStringLiteral("warn.yaml")) + QStringLiteral(":7:57: warning: remedy \"no-such-runbook\" names no loaded runbook"));
    }

    void everyProblemInEveryFile()
    {
        const Result r = runHopscope({QStringLiteral("validate"), file(QStringLiteral("bad.yaml")), file(QStringLiteral("missing.yaml")),
                                      file(QStringLiteral("good.yaml")), file(QStringLiteral("broken.json"))});
        QCOMPARE(r.exitCode, 1);
        const QStringList lines = r.err.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        const QString bad = file(QStringLiteral("bad.yaml"));
        QCOMPARE(lines.value(0), bad + QStringLiteral(":4:39: error: unknown key \"nxt\" in a hop; did you mean \"next\"?"));
        QVERIFY2(lines.value(1).startsWith(bad + QStringLiteral(":5:14: error: duplicate hop id \"lb\"")), qPrintable(lines.value(1)));
        QVERIFY2(lines.value(2).startsWith(bad + QStringLiteral(":5:24: error: unknown hop kind \"databse\"")), qPrintable(lines.value(2)));
        QCOMPARE(lines.value(3), file(QStringLiteral("missing.yaml")) + QStringLiteral(":1:1: error: no such file"));
        QVERIFY2(lines.value(4).startsWith(file(QStringLiteral("broken.json")) + QStringLiteral(":2:17: error: not valid JSON")), qPrintable(lines.value(4)));
        QCOMPARE(lines.value(5), QStringLiteral("4 files checked: 5 errors, 0 warnings"));
        QCOMPARE(lines.size(), 6);
    }

    void directoriesAreSearched()
    {
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("nested")));
        QVERIFY(QFile::copy(file(QStringLiteral("good.yaml")), dir.filePath(QStringLiteral("nested/a.yml"))));
        write(dir.filePath(QStringLiteral("notes.txt")), "not a document");
        const Result r = runHopscope({QStringLiteral("validate"), dir.path()});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.startsWith(QStringLiteral("1 file checked")), qPrintable(r.out));

        QTemporaryDir empty;
        const Result none = runHopscope({QStringLiteral("validate"), empty.path()});
        QCOMPARE(none.exitCode, 1);
        QVERIFY(none.err.contains(QStringLiteral("no .yaml, .yml or .json files found")));
    }

    void hostileInputEndsQuickly()
    {
        // A billion-laughs document and a 12 MB file: refused with a message, never a hang or crash.
        QByteArray bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n";
        for (int i = 1; i < 10; ++i) {
            bomb += "a" + QByteArray::number(i) + ": &a" + QByteArray::number(i) + " [";
            for (int j = 0; j < 9; ++j)
                bomb += "*a" + QByteArray::number(i - 1) + (j < 8 ? ", " : "");
            bomb += "]\n";
        }
        write(file(QStringLiteral("bomb.yaml")), bomb);
        write(file(QStringLiteral("huge.yaml")), "a: \"" + QByteArray(12 * 1024 * 1024, 'x') + "\"\n");
        const Result r = runHopscope({QStringLiteral("validate"), file(QStringLiteral("bomb.yaml")), file(QStringLiteral("huge.yaml"))});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("bomb.yaml:")) && r.err.contains(QStringLiteral("aliases")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("huge.yaml:1:1: error: the file is 12 MB; files over 10 MB are refused")), qPrintable(r.err));
    }
};

// `hopscope run` without a terminal, with --yes: what it prints.
class TestRunOutput final : public InTemporaryDir {
    Q_OBJECT
private slots:
    void aCheckStepShowsWhatItSawOnlyWhenItFails()
    {
        QVERIFY(m_dir.isValid());
        write(file(QStringLiteral("env.yaml")), "environments:\n  - name: qa\n    hops:\n      - {id: app, kind: containers}\n");
        // Each prints a word made at run time, so the step's own argv (printed before it runs)
        // cannot be mistaken for its observation.
        write(file(QStringLiteral("rb.yaml")),
              "runbook:\n  id: t\n  title: Two checks\n  applies_to: [containers]\n  steps:\n"
              "    - title: passes\n      check:\n        command: [sh, -c, 'echo seen-$((20 + 1))']\n        expect: exit_code == 0\n"
              "    - title: fails\n      check:\n        command: [sh, -c, 'echo seen-$((30 + 2))']\n        expect: exit_code == 1\n"
              "      continue_on_fail: true\n");
        const Result r = runHopscope({QStringLiteral("run"), file(QStringLiteral("rb.yaml")), QStringLiteral("--env-file"), file(QStringLiteral("env.yaml")),
                                      QStringLiteral("--no-probe"), QStringLiteral("--yes"), QStringLiteral("--data-file"), file(QStringLiteral("audit.sqlite"))});
        QVERIFY2(r.out.contains(QStringLiteral("=> passed 1")) && r.out.contains(QStringLiteral("=> FAILED 2")), qPrintable(r.out + r.err));
        QVERIFY2(!r.out.contains(QStringLiteral("seen-21")), qPrintable(r.out));  // passed: its observation is in the audit trail only
        QVERIFY2(r.out.contains(QStringLiteral("seen-32")), qPrintable(r.out));   // failed: what it saw is shown
    }

    void aRunbookGivenByARelativePathIsRecordedWhole()
    {
        // The trail keeps where the runbook is, so a resume or a report works from any directory.
        const Result r = runHopscope({QStringLiteral("run"), QStringLiteral("rb.yaml"), QStringLiteral("--env-file"), QStringLiteral("env.yaml"),
                                      QStringLiteral("--no-probe"), QStringLiteral("--yes"), QStringLiteral("--data-file"), file(QStringLiteral("audit.sqlite"))},
                                     m_dir.path());
        QVERIFY2(r.out.contains(QStringLiteral("=> passed 1")), qPrintable(r.out + r.err));
        const Result report = runHopscope({QStringLiteral("report"), QStringLiteral("last"), QStringLiteral("--data-file"), file(QStringLiteral("audit.sqlite"))});
        QCOMPARE(report.exitCode, 0);
        QVERIFY2(report.out.contains(QStringLiteral("(%1)").arg(file(QStringLiteral("rb.yaml")))), qPrintable(report.out));
        QVERIFY2(report.out.contains(QStringLiteral("(%1)").arg(file(QStringLiteral("env.yaml")))), qPrintable(report.out));
    }
};

// A path of three hops whose states the test chooses: a tcp check against a listener it
// opens (green) or a closed port (red), and command checks for amber and red.
class TestCheckCommand final : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QTcpServer m_listener;
    quint16 m_closedPort = 0;

    QString writeEnv(const QString& name, const QString& hops)
    {
        const QString path = m_dir.filePath(name + QStringLiteral(".yaml"));
        write(path, QStringLiteral("environments:\n  - name: %1\n    hops:\n%2").arg(name, hops).toUtf8());
        return path;
    }
    QString tcpHop(const QString& id, quint16 port, const QString& remedy = {}) const
    {
        return QStringLiteral("      - id: %1\n        kind: custom\n        checks:\n          - {name: port, tcp: {host: 127.0.0.1, port: %2}, timeout: 2s%3}\n")
            .arg(id).arg(port).arg(remedy.isEmpty() ? QString() : QStringLiteral(", remedy: ") + remedy);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(m_listener.listen(QHostAddress::LocalHost, 0));
        QTcpServer probe;  // a port that was free a moment ago: nothing listens there
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        m_closedPort = probe.serverPort();
    }

    void greenPathExitsZero()
    {
        const QString file = writeEnv(QStringLiteral("green"), tcpHop(QStringLiteral("lb"), m_listener.serverPort())
                                                                   + tcpHop(QStringLiteral("db"), m_listener.serverPort()));
        const Result r = runHopscope({QStringLiteral("check"), file, QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject env = QJsonDocument::fromJson(r.out.toUtf8()).object().value(QStringLiteral("environments")).toArray().at(0).toObject();
        QCOMPARE(env.value(QStringLiteral("status")).toString(), QStringLiteral("green"));
        QCOMPARE(env.value(QStringLiteral("likely_causes")).toArray().size(), 0);
        const QJsonObject check = env.value(QStringLiteral("hops")).toArray().at(0).toObject().value(QStringLiteral("checks")).toArray().at(0).toObject();
        QCOMPARE(check.value(QStringLiteral("status")).toString(), QStringLiteral("pass"));
        QCOMPARE(check.value(QStringLiteral("observed")).toObject().value(QStringLiteral("connected")).toBool(), true);
    }

    void redPathNamesTheLikelyCause()
    {
        // lb and app fail (their commands exit 1) above db, whose port is closed: db is the cause,
        // the others its symptoms.
        const QString failing = QStringLiteral("      - id: %1\n        kind: %2\n        checks:\n          - {name: health, command: [\"false\"], remedy: fix-%1}\n");
        const QString file = writeEnv(QStringLiteral("red"),
            failing.arg(QStringLiteral("lb"), QStringLiteral("load_balancer")) + failing.arg(QStringLiteral("app"), QStringLiteral("containers"))
            + tcpHop(QStringLiteral("db"), m_closedPort, QStringLiteral("run-migrations")));
        const Result json = runHopscope({QStringLiteral("check"), file, QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(json.exitCode, 2);
        const QJsonObject env = QJsonDocument::fromJson(json.out.toUtf8()).object().value(QStringLiteral("environments")).toArray().at(0).toObject();
        QCOMPARE(env.value(QStringLiteral("likely_causes")).toArray(), QJsonArray{QStringLiteral("db")});
        const QJsonArray hops = env.value(QStringLiteral("hops")).toArray();
        QCOMPARE(hops.at(0).toObject().value(QStringLiteral("role")).toString(), QStringLiteral("symptom"));
        QCOMPARE(hops.at(1).toObject().value(QStringLiteral("role")).toString(), QStringLiteral("symptom"));
        QCOMPARE(hops.at(1).toObject().value(QStringLiteral("runbooks")).toArray(), QJsonArray{QStringLiteral("fix-app")});
        const QJsonObject db = hops.at(2).toObject();
        QCOMPARE(db.value(QStringLiteral("role")).toString(), QStringLiteral("likely_cause"));
        QCOMPARE(db.value(QStringLiteral("runbooks")).toArray(), QJsonArray{QStringLiteral("run-migrations")});
        QVERIFY2(db.value(QStringLiteral("checks")).toArray().at(0).toObject().value(QStringLiteral("message")).toString().contains(QStringLiteral("refused")),
                 qPrintable(json.out));

        const Result table = runHopscope({QStringLiteral("check"), file});
        QCOMPARE(table.exitCode, 2);
        QVERIFY2(table.out.contains(QStringLiteral("Likely cause: db (db) port: connection refused")), qPrintable(table.out));
        QVERIFY2(!table.out.contains(QLatin1Char('\033')), "no colour codes when stdout is not a terminal");
    }

    void eachHopIsToldByItsWorstCheck()
    {
        // The first check only warns, the second fails: the hop's row, like the likely-cause
        // line, tells the failing one (it was the first non-passing one, so the two disagreed).
        const QString file = writeEnv(QStringLiteral("worst"),
            QStringLiteral("      - id: migrate\n        kind: migration_job\n        checks:\n"
                           "          - {name: duplicates, command: [\"true\"], warn: [\"latency_ms < 0\"], remedy: dedupe}\n"
                           "          - {name: tables, tcp: {host: 127.0.0.1, port: %1}, timeout: 2s, remedy: migrate}\n")
                .arg(m_closedPort));
        const Result r = runHopscope({QStringLiteral("check"), file});
        QCOMPARE(r.exitCode, 2);
        const QStringList lines = r.out.split(QLatin1Char('\n'));
        const auto row = std::find_if(lines.begin(), lines.end(), [](const QString& l) { return l.startsWith(QStringLiteral("  XX migrate")); });
        QVERIFY2(row != lines.end(), qPrintable(r.out));
        QVERIFY2(row->contains(QStringLiteral("tables: connection refused")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("Likely cause: migrate (migrate) tables: connection refused")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("Runbooks for migrate: migrate, dedupe")), qPrintable(r.out));
    }

    void amberExitsOne()
    {
        const QString file = writeEnv(QStringLiteral("amber"),
            QStringLiteral("      - id: app\n        kind: containers\n        checks:\n          - {name: slow, command: [\"true\"], warn: [\"latency_ms < 0\"]}\n"));
        const Result r = runHopscope({QStringLiteral("check"), file});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.contains(QStringLiteral("Likely cause: app")), qPrintable(r.out));
    }

    void junitAndOpenMetrics()
    {
        const QString file = writeEnv(QStringLiteral("formats"), tcpHop(QStringLiteral("lb"), m_listener.serverPort())
                                                                     + tcpHop(QStringLiteral("db"), m_closedPort));
        const Result junit = runHopscope({QStringLiteral("check"), file, QStringLiteral("--format"), QStringLiteral("junit")});
        QCOMPARE(junit.exitCode, 2);
        QXmlStreamReader xml(junit.out);
        int testcases = 0, errors = 0;
        while (!xml.atEnd()) {
            if (xml.readNext() == QXmlStreamReader::StartElement) {
                testcases += xml.name() == QLatin1String("testcase");
                errors += xml.name() == QLatin1String("error");
            }
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QCOMPARE(testcases, 2);
        QCOMPARE(errors, 1);

        const Result metrics = runHopscope({QStringLiteral("check"), file, QStringLiteral("--format"), QStringLiteral("openmetrics")});
        QCOMPARE(metrics.exitCode, 2);
        QVERIFY2(metrics.out.contains(QStringLiteral("hopscope_hop_status{environment=\"formats\",hop=\"db\"} 2\n")), qPrintable(metrics.out));
        QVERIFY(metrics.out.contains(QStringLiteral("hopscope_hop_status{environment=\"formats\",hop=\"lb\"} 0\n")));
        QVERIFY(metrics.out.contains(QStringLiteral("hopscope_check_latency_seconds{environment=\"formats\",hop=\"lb\",check=\"port\"} 0.")));
        QVERIFY(metrics.out.endsWith(QStringLiteral("# EOF\n")));
    }

    void couldNotCheckExitsThree_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing file") << QStringList{QStringLiteral("check"), QStringLiteral("/nonexistent.yaml")} << QStringLiteral("no such file");
        QTest::newRow("bad format") << QStringList{QStringLiteral("check"), QStringLiteral("x.yaml"), QStringLiteral("--format"), QStringLiteral("xml")} << QStringLiteral("unknown format");
        QTest::newRow("bad timeout") << QStringList{QStringLiteral("check"), QStringLiteral("x.yaml"), QStringLiteral("--timeout"), QStringLiteral("soon")} << QStringLiteral("--timeout must be a duration");
        QTest::newRow("no file") << QStringList{QStringLiteral("check")} << QStringLiteral("exactly one environment file");
    }
    void couldNotCheckExitsThree()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const Result r = runHopscope(args);
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }

    void nothingToProbeExitsThree()
    {
        const QString file = writeEnv(QStringLiteral("empty"), QStringLiteral("      - {id: lb, kind: load_balancer}\n"));
        const Result r = runHopscope({QStringLiteral("check"), file});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains(QStringLiteral("nothing was probed")), qPrintable(r.err));
    }

    void unknownEnvironmentSuggests()
    {
        const QString file = writeEnv(QStringLiteral("staging"), tcpHop(QStringLiteral("lb"), m_listener.serverPort()));
        const Result r = runHopscope({QStringLiteral("check"), file, QStringLiteral("--env"), QStringLiteral("stagign")});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains(QStringLiteral("did you mean \"staging\"?")), qPrintable(r.err));
    }
};


// `hopscope run` on a real terminal (a pty, through util-linux's script): each changing step
// shows what it will run and waits for its own answer; an answer typed ahead is not taken for
// the next question, and N aborts.
class TestRunOnTerminal final : public InTemporaryDir {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("script")).isEmpty())
            QSKIP("util-linux's script is not installed: no way to give hopscope a terminal");
        QVERIFY(m_dir.isValid());
    }

    void eachChangeAsksAndTypeAheadDoesNotCount()
    {
        const QString log = file(QStringLiteral("ran.log"));
        write(file(QStringLiteral("env.yaml")),
              "environments:\n  - name: qa\n    variables: {log: \"" + log.toUtf8() + "\"}\n    hops:\n      - {id: app, kind: containers}\n");
        QByteArray steps;
        for (const char* word : {"one", "two"}) {
            steps += QByteArray("    - title: append ") + word + "\n      command: [python3, -c, \"import sys; open(sys.argv[1], 'a').write(sys.argv[2] + '\\\\n')\", \"${log}\", "
                   + word + "]\n      confirm: Append " + word + "?\n";
        }
        write(file(QStringLiteral("rb.yaml")), "runbook:\n  id: t\n  title: Two appends\n  applies_to: [containers]\n  steps:\n" + steps);

        // script runs its -c text with a shell; every path is quoted for it.
        const auto quoted = [](const QString& s) -> QString { return QLatin1Char('\'') + QString(s).replace(QLatin1String("'"), QLatin1String("'\\''")) + QLatin1Char('\''); };
        const QString command = QStringList{quoted(qEnvironmentVariable("HOPSCOPE_BINARY")), QStringLiteral("run"), quoted(file(QStringLiteral("rb.yaml"))),
                                            QStringLiteral("--env-file"), quoted(file(QStringLiteral("env.yaml"))), QStringLiteral("--no-probe"),
                                            QStringLiteral("--data-file"), quoted(file(QStringLiteral("audit.sqlite")))}
                                    .join(QLatin1Char(' '));
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(QStringLiteral("script"), {QStringLiteral("-q"), QStringLiteral("-e"), QStringLiteral("-c"), command, QStringLiteral("/dev/null")});
        QVERIFY(p.waitForStarted());
        QByteArray out;
        connect(&p, &QProcess::readyRead, this, [&] { out += p.readAll(); });
        const QByteArray prompt = "Run it? [y = run, s = skip, N = abort]";

        QTRY_VERIFY_WITH_TIMEOUT(out.count(prompt) == 1, 20000);
        QVERIFY2(out.contains("Will run (command):") && out.contains("Append one?"), out.constData());
        QVERIFY(!QFile::exists(log));  // asked, and nothing has run
        p.write("y\ny\n");  // the second "y" is typed ahead, before step 2 was shown
        QTRY_VERIFY_WITH_TIMEOUT(out.count(prompt) == 2, 20000);
        QVERIFY2(out.contains("Append two?"), out.constData());
        QFile ran(log);
        QVERIFY(ran.open(QIODevice::ReadOnly));
        QCOMPARE(ran.readAll(), QByteArray("one\n"));  // step 2 still waits: the typed-ahead "y" did not count
        p.write("n\n");
        QVERIFY(p.waitForFinished(20000));
        QCOMPARE(p.exitCode(), 1);  // aborted
        ran.seek(0);
        QCOMPARE(ran.readAll(), QByteArray("one\n"));
        QVERIFY2(out.contains("aborted"), out.constData());
    }
};

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    TestCli cli;
    TestCheckCommand check;
    TestRunOutput output;
    TestRunOnTerminal terminal;
    return QTest::qExec(&cli, argc, argv) | QTest::qExec(&check, argc, argv) | QTest::qExec(&output, argc, argv)
        | QTest::qExec(&terminal, argc, argv);
}
#include "tst_cli.moc"
