// The first run: the welcome page a window without files shows, New Environment's starter file,
// starting the lab from the page (against stand-in labctl scripts, and one that is missing), the
// walkthrough and the Help menu's file format reference. Runs offscreen.
#include "bundleddata.h"
#include "labstarter.h"
#include "loader.h"
#include "mainactions.h"
#include "mainwindow.h"
#include "referencedialog.h"
#include "settings.h"
#include "starterenvironment.h"
#include "topologyview.h"
#include "translations.h"
#include "walkthrough.h"
#include "welcomepage.h"
#include "workspace.h"

#include <QApplication>
#include <QCommandLinkButton>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QListView>
#include <QMessageBox>
#include <QMetaMethod>
#include <QPlainTextEdit>
#include <QScopeGuard>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTimer>

#include <chrono>
#include <optional>
#include <set>

using namespace hopscope;

namespace {

// Plain literals, not raw strings: moc (6.4) cannot read past a raw string.
const char* const kSmallFile =
    "environments:\n"
    "  - name: small\n"
    "    hops:\n"
    "      - {id: dns, kind: dns}\n"
    "      - {id: db, kind: database}\n";

// A lab.yaml that only loads once its variable is in the process environment, as the real one
// takes its ports from `labctl env`.
const char* const kLabFile =
    "environments:\n"
    "  - name: qa\n"
    "    variables:\n"
    "      port: {env: HOPSCOPE_FIRSTRUN_TEST_PORT}\n"
    "    hops:\n"
    "      - id: lb\n"
    "        kind: load_balancer\n"
    "        checks:\n"
    "          - name: listener\n"
    "            tcp: {host: 127.0.0.1, port: \"${port}\"}\n";

// Stand-ins for labctl: one that starts, one that fails the way a busy port makes it.
const char* const kLabctlUp =
    "#!/bin/sh\n"
    "case \"$1\" in\n"
    "  up) echo 'creating a lab in /tmp/somewhere' >&2; echo 'lab in /tmp/somewhere: healthy' ;;\n"
    "  env) echo '{\"HOPSCOPE_FIRSTRUN_TEST_PORT\": \"18999\"}' ;;\n"
    "  *) exit 2 ;;\n"
    "esac\n";
const char* const kLabctlBusy =
    "#!/bin/sh\n"
    "echo 'labctl: port in use: 18080 (lb); choose another base with --ports' >&2\n"
    "exit 1\n";

// A window as the app makes it, without probing, on settings of the test's own; shown.
struct Shown {
    explicit Shown(const QString& settingsFile) : settings(settingsFile) { window.show(); }
    Settings settings;
    Workspace workspace;
    MainWindow window{&workspace, &settings};
};

} // namespace

class TestFirstRun : public QObject {
    Q_OBJECT

    std::optional<QTemporaryDir> m_dir;

    QString write(const QString& name, const QByteArray& content, bool executable = false)
    {
        const QString path = m_dir->filePath(name);
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
            qFatal("cannot write the fixture %s", qPrintable(path));
        file.close();
        if (executable)
            file.setPermissions(file.permissions() | QFileDevice::ExeOwner);
        return path;
    }

    QString settingsFile() const { return m_dir->filePath(QStringLiteral("settings.ini")); }

private slots:
    void initTestCase() { installTranslations(QCoreApplication::instance()); }
    void init() { QVERIFY(m_dir.emplace().isValid()); }  // a directory of its own for each test

    // --- the welcome page ----------------------------------------------------------------

