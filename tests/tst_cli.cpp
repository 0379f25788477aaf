// The command line, exercised through the real executable as a script or CI job would.
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

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

class TestCli final : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;

    QString file(const QString& name) const { return m_dir.filePath(name); }

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

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
