#include "runbookcatalog.h"

#include <QTemporaryDir>
#include <QTest>

using namespace hopscope;

class TestRunbookCatalog final : public QObject {
    Q_OBJECT
private slots:
    void loadsDirectoriesAndKeepsErrors()
    {
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("more")));
        auto write = [&](const QString& name, const QByteArray& text) {
            QFile f(dir.filePath(name));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(text);
        };
        write(QStringLiteral("redeploy.yaml"),
              "runbook:\n  id: redeploy\n  title: Redeploy\n  applies_to: [containers]\n  steps:\n    - {title: go, command: [labctl, service, redeploy]}\n");
        write(QStringLiteral("more/migrate.json"),
              R"({"runbook": {"id": "migrate", "title": "Migrate", "applies_to": ["migration_job", "database"], "steps": [{"title": "m", "manual": "run it"}]}})");
        write(QStringLiteral("more/broken.yaml"), "runbook:\n  title: no id\n  steps: []\n");
        write(QStringLiteral("README.txt"), "ignored");

        RunbookCatalog catalog;
        QCOMPARE(catalog.addDirectory(dir.path().toStdString()), 3);
        QCOMPARE(catalog.ids(), (std::vector<std::string>{"migrate", "redeploy"}));
        QVERIFY(catalog.find("redeploy"));
        QCOMPARE(int(catalog.find("redeploy")->steps.front().kind), int(Step::Kind::Command));
        QVERIFY(!catalog.find("nope"));
        QCOMPARE(catalog.forHopKind(HopKind::Database).size(), std::size_t(1));
        QCOMPARE(catalog.forHopKind(HopKind::Dns).size(), std::size_t(0));

        const auto broken = std::find_if(catalog.files().begin(), catalog.files().end(),
                                         [](const LoadedFile& f) { return f.path.ends_with("broken.yaml"); });
        QVERIFY(broken != catalog.files().end());
        QVERIFY(broken->hasErrors());
    }

    void searchPathHonoursEnvironment()
    {
        QTemporaryDir a, b;
        qputenv("HOPSCOPE_RUNBOOK_PATH", (a.path() + QStringLiteral(":/nonexistent:") + b.path()).toUtf8());
        const auto path = RunbookCatalog::defaultSearchPath();
        qunsetenv("HOPSCOPE_RUNBOOK_PATH");
        QVERIFY(path.size() >= 2);
        QCOMPARE(path[0], a.path().toStdString());
        QCOMPARE(path[1], b.path().toStdString());
    }
};

QTEST_GUILESS_MAIN(TestRunbookCatalog)
#include "tst_runbookcatalog.moc"