    void withoutFilesTheWindowWelcomes()
    {
        Shown shown(settingsFile());
        auto& [settings, workspace, window] = shown;
        const QString recent = write(QStringLiteral("envs/payments.yaml"), kSmallFile);
        settings.addRecentFile(recent);
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        QVERIFY(window.isShowingWelcome());
        WelcomePage* page = window.welcomePage();
        QVERIFY(page->isVisible());
        QVERIFY(!window.view()->isVisible());  // not an empty map
        QVERIFY(!window.problemsDock()->isVisible());
        for (QCommandLinkButton* button : {page->openButton(), page->newButton(), page->labButton(), page->walkthroughButton()}) {
            QVERIFY(button->isVisible());
            QVERIFY(button->isEnabled());
            QVERIFY2(!button->accessibleName().isEmpty(), qPrintable(button->text()));
            QVERIFY(!button->accessibleName().contains(u'&'));
            QVERIFY(!button->accessibleDescription().isEmpty());
            QVERIFY(button->focusPolicy() & Qt::TabFocus);
        }
        QCOMPARE(page->openButton()->accessibleName(), QStringLiteral("Open an Environment File…"));

        // The keyboard starts on the first command, and Tab goes down the list; Space runs one.
        QVERIFY(QTest::qWaitForWindowActive(&window));
        QCOMPARE(QApplication::focusWidget(), page->openButton());
        for (QWidget* next : {page->newButton(), page->labButton(), page->walkthroughButton()}) {
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
            QCOMPARE(QApplication::focusWidget(), next);
        }
        QSignalSpy walkthrough(page, &WelcomePage::walkthroughRequested);
        // Only the request is under test here, not the tour.
        QObject::disconnect(page, QMetaMethod::fromSignal(&WelcomePage::walkthroughRequested), &window, QMetaMethod());
        QTest::keyClick(page->walkthroughButton(), Qt::Key_Space);
        QCOMPARE(walkthrough.count(), 1);

        const QList<QLabel*> links = page->recentLinks();
        QCOMPARE(links.size(), 1);
        QVERIFY(links.first()->text().contains(QStringLiteral("payments.yaml")));
        QCOMPARE(links.first()->accessibleName(), QStringLiteral("Open %1").arg(QDir::toNativeSeparators(recent)));
        QVERIFY(links.first()->textInteractionFlags() & Qt::LinksAccessibleByKeyboard);

        // A recent file's link opens it, and the map takes the page's place.
        emit links.first()->linkActivated(QUrl::fromLocalFile(recent).toString());
        QCOMPARE(workspace.paths(), QStringList{recent});
        QVERIFY(!window.isShowingWelcome());
    }

    void openingAFileShowsTheMapAndClosingItTheWelcome()
    {
        Shown shown(settingsFile());
        auto& [settings, workspace, window] = shown;
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.isShowingWelcome());

        const QString file = write(QStringLiteral("small.yaml"), kSmallFile);
        window.openFiles({file});
        QVERIFY(!window.isShowingWelcome());
        QVERIFY(window.view()->isVisible());
        QVERIFY(!window.welcomePage()->isVisible());
        QVERIFY(window.problemsDock()->isVisible());  // the panels come back with the map
        QVERIFY(window.environmentView()->isVisible());

