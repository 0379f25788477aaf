// The main window and what it is built from: the workspace, the item models, the map's
// layout and items, the inspector. Runs offscreen; fixtures are written to a temporary dir
// so the test does not depend on the bundled example's exact content.
#include "checksmodel.h"
#include "diagnosticsmodel.h"
#include "edgeitem.h"
#include "environmentlistmodel.h"
#include "hopinspector.h"
#include "hopitem.h"
#include "hoptext.h"
#include "mainactions.h"
#include "mainwindow.h"
#include "recentfilesmenu.h"
#include "settings.h"
#include "statusbadge.h"
#include "placeholderlistview.h"
#include "timelinemodel.h"
#include "topologylayout.h"
#include "topologyscene.h"
#include "topologyview.h"
#include "translations.h"
#include "workspace.h"
#include "workspacesummary.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDockWidget>
#include <QFile>
#include <QImage>
#include <QListView>
#include <QPainter>
#include <QPalette>
#include <QSaveFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

#include <memory>

using namespace hopscope;

namespace {

// Plain literals, not raw strings: moc (6.4) cannot read past a raw string.
// A single path, one hop of each kind, with each probe kind once.
const char* const kQaFile = 
    "environments:\n"
    "  - name: qa\n"
    "    description: One path, one hop of each kind.\n"
    "    hops:\n"
    "      - id: dns\n"
    "        kind: dns\n"
    "        title: app.example.test\n"
    "        checks:\n"
    "          - name: resolves\n"
    "            dns: {name: app.example.test, server: \"127.0.0.1:15353\"}\n"
    "            expect: addresses_match == true\n"
    "      - id: lb\n"
    "        kind: load_balancer\n"
    "        title: listener :18080\n"
    "        checks:\n"
    "          - name: health through the host rule\n"
    "            http: {url: \"http://127.0.0.1:18080/health\", headers: {Host: app.example.test}, timeout: 3s}\n"
    "            expect: [\"status == 200\", \"latency_ms < 2000\"]\n"
    "            warn: latency_ms < 150\n"
    "            remedy: fix-default-action\n"
    "      - id: targets\n"
    "        kind: target_group\n"
    "        checks:\n"
    "          - name: target port open\n"
    "            tcp: {host: 127.0.0.1, port: 18081}\n"
    "            expect: connected == true\n"
    "      - id: app\n"
    "        kind: containers\n"
    "        checks:\n"
    "          - name: running\n"
    "            command: [labctl, service, status, --json]\n"
    "            expect: exit_code == 0\n"
    "      - id: migrate\n"
    "        kind: migration_job\n"
    "      - id: db\n"
    "        kind: database\n"
    "        checks:\n"
    "          - name: tables exist\n"
    "            postgres: {dsn: \"postgresql://app:hunter2@127.0.0.1:55432/app\", required_tables: [users, application_logs]}\n"
    "            expect: len(missing_tables) == 0\n";

// Blue/green: the listener forwards to two target groups that meet again at the database.
const char* const kBlueGreenFile = 
    "environments:\n"
    "  - name: prod\n"
    "    description: Blue/green.\n"
    "    protected: true\n"
    "    hops:\n"
    "      - id: dns\n"
    "        kind: dns\n"
    "      - id: lb\n"
    "        kind: load_balancer\n"
    "        next: [tg-blue, tg-green]\n"
    "      - id: tg-blue\n"
    "        kind: target_group\n"
    "        next: [app-blue]\n"
    "      - id: tg-green\n"
    "        kind: target_group\n"
    "        next: [app-green]\n"
    "      - id: app-blue\n"
    "        kind: containers\n"
    "        next: [db]\n"
    "      - id: app-green\n"
    "        kind: containers\n"
    "        next: [db]\n"
    "      - id: db\n"
    "        kind: database\n";

// Line 5, column 15: a hop kind that does not exist.
const char* const kBadFile = 
    "environments:\n"
    "  - name: broken\n"
    "    hops:\n"
    "      - id: dns\n"
    "        kind: dnz\n";

Hop hop(const std::string& id, HopKind kind, std::vector<std::string> downstream)
{
    Hop h;
    h.id = id;
    h.kind = kind;
    h.downstream = std::move(downstream);
    return h;
}

Environment blueGreen()
{
    Environment env;
    env.name = "prod";
    env.hops = {hop("dns", HopKind::Dns, {"lb"}),
                hop("lb", HopKind::LoadBalancer, {"tg-blue", "tg-green"}),
                hop("tg-blue", HopKind::TargetGroup, {"app-blue"}),
                hop("tg-green", HopKind::TargetGroup, {"app-green"}),
                hop("app-blue", HopKind::Containers, {"db"}),
                hop("app-green", HopKind::Containers, {"db"}),
                hop("db", HopKind::Database, {})};
    return env;
}

Check check(CheckKind kind, decltype(Check::probe) probe)
{
    Check c;
    c.name = "c";
    c.kind = kind;
    c.probe = std::move(probe);
    return c;
}

// The blue/green path with one check on every hop, app-blue's naming a runbook.
Environment probedBlueGreen()
{
    Environment env = blueGreen();
    for (Hop& h : env.hops) {
        Check c = check(CheckKind::Tcp, TcpProbe{});
        c.name = "reachable";
        if (h.id == "app-blue" || h.id == "lb")
            c.remedy = h.id == "lb" ? "fix-default-action" : "redeploy-service";
        h.checks.push_back(c);
    }
    return env;
}

CheckResult result(const std::string& hop, CheckStatus status, const std::string& message, const std::string& figure = {},
                   nlohmann::json observed = nlohmann::json::object())
{
    CheckResult r;
    r.environment = "prod";
    r.hop = hop;
    r.check = "reachable";
    r.status = status;
    r.message = message;
    r.figure = figure;
    r.latencyMs = 12;
    r.observed = std::move(observed);
    r.takenAt = std::chrono::system_clock::now();
    return r;
}

// Blue is down from its containers; green and the database are fine.
ResultsByHop blueDown()
{
    ResultsByHop results;
    const auto put = [&](const CheckResult& r) { results[r.hop][r.check] = r; };
    put(result("dns", CheckStatus::Pass, "1 answer · 2 ms", "1 answer · 2 ms"));
    put(result("lb", CheckStatus::Fail, "status was 502; expected status == 200", "502 · 3 ms"));
    put(result("tg-blue", CheckStatus::Error, "connection refused", "refused"));
    put(result("app-blue", CheckStatus::Fail, "0/2 running · 10 restarts", "exit 0 · 40 ms",
               {{"running", 0}, {"desired", 2}}));
    put(result("tg-green", CheckStatus::Pass, "connected · 1 ms", "connected · 1 ms"));
    put(result("app-green", CheckStatus::Pass, "2/2 running", "2/2 running"));
    put(result("db", CheckStatus::Warn, "155/250 connections", "155/250 connections"));
    return results;
}

// A card drawn alone, as the scene would, on a plain light palette.
QImage paintCard(HopItem* card)
{
    QImage image(card->boundingRect().size().toSize(), QImage::Format_ARGB32);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    painter.translate(-card->boundingRect().topLeft());
    card->paint(&painter, nullptr, nullptr);
    painter.end();
    return image;
}

int linkCount(const Environment& env)
{
    int links = 0;
    for (const Hop& h : env.hops)
        links += static_cast<int>(h.downstream.size());
    return links;
}

QStringList listNames(const QAbstractItemModel& model)
{
    QStringList names;
    for (int row = 0; row < model.rowCount(); ++row)
        names << model.index(row, 0).data().toString();
    return names;
}

// Replaces a file the way editors that save atomically do: a new file renamed over the old.
void saveAtomically(const QString& path, const QByteArray& content)
{
    QSaveFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
    QVERIFY(file.commit());
}

void writeInPlace(const QString& path, const QByteArray& content)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(content);
}

} // namespace

class TestMainWindow final : public QObject {
    Q_OBJECT

private:
    QString fixture(const QString& name, const char* content)
    {
        const QString path = m_dir->filePath(name);
        writeInPlace(path, QByteArray(content));
        return path;
    }

    std::unique_ptr<QTemporaryDir> m_dir;

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

    // --- layout, without a scene ---------------------------------------------------------

    void layoutPointsEveryLinkRight()
    {
        const Environment env = blueGreen();
        const TopologyLayout layout = layoutTopology(env);
        QCOMPARE(layout.placements.size(), env.hops.size());
        QCOMPARE(static_cast<int>(layout.links.size()), linkCount(env));
        for (const auto& link : layout.links) {
            QVERIFY(!link.backwards);
            QVERIFY(layout.placements[link.from].column < layout.placements[link.to].column);
        }
        QCOMPARE(layout.columnCount, 5);
        QCOMPARE(layout.placements[6].column, 4);  // db: the longest path, not the shortest
    }

    void layoutPutsBranchesInParallelLanes()
    {
        const TopologyLayout layout = layoutTopology(blueGreen());
        const auto& p = layout.placements;
        QCOMPARE(p[2].column, p[3].column);  // tg-blue, tg-green
        QVERIFY(p[2].row < p[3].row);        // blue above green, as the file lists them
        QCOMPARE(p[4].row, p[2].row);        // each lane runs straight on
        QCOMPARE(p[5].row, p[3].row);
        QCOMPARE(p[0].row, p[6].row);        // the path meets again on the centre line
    }

    void layoutSurvivesCyclesAndUnknownIds()
    {
        Environment env;
        env.hops = {hop("a", HopKind::Dns, {"b", "nowhere", "a"}), hop("b", HopKind::Custom, {"a"})};
        const TopologyLayout layout = layoutTopology(env);
        QCOMPARE(layout.links.size(), std::size_t(2));
        QVERIFY(!layout.links[0].backwards);
        QVERIFY(layout.links[1].backwards);
        QCOMPARE(layout.placements[1].column, 1);
    }

    // --- text ---------------------------------------------------------------------------

    void probeSummary_data()
    {
        QTest::addColumn<int>("which");
        QTest::addColumn<QString>("expected");
        QTest::newRow("http") << 0 << QStringLiteral("http GET http://127.0.0.1:18080/health · Host: app.example.test");
        QTest::newRow("tcp") << 1 << QStringLiteral("tcp 127.0.0.1:18081");
        QTest::newRow("postgres") << 2 << QStringLiteral("postgres required tables: users, application_logs");
        QTest::newRow("command") << 3 << QStringLiteral("command labctl service status --json");
        QTest::newRow("secret header") << 4 << QStringLiteral("http GET http://x.test/ · Authorization: ••••");
        QTest::newRow("dns") << 5 << QStringLiteral("dns A app.example.test via 127.0.0.1:15353");
    }

    void probeSummary()
    {
        QFETCH(int, which);
        QFETCH(QString, expected);
        HttpProbe health;
        health.url = "http://127.0.0.1:18080/health";
        health.headers = {{"Host", "app.example.test"}};
        PostgresProbe tables;
        tables.builtin = PostgresProbe::Builtin::RequiredTables;
        tables.requiredTables = {"users", "application_logs"};
        CommandProbe status;
        status.argv = {"labctl", "service", "status", "--json"};
        HttpProbe secret;
        secret.url = "http://x.test/";
        secret.headers = {{"Authorization", "Bearer abc"}};
        DnsProbe dns;
        dns.name = "app.example.test";
        dns.server = "127.0.0.1:15353";
        const std::vector<Check> checks{
            check(CheckKind::Http, health),       check(CheckKind::Tcp, TcpProbe{"127.0.0.1", 18081, {}}),
            check(CheckKind::Postgres, tables),   check(CheckKind::Command, status),
            check(CheckKind::Http, secret),       check(CheckKind::Dns, dns),
        };
        QCOMPARE(HopText::probeSummary(checks[static_cast<std::size_t>(which)]), expected);
    }