        workspace.close(file);
        QVERIFY(window.isShowingWelcome());
        QVERIFY(window.welcomePage()->isVisible());
        // The recent file the window opened is on the page now.
        QCOMPARE(window.welcomePage()->recentLinks().size(), 1);
    }

    // --- New Environment -----------------------------------------------------------------

    void newEnvironmentWritesAStarterThatLoads()
    {
        Shown shown(settingsFile());
        auto& [settings, workspace, window] = shown;
        const QString path = m_dir->filePath(QStringLiteral("payments-qa.yaml"));
        QString error;
        QVERIFY2(window.createEnvironment(path, &error), qPrintable(error));

        const LoadedFile loaded = loadFile(path.toStdString());
        for (const Diagnostic& d : loaded.diagnostics)
            QVERIFY2(d.severity != Severity::Error, d.format().c_str());
        QCOMPARE(loaded.environments.size(), std::size_t(1));
        const Environment& env = loaded.environments.front();
        QCOMPARE(QString::fromStdString(env.name), QStringLiteral("payments-qa"));  // named after the file
        std::set<HopKind> kinds;
        for (const Hop& hop : env.hops) {
            kinds.insert(hop.kind);
            QCOMPARE(hop.checks.size(), std::size_t(1));
        }
        QCOMPARE(kinds, (std::set<HopKind>{HopKind::Dns, HopKind::LoadBalancer, HopKind::TargetGroup, HopKind::Containers,
                                           HopKind::MigrationJob, HopKind::Database}));
        QFile written(path);
        QVERIFY(written.open(QIODevice::ReadOnly));
        const QByteArray text = written.readAll();
        QVERIFY(text.startsWith("# "));  // commented for whoever fills it in
        QVERIFY(text.contains("PAYMENTS_QA_DB_PASSWORD"));

        // The window opened it, and remembers it.
        QCOMPARE(workspace.paths(), QStringList{path});
        QVERIFY(!window.isShowingWelcome());
        QCOMPARE(settings.recentFiles().first(), path);
    }

    void newEnvironmentNeverReplacesAFileUnasked()
    {
        Shown shown(settingsFile());
        auto& [settings, workspace, window] = shown;
        const QString path = write(QStringLiteral("taken.yaml"), "mine\n");
        QString error;
        QVERIFY(!window.createEnvironment(path, &error));
        QVERIFY2(error.contains(QStringLiteral("already exists")), qPrintable(error));
        const auto content = [&path] {
            QFile file(path);
            return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
        };
        QCOMPARE(content(), QByteArray("mine\n"));
        QVERIFY(workspace.files().empty());
        QVERIFY(window.isShowingWelcome());

        // Replacing is for when the user said yes to it.
        QVERIFY(StarterEnvironment::write(path, StarterEnvironment::Overwrite::Allow).isEmpty());
        QVERIFY(content().contains("environments:"));
    }

    void starterEnvironmentIsNamedAfterItsFile_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("name");
        QTest::newRow("plain") << QStringLiteral("/x/billing.yaml") << QStringLiteral("billing");
        QTest::newRow("dots") << QStringLiteral("/x/eu.prod.yml") << QStringLiteral("eu.prod");
        QTest::newRow("not a name") << QStringLiteral("/x/my env.yaml") << QStringLiteral("my-service");
        QTest::newRow("starts with a dash") << QStringLiteral("/x/-b.yaml") << QStringLiteral("my-service");
    }

    void starterEnvironmentIsNamedAfterItsFile()
    {
        QFETCH(QString, file);
        QFETCH(QString, name);
        const QByteArray text = StarterEnvironment::text(file);
        const LoadedFile loaded = loadText(text.toStdString(), file.toStdString(), DocFormat::Yaml);
        QVERIFY(!loaded.hasErrors());
        QCOMPARE(QString::fromStdString(loaded.environments.at(0).name), name);
    }

    // --- the lab -------------------------------------------------------------------------

    void aMissingLabctlIsNamedAndTheWindowStaysUsable()
    {
        Shown shown(settingsFile());
        auto& [settings, workspace, window] = shown;
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QString nowhere = m_dir->filePath(QStringLiteral("no-such-lab"));
        window.labStarter()->setDirectory(nowhere);
        QSignalSpy failed(window.labStarter(), &LabStarter::failed);

        WelcomePage* page = window.welcomePage();
        QTest::mouseClick(page->labButton(), Qt::LeftButton);
        QTRY_COMPARE(failed.count(), 1);
        const QString status = page->labStatus()->text();
        QVERIFY2(status.contains(QStringLiteral("no labctl")) && status.contains(QDir::toNativeSeparators(nowhere)),
                 qPrintable(status));
        QVERIFY(page->labStatus()->isVisible());
        QVERIFY(page->labButton()->isEnabled());  // try again, or do something else
        QVERIFY(!window.labStarter()->isRunning());
        QVERIFY(window.isShowingWelcome());

        window.openFiles({write(QStringLiteral("small.yaml"), kSmallFile)});
        QVERIFY(!window.isShowingWelcome());
    }

    void aFailingLabctlShowsItsOwnWords()
    {
        Shown shown(settingsFile());
        auto& [settings, workspace, window] = shown;
        const QString lab = m_dir->filePath(QStringLiteral("busy-lab"));
        write(QStringLiteral("busy-lab/labctl"), kLabctlBusy, true);
        window.labStarter()->setDirectory(lab);
        QSignalSpy failed(window.labStarter(), &LabStarter::failed);

        window.startBundledLab();
        QVERIFY(!window.welcomePage()->labButton()->isEnabled());  // one start at a time
        QTRY_COMPARE(failed.count(), 1);
        const QString status = window.welcomePage()->labStatus()->text();
        QVERIFY2(status.contains(QStringLiteral("labctl up failed with exit status 1"))
                     && status.contains(QStringLiteral("port in use: 18080")),
                 qPrintable(status));
        QVERIFY(window.welcomePage()->labOutput()->toPlainText().contains(QStringLiteral("choose another base")));
        QVERIFY(window.welcomePage()->labButton()->isEnabled());
        QVERIFY(workspace.files().empty());
    }

    void aHungLabctlIsStoppedAtItsDeadline()
    {
        write(QStringLiteral("hung/labctl"), "#!/bin/sh\nexec sleep 60\n", true);
        LabStarter starter(m_dir->filePath(QStringLiteral("hung")));
        starter.setTimeout(std::chrono::seconds(1));
        QSignalSpy failed(&starter, &LabStarter::failed);
        starter.start();
        QVERIFY(starter.isRunning());
        QTRY_COMPARE(failed.count(), 1);
        QCOMPARE(failed.first().first().toString(), QStringLiteral("labctl up did not finish within 1 second and was stopped."));
        QVERIFY(!starter.isRunning());
    }

    void aStartedLabOpensWithItsVariables()
    {
        qunsetenv("HOPSCOPE_FIRSTRUN_TEST_PORT");
        Shown shown(settingsFile());
        auto& [settings, workspace, window] = shown;
        const QString lab = m_dir->filePath(QStringLiteral("lab"));
        write(QStringLiteral("lab/labctl"), kLabctlUp, true);
        const QString labFile = write(QStringLiteral("lab/lab.yaml"), kLabFile);
        window.labStarter()->setDirectory(lab);
        QSignalSpy ready(window.labStarter(), &LabStarter::ready);

        QTest::mouseClick(window.welcomePage()->labButton(), Qt::LeftButton);
        QTRY_COMPARE(ready.count(), 1);
        QCOMPARE(ready.first().first().toString(), labFile);
        QCOMPARE(qgetenv("HOPSCOPE_FIRSTRUN_TEST_PORT"), QByteArray("18999"));
        QCOMPARE(workspace.paths(), QStringList{labFile});
        QVERIFY(!workspace.files().front()->hasErrors());  // ${port} resolved from labctl env
        QVERIFY(!window.isShowingWelcome());
        const QString output = window.welcomePage()->labOutput()->toPlainText();
        QVERIFY2(output.contains(QStringLiteral("labctl up")) && output.contains(QStringLiteral("creating a lab")),
                 qPrintable(output));
        qunsetenv("HOPSCOPE_FIRSTRUN_TEST_PORT");
    }

    void theWalkthroughOpensTheLab()
    {
        Shown shown(settingsFile());
        auto& [settings, workspace, window] = shown;
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.labStarter()->directory(), bundledLabDirectory());
        QTest::mouseClick(window.welcomePage()->walkthroughButton(), Qt::LeftButton);
        QCOMPARE(workspace.paths(), QStringList{Workspace::normalizedPath(window.labStarter()->environmentFile())});
        QVERIFY(!window.isShowingWelcome());
        QVERIFY(window.walkthrough()->isActive());
    }

    // --- Help ----------------------------------------------------------------------------

    void theFileFormatReferenceFindsItsDocument()
    {
        const QString path = fileFormatReferencePath();
        QVERIFY2(QFileInfo::exists(path), qPrintable(path));
        Shown shown(settingsFile());
        auto& [settings, workspace, window] = shown;
        // From the welcome page's link, and from the Help menu's action: one window.
        QLabel* link = window.welcomePage()->referenceLink();
        QCOMPARE(link->accessibleName(), QStringLiteral("File Format Reference"));
        emit link->linkActivated(QStringLiteral("reference"));
        auto* dialog = window.findChild<ReferenceDialog*>();
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        QCOMPARE(dialog->documentPath(), path);
        const QString text = dialog->browser()->toPlainText();
        QVERIFY(text.startsWith(QStringLiteral("File formats")));
        QVERIFY(text.contains(QStringLiteral("Environment files")));
        QCOMPARE(window.showFileFormatReference(), dialog);  // one window, raised again

        // The table of contents' links go to their headings.
        QCOMPARE(dialog->browser()->verticalScrollBar()->value(), 0);
        emit dialog->browser()->anchorClicked(QUrl(QStringLiteral("#conditions")));
        QVERIFY(dialog->browser()->verticalScrollBar()->value() > 0);
    }

    void aboutNamesTheVersionAndTheLicences()
    {
        const auto restore = qScopeGuard([old = QCoreApplication::applicationVersion()] { QCoreApplication::setApplicationVersion(old); });
        QCoreApplication::setApplicationVersion(QStringLiteral("9.8.7"));
        Shown shown(settingsFile());
        auto& [settings, workspace, window] = shown;
        QString text;
        // The box is modal: read it, then close it, from inside its own event loop.
        QTimer::singleShot(0, &window, [&text] {
            if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
                text = box->text();
                box->accept();
            }
        });
        window.actions()->about->trigger();
        QVERIFY2(text.contains(QStringLiteral("Hopscope 9.8.7")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("licence has not been chosen yet")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("GPL-3.0-or-later")), qPrintable(text));
        // The link leads to the page that explains it.
        const QString licensing = licensingPath();
        QVERIFY2(QFileInfo::exists(licensing), qPrintable(licensing));
        QVERIFY2(text.contains(QUrl::fromLocalFile(licensing).toString(QUrl::FullyEncoded)), qPrintable(text));
    }
};

QTEST_MAIN(TestFirstRun)
#include "tst_firstrun.moc"