    void maskDsn_data()
    {
        QTest::addColumn<QString>("dsn");
        QTest::addColumn<QString>("shown");
        QTest::newRow("url") << QStringLiteral("postgresql://app:hunter2@db:5432/app")
                             << QStringLiteral("postgresql://app:••••@db:5432/app");
        QTest::newRow("reference") << QStringLiteral("postgresql://app:${db_password}@db/app")
                                   << QStringLiteral("postgresql://app:${db_password}@db/app");
        QTest::newRow("keywords") << QStringLiteral("host=db password=hunter2 dbname=app")
                                  << QStringLiteral("host=db password=•••• dbname=app");
        QTest::newRow("no password") << QStringLiteral("postgresql://app@db/app") << QStringLiteral("postgresql://app@db/app");
    }

    void maskDsn()
    {
        QFETCH(QString, dsn);
        QFETCH(QString, shown);
        QCOMPARE(HopText::maskDsn(dsn), shown);
    }

    // --- models -------------------------------------------------------------------------

    void environmentModelFollowsTheWorkspace()
    {
        Workspace workspace;
        EnvironmentListModel model(&workspace);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);

        const QString qa = fixture(QStringLiteral("qa.yaml"), kQaFile);
        const QString prod = fixture(QStringLiteral("prod.yaml"), kBlueGreenFile);
        workspace.open({qa, prod});
        QCOMPARE(listNames(model), (QStringList{QStringLiteral("qa"), QStringLiteral("prod")}));

        const QModelIndex prodRow = model.index(1, 0);
        QCOMPARE(prodRow.data(EnvironmentListModel::ProtectedRole).toBool(), true);
        QCOMPARE(prodRow.data(EnvironmentListModel::FilePathRole).toString(), prod);
        QCOMPARE(prodRow.data(EnvironmentListModel::HopCountRole).toInt(), 7);
        QVERIFY(prodRow.data(Qt::ToolTipRole).toString().contains(QStringLiteral("Blue/green.")));
        QVERIFY(prodRow.data(Qt::ToolTipRole).toString().contains(QStringLiteral("prod.yaml")));
        QVERIFY(prodRow.data(Qt::ToolTipRole).toString().contains(QStringLiteral("7 hops")));
        QCOMPARE(model.find(prod, QStringLiteral("prod")), prodRow);

        // A reload that changes the number of environments, then one that does not.
        writeInPlace(qa, QByteArray(kQaFile) + QByteArray(kBlueGreenFile).mid(QByteArray("environments:\n").size())
                                                   .replace("name: prod", "name: qa2"));
        workspace.reload(qa);
        QCOMPARE(listNames(model), (QStringList{QStringLiteral("qa"), QStringLiteral("qa2"), QStringLiteral("prod")}));
        workspace.reload(qa);
        QCOMPARE(model.rowCount(), 3);

        workspace.close(qa);
        QCOMPARE(listNames(model), QStringList{QStringLiteral("prod")});
        workspace.closeAll();
        QCOMPARE(model.rowCount(), 0);
    }

    void badFileShowsInProblemsWhileGoodFileLoads()
    {
        Workspace workspace;
        EnvironmentListModel environments(&workspace);
        DiagnosticsModel problems(&workspace);
        QAbstractItemModelTester tester(&problems, QAbstractItemModelTester::FailureReportingMode::QtTest);

        const QString bad = fixture(QStringLiteral("bad.yaml"), kBadFile);
        const QString good = fixture(QStringLiteral("good.yaml"), kQaFile);
        workspace.open({bad, good});

        QVERIFY(environments.find(good, QStringLiteral("qa")).isValid());
        QVERIFY(environments.find(bad, QStringLiteral("broken")).isValid());  // its sound parts load too
        QVERIFY(problems.rowCount() >= 1);
        const QModelIndex first = problems.index(0, 0);
        QCOMPARE(first.data(DiagnosticsModel::SeverityRole).toInt(), static_cast<int>(Severity::Error));
        QCOMPARE(problems.index(0, DiagnosticsModel::FileColumn).data().toString(), QStringLiteral("bad.yaml"));
        QCOMPARE(problems.index(0, DiagnosticsModel::LocationColumn).data().toString(), QStringLiteral("5:15"));
        QVERIFY(problems.index(0, DiagnosticsModel::MessageColumn).data().toString().contains(QStringLiteral("dnz")));
        QVERIFY(first.data(DiagnosticsModel::FormattedRole).toString().startsWith(bad + QStringLiteral(":5:15: error:")));
        QCOMPARE(WorkspaceSummary::problemsTitle(workspace), QStringLiteral("Problems (%1)").arg(problems.rowCount()));

        // Fixing the file clears its problems.
        writeInPlace(bad, QByteArray(kBadFile).replace("dnz", "dns"));
        workspace.reload(bad);
        for (int row = 0; row < problems.rowCount(); ++row)
            QVERIFY(problems.index(row, 0).data(DiagnosticsModel::FilePathRole).toString() != bad);
        QCOMPARE(workspace.problemCount(Severity::Error), 0);
    }

    void missingFileIsAProblemNotACrash()
    {
        Workspace workspace;
        DiagnosticsModel problems(&workspace);
        workspace.open(m_dir->filePath(QStringLiteral("not-there.yaml")));
        QCOMPARE(workspace.files().size(), std::size_t(1));
        QVERIFY(problems.rowCount() >= 1);
    }

    void checksModelShowsProbesAndConditions()
    {
        Workspace workspace;
        workspace.open(fixture(QStringLiteral("qa.yaml"), kQaFile));
        const Hop* lb = workspace.files().front()->environments.front().hop("lb");
        QVERIFY(lb);

        ChecksModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setHop(*lb);
        QCOMPARE(model.rowCount(), 1);
        const QModelIndex row = model.index(0, 0);
        QCOMPARE(row.data().toString(), QStringLiteral("health through the host rule"));
        QCOMPARE(model.index(0, ChecksModel::DetailColumn).data().toString(), QStringLiteral("not probed yet"));

        QStringList details;
        for (int i = 0; i < model.rowCount(row); ++i)
            details << model.index(i, 0, row).data().toString() + QStringLiteral(": ")
                    + model.index(i, 1, row).data().toString();
        QCOMPARE(details, (QStringList{
                              QStringLiteral("probe: http GET http://127.0.0.1:18080/health · Host: app.example.test"),
                              QStringLiteral("expect: status == 200"),
                              QStringLiteral("expect: latency_ms < 2000"),
                              QStringLiteral("warn unless: latency_ms < 150"),
                              QStringLiteral("remedy: fix-default-action"),
                              QStringLiteral("timeout: 3s"),
                          }));
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void settingsSignalOnlyOnChange()
    {
        Settings settings(m_dir->filePath(QStringLiteral("settings.ini")));
        QSignalSpy recent(&settings, &Settings::recentFilesChanged);
        QSignalSpy geometry(&settings, &Settings::windowGeometryChanged);

        settings.addRecentFile(QStringLiteral("/tmp/a.yaml"));
        settings.addRecentFile(QStringLiteral("/tmp/a.yaml"));
        QCOMPARE(recent.count(), 1);
        settings.addRecentFile(QStringLiteral("/tmp/b.yaml"));
        QCOMPARE(settings.recentFiles(), (QStringList{QStringLiteral("/tmp/b.yaml"), QStringLiteral("/tmp/a.yaml")}));
        for (int i = 0; i < 2 * Settings::MaxRecentFiles; ++i)
            settings.addRecentFile(QStringLiteral("/tmp/%1.yaml").arg(i));
        QCOMPARE(settings.recentFiles().size(), Settings::MaxRecentFiles);
        settings.clearRecentFiles();
        recent.clear();
        settings.clearRecentFiles();
        QCOMPARE(recent.count(), 0);

        settings.setWindowGeometry(QByteArrayLiteral("g"));
        settings.setWindowGeometry(QByteArrayLiteral("g"));
        QCOMPARE(geometry.count(), 1);
    }

    // --- the map ------------------------------------------------------------------------

    void sceneDrawsACardPerHopAndAnArrowPerLink()
    {
        TopologyScene scene;
        const Environment env = blueGreen();
        scene.setEnvironment(env);

        const QList<HopItem*> cards = scene.hopItems();
        QCOMPARE(cards.size(), static_cast<qsizetype>(env.hops.size()));
        QCOMPARE(scene.edgeItems().size(), static_cast<qsizetype>(linkCount(env)));
        int hopItemsInScene = 0;
        const QList<QGraphicsItem*> items = scene.items();
        for (QGraphicsItem* item : items)
            hopItemsInScene += qgraphicsitem_cast<HopItem*>(item) ? 1 : 0;
        QCOMPARE(hopItemsInScene, cards.size());

        for (EdgeItem* edge : scene.edgeItems())
            QVERIFY(edge->source()->x() < edge->destination()->x());
        HopItem* blue = scene.hopItem(QStringLiteral("tg-blue"));
        HopItem* green = scene.hopItem(QStringLiteral("tg-green"));
        QCOMPARE(blue->x(), green->x());
        QVERIFY(blue->y() < green->y());
        QVERIFY(!blue->collidesWithItem(green));
        QCOMPARE(int(blue->status()), int(HopStatus::Grey));
        QCOMPARE(blue->keyFigure(), QStringLiteral("no checks"));  // nothing to probe there
    }

    void sceneKeepsTheSelectedHopAcrossRedraws()
    {
        TopologyScene scene;
        QSignalSpy selected(&scene, &TopologyScene::hopSelected);
        scene.setEnvironment(blueGreen());
        scene.selectHop(QStringLiteral("tg-green"));
        QCOMPARE(selected.count(), 1);
        QCOMPARE(selected.last().at(0).toString(), QStringLiteral("tg-green"));

        scene.setEnvironment(blueGreen());
        QCOMPARE(scene.selectedHop(), QStringLiteral("tg-green"));

        scene.selectNeighbour(Qt::LeftArrow);
        QCOMPARE(scene.selectedHop(), QStringLiteral("lb"));
        scene.selectHop(QString());
        QCOMPARE(selected.last().at(0).toString(), QString());
    }

    void viewZoomIsClampedAndFitsUntilTheUserZooms()
    {
        TopologyScene scene;
        scene.setEnvironment(blueGreen());
        TopologyView view(&scene);
        view.resize(800, 500);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QVERIFY(view.isFitting());
        QVERIFY(view.zoom() <= 1.0);
        QVERIFY(view.viewport()->rect().contains(view.mapFromScene(scene.itemsBoundingRect()).boundingRect()));

        view.setZoom(100);
        QCOMPARE(view.zoom(), TopologyView::MaxZoom);
        QVERIFY(!view.isFitting());
        view.setZoom(0.001);
        QCOMPARE(view.zoom(), TopologyView::MinZoom);
        view.resize(900, 600);
        QCOMPARE(view.zoom(), TopologyView::MinZoom);  // the user's zoom survives a resize
        view.fitToWindow();
        QVERIFY(view.isFitting());
        QVERIFY(view.zoom() > TopologyView::MinZoom);
    }

    void cardsFollowThePalette()
    {
        TopologyScene scene;
        scene.setEnvironment(blueGreen());
        HopItem* card = scene.hopItems().first();
        QImage light(card->boundingRect().size().toSize(), QImage::Format_ARGB32);
        QImage dark(light.size(), light.format());

        QPalette palette;
        palette.setColor(QPalette::Base, Qt::white);
        palette.setColor(QPalette::Text, Qt::black);
        scene.setPalette(palette);
        light.fill(Qt::transparent);
        QPainter painter(&light);
        painter.translate(-card->boundingRect().topLeft());
        card->paint(&painter, nullptr, nullptr);
        painter.end();

        palette.setColor(QPalette::Base, QColor(0x20, 0x20, 0x20));
        palette.setColor(QPalette::Text, Qt::white);
        scene.setPalette(palette);
        dark.fill(Qt::transparent);
        painter.begin(&dark);
        painter.translate(-card->boundingRect().topLeft());
        card->paint(&painter, nullptr, nullptr);
        painter.end();

        const QPoint middle(light.width() / 2, light.height() / 2 + 8);
        QCOMPARE(light.pixelColor(middle), QColor(Qt::white));
        QCOMPARE(dark.pixelColor(middle), QColor(0x20, 0x20, 0x20));
    }

    // --- the map and the inspector, given a diagnosis -------------------------------------

    void mapShowsColourRoleAndFigureOfEachHop()
    {
        const Environment env = probedBlueGreen();
        const ResultsByHop results = blueDown();
        const Diagnosis diagnosis = diagnose(env, results);
        TopologyScene scene;
        QPalette palette;
        palette.setColor(QPalette::Base, Qt::white);
        palette.setColor(QPalette::Mid, QColor(0xa0, 0xa0, 0xa0));
        scene.setPalette(palette);
        scene.setEnvironment(env);
        QHash<QString, HopState> states;
        for (const Hop& h : env.hops) {
            const HopVerdict* v = diagnosis.verdict(h.id);
            states.insert(QString::fromStdString(h.id),
                          {v->status, v->role, QString::fromStdString(hopFigure(*v)), h.id == "dns", h.id == "db"});
        }
        scene.setHopStates(states);

        struct Expected {
            const char* hop;
            HopStatus status;
            HopRole role;
            const char* figure;
        };
        const Expected expected[] = {
            {"dns", HopStatus::Green, HopRole::Healthy, "1 answer · 2 ms"},
            {"lb", HopStatus::Red, HopRole::Symptom, "status was 502; expected status == 200"},
            {"tg-blue", HopStatus::Red, HopRole::Symptom, "connection refused"},
            {"app-blue", HopStatus::Red, HopRole::LikelyCause, "0/2 running · 10 restarts"},
            {"tg-green", HopStatus::Green, HopRole::Healthy, "connected · 1 ms"},
            {"db", HopStatus::Amber, HopRole::Degraded, "155/250 connections"},
        };
        for (const Expected& e : expected) {
            HopItem* card = scene.hopItem(QString::fromLatin1(e.hop));
            QVERIFY(card);
            QCOMPARE(int(card->status()), int(e.status));
            QCOMPARE(int(card->role()), int(e.role));
            QCOMPARE(card->keyFigure(), QString::fromUtf8(e.figure));
            // The strip down the left edge carries the colour.
            const QImage image = paintCard(card);
            QCOMPARE(image.pixelColor(6, image.height() / 2), statusbadge::color(e.status));
            // Only the likely cause gets the heavy outline in its colour (top edge, right half).
            const QColor top = image.pixelColor(image.width() - 40, 11);
            QCOMPARE(top == statusbadge::color(HopStatus::Red), e.role == HopRole::LikelyCause);
        }
        QVERIFY(scene.hopItem(QStringLiteral("app-blue"))->toolTip().contains(QStringLiteral("likely cause")));
        QVERIFY(scene.hopItem(QStringLiteral("lb"))->toolTip().contains(QStringLiteral("symptom")));
        // A stale answer is faded, not hidden; a probe in flight turns a ring.
        QCOMPARE(scene.hopItem(QStringLiteral("db"))->opacity(), 0.5);
        QCOMPARE(scene.hopItem(QStringLiteral("lb"))->opacity(), 1.0);
        QVERIFY(scene.hopItem(QStringLiteral("dns"))->state().probing);

        // Hops the states leave out go back to "not probed yet".
        scene.setHopStates({});
        QCOMPARE(int(scene.hopItem(QStringLiteral("app-blue"))->status()), int(HopStatus::Grey));
        QCOMPARE(scene.hopItem(QStringLiteral("app-blue"))->keyFigure(), QStringLiteral("not probed yet"));
    }

    void badgesDifferInShapeNotOnlyColour()
    {
        const auto draw = [](HopStatus status, bool stale = false) {
            QImage image(40, 40, QImage::Format_ARGB32);
            image.fill(Qt::transparent);
            QPainter painter(&image);
            statusbadge::paint(painter, QRectF(0, 0, 40, 40), status, stale);
            return image;
        };
        // A circle fills its left middle; the amber triangle leaves its top left corner empty.
        QCOMPARE(draw(HopStatus::Red).pixelColor(5, 20), statusbadge::color(HopStatus::Red));
        QCOMPARE(draw(HopStatus::Green).pixelColor(5, 20), statusbadge::color(HopStatus::Green));
        QCOMPARE(draw(HopStatus::Amber).pixelColor(8, 8).alpha(), 0);
        QCOMPARE(draw(HopStatus::Amber).pixelColor(10, 36), statusbadge::color(HopStatus::Amber));
        // Stale: a ring, hollow where the filled badge is solid.
        QCOMPARE(draw(HopStatus::Red, true).pixelColor(8, 20).alpha(), 0);
    }

    void checksModelShowsResultsAndEvidence()
    {
        ChecksModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const Environment env = probedBlueGreen();
        const Hop& appBlue = *env.hop("app-blue");
        model.setHop(appBlue);
        const int staticDetails = model.rowCount(model.index(0, 0));
        QCOMPARE(model.index(0, 1).data().toString(), QStringLiteral("not probed yet"));

        CheckResult failed = result("app-blue", CheckStatus::Fail, "0/2 running", "exit 0 · 40 ms",
                                    {{"running", 0}, {"desired", 2}, {"log", "machine has reached its max restart count of 10"}});
        model.setResults({&failed});
        const QModelIndex row = model.index(0, 0);
        QCOMPARE(int(model.status(0)), int(HopStatus::Red));
        QCOMPARE(model.index(0, 1).data().toString(), QStringLiteral("failed · 12 ms · 0/2 running"));
        // The result, three observed values and the time, before what the check is.
        QCOMPARE(model.rowCount(row), staticDetails + 5);
        QCOMPARE(model.index(0, 1, row).data().toString(), QStringLiteral("0/2 running"));
        QStringList observed;
        for (int i = 1; i <= 3; ++i)
            observed << model.index(i, 0, row).data().toString() + u'=' + model.index(i, 1, row).data().toString();
        QCOMPARE(observed, (QStringList{QStringLiteral("desired=2"), QStringLiteral("log=machine has reached its max restart count of 10"),
                                        QStringLiteral("running=0")}));
        QCOMPARE(model.valueAt(model.index(2, 1, row)), QStringLiteral("log: machine has reached its max restart count of 10"));

        // A later result with fewer observations; then none at all.
        CheckResult passed = result("app-blue", CheckStatus::Pass, "2/2 running", "2/2 running", {{"running", 2}});
        model.setResults({&passed});
        QCOMPARE(model.rowCount(row), staticDetails + 3);
        QCOMPARE(int(model.status(0)), int(HopStatus::Green));
        model.setResults({nullptr});
        QCOMPARE(model.rowCount(row), staticDetails);
        QVERIFY(model.summaryText().contains(QStringLiteral("reachable: not probed yet")));
    }

    void timelineKeepsNewestFirstAndCaps()
    {
        TimelineModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        StatusChange change;
        change.at = QDateTime(QDate(2026, 11, 23), QTime(12, 3, 15));
        change.environment = QStringLiteral("qa");
        change.hop = QStringLiteral("db");
        change.from = HopStatus::Green;
        change.to = HopStatus::Red;
        change.role = HopRole::LikelyCause;
        change.message = QStringLiteral("relation \"application_logs\" does not exist");
        model.add(change);
        QCOMPARE(model.index(0).data().toString(),
                 QStringLiteral("12:03:15  qa › db went red (likely cause): relation \"application_logs\" does not exist"));
        change.to = HopStatus::Green;
        change.role = HopRole::Healthy;
        change.at = change.at.addSecs(60);
        model.add(change);
        QCOMPARE(model.index(0).data().toString().left(31), QStringLiteral("12:04:15  qa › db recovered: re"));
        for (int i = 0; i < TimelineModel::MaxRows + 5; ++i)
            model.add(change);
        QCOMPARE(model.rowCount(), TimelineModel::MaxRows);
    }

    void anEmptyTimelineSaysWhatWillAppear()
    {
        TimelineModel model;
        PlaceholderListView view;
        view.setModel(&model);
        view.resize(420, 160);
        view.setPlaceholderText(QStringLiteral("No hop has changed status yet."));
        QVERIFY(view.isShowingPlaceholder());
        // The text is painted: the empty view differs from the same view without a placeholder.
        const QImage withText = view.grab().toImage();
        view.setPlaceholderText({});
        QVERIFY(!view.isShowingPlaceholder());
        QVERIFY(view.grab().toImage() != withText);
        view.setPlaceholderText(QStringLiteral("No hop has changed status yet."));
        QCOMPARE(view.grab().toImage(), withText);

        StatusChange change;
        change.at = QDateTime::currentDateTime();
        change.environment = QStringLiteral("qa");
        change.hop = QStringLiteral("db");
        change.to = HopStatus::Red;
        model.add(change);
        QVERIFY(!view.isShowingPlaceholder());  // the first change replaces it
        model.clear();
        QVERIFY(view.isShowingPlaceholder());
    }

    void inspectorOpensTheChecksThatNeedAttention()
    {
        const Environment env = probedBlueGreen();
        ResultsByHop healed = blueDown();
        healed["lb"]["reachable"] = result("lb", CheckStatus::Pass, "200 · 3 ms", "200 · 3 ms");
        HopInspector inspector;
        QTreeView* tree = inspector.checksView();
        const auto check = [&] { return inspector.checksModel()->index(0, 0); };

        inspector.showHop(env, *env.hop("lb"));
        QVERIFY(!tree->isExpanded(check()));  // not probed yet: one line per check
        inspector.showResults(diagnose(env, blueDown()), false);
        QVERIFY(tree->isExpanded(check()));  // failing: open on its evidence
        tree->collapse(check());             // the user closes it ...
        inspector.showResults(diagnose(env, blueDown()), false);
        QVERIFY(!tree->isExpanded(check()));  // ... and the next round, no different, leaves it closed
        inspector.showResults(diagnose(env, healed), false);
        QVERIFY(!tree->isExpanded(check()));  // passing: its summary line says enough
        tree->expand(check());
        inspector.showResults(diagnose(env, healed), false);
        QVERIFY(tree->isExpanded(check()));  // opened by the user, still passing: stays open
        inspector.showResults(diagnose(env, blueDown()), false);
        QVERIFY(tree->isExpanded(check()));  // failing again

        inspector.showHop(env, *env.hop("dns"));
        inspector.showResults(diagnose(env, blueDown()), false);
        QVERIFY(!tree->isExpanded(check()));
    }

    void inspectorOpensOnlyTheWorstChecks()
    {
        // A hop whose first check warns and whose second fails: the failing one is what the
        // engineer needs, so it opens and the warning stays one line.
        Environment env = probedBlueGreen();
        Hop& db = env.hops.back();
        QCOMPARE(db.id, std::string("db"));
        Check second = db.checks.front();
        second.name = "tables";
        db.checks.push_back(second);
        ResultsByHop results = blueDown();  // db's "reachable" warns
        CheckResult failing = result("db", CheckStatus::Fail, "missing tables: users");
        failing.check = "tables";
        results["db"]["tables"] = failing;
        HopInspector inspector;
        inspector.resize(600, 300);
        inspector.showHop(env, db);
        inspector.showResults(diagnose(env, results), false);
        QTreeView* tree = inspector.checksView();
        QVERIFY(!tree->isExpanded(inspector.checksModel()->index(0, 0)));
        QVERIFY(tree->isExpanded(inspector.checksModel()->index(1, 0)));
    }

    void inspectorOffersTheCausesRunbooksFirst()
    {
        const Environment env = probedBlueGreen();
        const ResultsByHop results = blueDown();
        const Diagnosis diagnosis = diagnose(env, results);
        HopInspector inspector;
        inspector.showHop(env, *env.hop("lb"));
        inspector.showResults(diagnosis, false);
        QCOMPARE(inspector.runbooks(), (QStringList{QStringLiteral("redeploy-service"), QStringLiteral("fix-default-action")}));
        QVERIFY2(inspector.summaryText().contains(QStringLiteral("Likely caused by app-blue")), qPrintable(inspector.summaryText()));
        QVERIFY(inspector.statusText().contains(QStringLiteral("failing · symptom")));
        QCOMPARE(int(inspector.checksModel()->status(0)), int(HopStatus::Red));

        const QString text = HopText::diagnosisSummary(env, diagnosis, QStringLiteral("prod.yaml"));
        QVERIFY2(text.startsWith(QStringLiteral("prod (prod.yaml): failing\nLikely cause: app-blue")), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("Symptoms: lb, tg-blue")));
        QVERIFY(text.contains(QStringLiteral("[degraded] db")));
    }

    // --- the window ---------------------------------------------------------------------

    void windowShowsFilesEnvironmentsAndProblems()
    {
        Settings settings(m_dir->filePath(QStringLiteral("settings.ini")));
        Workspace workspace;
        MainWindow window(&workspace, &settings);
        QAbstractItemModelTester tester(window.environmentModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QString good = fixture(QStringLiteral("lab.yaml"), kQaFile);
        const QString prod = fixture(QStringLiteral("prod.yaml"), kBlueGreenFile);
        const QString bad = fixture(QStringLiteral("bad.yaml"), kBadFile);
        window.openFiles({good, prod, bad});
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        QCOMPARE(listNames(*window.environmentModel()),
                 (QStringList{QStringLiteral("qa"), QStringLiteral("prod"), QStringLiteral("broken")}));
        QCOMPARE(window.environmentView()->currentIndex().row(), 0);  // the first environment, at start
        QCOMPARE(window.scene()->hopItems().size(), 6);
        QCOMPARE(window.windowTitle(), QStringLiteral("lab.yaml and 2 more"));
        const int problems = window.diagnosticsModel()->rowCount();
        QCOMPARE(window.problemsDock()->windowTitle(), QStringLiteral("Problems (%1)").arg(problems));
        // The fixture's literal password earns a warning, the bad hop kind an error.
        QCOMPARE(window.statusText(), QStringLiteral("3 environments from 3 files · 1 error, 1 warning"));
        QCOMPARE(settings.recentFiles().first(), bad);
        QCOMPARE(window.view()->accessibleName(), QStringLiteral("Topology map"));
        QCOMPARE(window.environmentView()->accessibleName(), QStringLiteral("Environments"));

        QVERIFY(window.selectEnvironment(prod, QStringLiteral("prod")));
        QCOMPARE(window.scene()->hopItems().size(), 7);
        QCOMPARE(window.scene()->edgeItems().size(), 7);  // dns→lb, lb→blue and green, two per lane

        window.close();
        QVERIFY(!settings.windowGeometry().isEmpty());
        QVERIFY(!settings.windowState().isEmpty());
    }

    void clickingAHopFillsTheInspector()
    {
        Settings settings(m_dir->filePath(QStringLiteral("settings.ini")));
        Workspace workspace;
        MainWindow window(&workspace, &settings);
        window.openFiles({fixture(QStringLiteral("qa.yaml"), kQaFile)});
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        HopItem* targets = window.scene()->hopItem(QStringLiteral("targets"));
        QVERIFY(targets);
        const QPoint at = window.view()->mapFromScene(targets->scenePos());
        QTest::mouseClick(window.view()->viewport(), Qt::LeftButton, {}, at);
        QCOMPARE(window.scene()->selectedHop(), QStringLiteral("targets"));

        HopInspector* inspector = window.inspector();
        QCOMPARE(inspector->hopId(), QStringLiteral("targets"));
        ChecksModel* checks = inspector->checksModel();
        QCOMPARE(checks->rowCount(), 1);
        const QModelIndex check = checks->index(0, 0);
        QCOMPARE(check.data().toString(), QStringLiteral("target port open"));
        QCOMPARE(checks->index(0, 1, check).data().toString(), QStringLiteral("tcp 127.0.0.1:18081"));

        inspector->copySummary();
        const QString copied = QGuiApplication::clipboard()->text();
        QVERIFY2(copied.contains(QStringLiteral("tcp 127.0.0.1:18081")), qPrintable(copied));
        QVERIFY(copied.contains(QStringLiteral("not probed yet")));

        // The database's password never reaches the screen.
        window.scene()->selectHop(QStringLiteral("db"));
        QCOMPARE(inspector->hopId(), QStringLiteral("db"));
        QVERIFY(!inspector->summaryText().contains(QStringLiteral("hunter2")));
        QVERIFY(inspector->summaryText().contains(QStringLiteral("postgres required tables: users, application_logs")));
    }

    void mapExportsAsPngAndSvg()
    {
        Settings settings(m_dir->filePath(QStringLiteral("settings.ini")));
        Workspace workspace;
        MainWindow window(&workspace, &settings);
        window.openFiles({fixture(QStringLiteral("prod.yaml"), kBlueGreenFile)});

        const QString png = m_dir->filePath(QStringLiteral("map.png"));
        QString error;
        QVERIFY2(window.exportMap(png, &error), qPrintable(error));
        const QImage image(png);
        // Twice the scene's size, so it stays sharp in a ticket.
        QCOMPARE(image.size(), (window.scene()->sceneRect().size() * 2).toSize());

        const QString svg = m_dir->filePath(QStringLiteral("map.svg"));
        QVERIFY2(window.exportMap(svg, &error), qPrintable(error));
        QFile drawing(svg);
        QVERIFY(drawing.open(QIODevice::ReadOnly));
        const QByteArray text = drawing.readAll();
        QVERIFY(text.contains("<svg"));
        QVERIFY(text.contains("tg-blue"));  // the cards' text is text, not pixels

        // A place that cannot be written is named, and nothing is left half written.
        const QString nowhere = m_dir->filePath(QStringLiteral("no/such/dir/map.png"));
        QVERIFY(!window.exportMap(nowhere, &error));
        QVERIFY2(error.contains(QStringLiteral("no/such/dir/map.png")), qPrintable(error));
        QVERIFY(!QFile::exists(nowhere));
    }

    void allEnvironmentsStackAsLanes()
    {
        Settings settings(m_dir->filePath(QStringLiteral("settings.ini")));
        Workspace workspace;
        MainWindow window(&workspace, &settings);
        const QString qa = fixture(QStringLiteral("qa.yaml"), kQaFile);
        const QString prod = fixture(QStringLiteral("prod.yaml"), kBlueGreenFile);
        window.openFiles({qa, prod});
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        window.actions()->showAll->trigger();
        TopologyScene* scene = window.scene();
        QVERIFY(scene->isStacked());
        QCOMPARE(scene->hopItems().size(), 6 + 7);
        // Lanes do not overlap: every prod card is below every qa card.
        qreal qaBottom = -1e9;
        qreal prodTop = 1e9;
        for (const HopItem* item : scene->hopItems()) {
            if (item->lane().endsWith(QStringLiteral("qa")))
                qaBottom = qMax(qaBottom, item->sceneBoundingRect().bottom());
            else
                prodTop = qMin(prodTop, item->sceneBoundingRect().top());
        }
        QVERIFY2(qaBottom < prodTop, qPrintable(QStringLiteral("%1 vs %2").arg(qaBottom).arg(prodTop)));

        // Picking a card in prod's lane chooses prod in the list and fills the inspector.
        HopItem* blue = nullptr;
        for (HopItem* item : scene->hopItems()) {
            if (item->hopId() == QStringLiteral("tg-blue"))
                blue = item;
        }
        QVERIFY(blue);
        scene->selectHop(TopologyScene::laneKey(blue->lane(), blue->hopId()));
        QCOMPARE(window.environmentView()->currentIndex().data(EnvironmentListModel::NameRole).toString(), QStringLiteral("prod"));
        QCOMPARE(window.inspector()->hopId(), QStringLiteral("tg-blue"));
        QCOMPARE(scene->hopItems().size(), 13);  // still every lane

        window.actions()->showAll->trigger();
        QVERIFY(!scene->isStacked());
        QCOMPARE(scene->hopItems().size(), 7);  // prod alone
    }

    void fileMenuOpensRecentAndCloses()
    {
        Settings settings(m_dir->filePath(QStringLiteral("settings.ini")));
        Workspace workspace;
        MainWindow window(&workspace, &settings);
        const QString qa = fixture(QStringLiteral("qa.yaml"), kQaFile);
        const QString prod = fixture(QStringLiteral("prod.yaml"), kBlueGreenFile);
        settings.setRecentFiles({prod, qa});

        auto* recent = window.findChild<RecentFilesMenu*>();
        QVERIFY(recent);
        const QList<QAction*> entries = recent->actions();
        QVERIFY(entries.size() >= 2);
        QCOMPARE(entries.first()->toolTip(), prod);
        entries.first()->trigger();
        QCOMPARE(listNames(*window.environmentModel()), QStringList{QStringLiteral("prod")});
        QCOMPARE(window.windowTitle(), QStringLiteral("prod.yaml"));

        window.actions()->closeFile->trigger();
        QCOMPARE(window.environmentModel()->rowCount(), 0);
        QVERIFY(window.scene()->hopItems().isEmpty());
        QVERIFY(!window.inspector()->hasHop());
        QCOMPARE(window.statusText(), QStringLiteral("No files open"));
        QVERIFY(!window.actions()->reload->isEnabled());
    }

    void watchedFileReloadsOnChange()
    {
        Settings settings(m_dir->filePath(QStringLiteral("settings.ini")));
        Workspace workspace;
        workspace.setReloadDelay(std::chrono::milliseconds(20));
        MainWindow window(&workspace, &settings);
        const QString path = fixture(QStringLiteral("prod.yaml"), kBlueGreenFile);
        window.openFiles({path});
        window.scene()->selectHop(QStringLiteral("tg-green"));
        QSignalSpy reloaded(&workspace, &Workspace::fileReloaded);

        // Written in place: the file's own watch sees it.
        writeInPlace(path, QByteArray(kBlueGreenFile).replace("kind: database", "kind: database\n        title: Main DB"));
        QTRY_COMPARE(reloaded.count(), 1);
        QCOMPARE(window.scene()->hopItem(QStringLiteral("db"))->title(), QStringLiteral("Main DB"));
        QCOMPARE(window.scene()->selectedHop(), QStringLiteral("tg-green"));  // the user's place is kept

        // Saved atomically, twice: the watch must come back after the first rename.
        saveAtomically(path, QByteArray(kBlueGreenFile).replace("name: prod", "name: production"));
        QTRY_COMPARE(reloaded.count(), 2);
        QCOMPARE(listNames(*window.environmentModel()), QStringList{QStringLiteral("production")});
        saveAtomically(path, QByteArray(kBlueGreenFile).replace("name: prod", "name: live"));
        QTRY_COMPARE(reloaded.count(), 3);
        QCOMPARE(listNames(*window.environmentModel()), QStringList{QStringLiteral("live")});
        QCOMPARE(window.scene()->hopItems().size(), 7);
    }

    void bundledExampleLoads()
    {
        const QString example = QStringLiteral(HOPSCOPE_SOURCE_DIR "/lab/lab.yaml");
        QVERIFY2(QFile::exists(example), qPrintable(example));
        Workspace workspace;
        workspace.open(example);
        QCOMPARE(workspace.problemCount(Severity::Error), 0);
        QVERIFY(workspace.environmentCount() >= 1);
        TopologyScene scene;
        for (const Environment& env : workspace.files().front()->environments) {
            scene.setEnvironment(env);
            QCOMPARE(scene.hopItems().size(), static_cast<qsizetype>(env.hops.size()));
            QCOMPARE(scene.edgeItems().size(), static_cast<qsizetype>(linkCount(env)));
        }
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
