#include "mainwindow.h"

#include "bundleddata.h"
#include "diagnosticsmodel.h"
#include "environmentdelegate.h"
#include "environmentlistmodel.h"
#include "environmentprobe.h"
#include "historychart.h"
#include "historyservice.h"
#include "hopinspector.h"
#include "hoptext.h"
#include "labstarter.h"
#include "liveprobing.h"
#include "mainactions.h"
#include "mappicture.h"
#include "problemspanel.h"
#include "parametersdialog.h"
#include "placeholderlistview.h"
#include "recentfilesmenu.h"
#include "referencedialog.h"
#include "resume.h"
#include "resumeoffer.h"
#include "runbookbrowser.h"
#include "runnerpanel.h"
#include "settings.h"
#include "starterenvironment.h"
#include "timelinemodel.h"
#include "topologyscene.h"
#include "topologyview.h"
#include "walkthrough.h"
#include "welcomepage.h"
#include "workspace.h"
#include "workspacesummary.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QProgressBar>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenuBar>
#include <QDir>
#include <QMessageBox>
#include <QScreen>
#include <QStackedWidget>
#include <QStyle>
#include <QStatusBar>
#include <QToolBar>
#include <QUrl>

namespace hopscope {

MainWindow::MainWindow(Workspace* workspace, Settings* settings, LiveProbing* live, HistoryService* history,
                       QWidget* parent)
    : QMainWindow(parent)
    , m_workspace(workspace)
    , m_settings(settings)
    , m_actions(new MainActions(this))
    , m_environments(new EnvironmentListModel(workspace, this))
    , m_diagnostics(new DiagnosticsModel(workspace, this))
    , m_scene(new TopologyScene(this))
    , m_live(live)
    , m_history(history)
    , m_timeline(new TimelineModel(this))
{
    setObjectName(QStringLiteral("MainWindow"));
    m_environments->setLiveProbing(live);
    createCentre();
    addDockWidget(Qt::LeftDockWidgetArea, createEnvironmentDock());
    // The path runs left to right, so the map gets the full width; the inspector's
    // one-line probe summaries (URLs, DSNs, argv) want width too, so it sits below, beside
    // the timeline and the problems (tabbed). Every dock can be moved, and where the user
    // puts it is remembered.
    addDockWidget(Qt::BottomDockWidgetArea, createInspectorDock());
    splitDockWidget(m_inspectorDock, createTimelineDock(), Qt::Horizontal);
    tabifyDockWidget(m_timelineDock, createProblemsDock());
    m_timelineDock->raise();
    // Runbooks sit with the inspector, which names them; a run gets a tab of its own there
    // too, so the map stays in view while the path turns green.
    tabifyDockWidget(m_inspectorDock, createRunbookDock());
    tabifyDockWidget(m_inspectorDock, createRunnerDock());
    m_runnerDock->hide();  // until there is a run
    m_inspectorDock->raise();
    createMenus();
    createToolBar();
    connectActions();
    connectWelcome();

    m_status = new QLabel(this);
    statusBar()->addWidget(m_status, 1);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("probeProgress"));
    m_progress->setAccessibleName(tr("Probing progress"));
    m_progress->setMaximumWidth(220);
    m_progress->setTextVisible(true);
    m_progress->hide();
    statusBar()->addPermanentWidget(m_progress);
    m_zoom = new QLabel(this);
    m_zoom->setToolTip(tr("Map zoom"));
    statusBar()->addPermanentWidget(m_zoom);

    // Rows leaving the list move its current row; that is not the user choosing another environment.
    connect(m_environments, &QAbstractItemModel::rowsAboutToBeRemoved, this, [this] { m_modelChanging = true; });
    connect(m_environments, &QAbstractItemModel::modelAboutToBeReset, this, [this] { m_modelChanging = true; });
    connect(m_workspace, &Workspace::changed, this, &MainWindow::onWorkspaceChanged);
    connect(m_scene, &TopologyScene::hopSelected, this, &MainWindow::onHopSelected);
    const auto showZoom = [this](qreal zoom) { m_zoom->setText(tr("%1%").arg(qRound(zoom * 100))); };
    connect(m_view, &TopologyView::zoomChanged, this, showZoom);
    showZoom(m_view->zoom());

    if (m_live) {
        connect(m_live, &LiveProbing::environmentUpdated, this, &MainWindow::onEnvironmentUpdated);
        connect(m_live, &LiveProbing::statusChanged, this, &MainWindow::onStatusChanged);
        connect(m_live, &LiveProbing::progressChanged, this, &MainWindow::onProgress);
        m_live->setIntervalOverride(m_settings->probeInterval());
        if (m_history)
            connect(m_live, &LiveProbing::resultArrived, m_history, &HistoryService::record);
    }

    restoreLayout();
    onWorkspaceChanged();
}

MainWindow::~MainWindow() = default;

void MainWindow::createCentre()
{
    m_view = new TopologyView(m_scene, this);
    m_view->setObjectName(QStringLiteral("topologyView"));
    m_view->setAccessibleName(tr("Topology map"));
    m_view->setAccessibleDescription(tr("The request path of the selected environment, hop by hop. "
                                        "Arrow keys move between hops."));
    m_welcome = new WelcomePage(m_settings, this);
    m_centre = new QStackedWidget(this);
    m_centre->addWidget(m_welcome);
    m_centre->addWidget(m_view);
    m_centre->setCurrentWidget(m_view);  // until onWorkspaceChanged() finds no file open
    setCentralWidget(m_centre);
}

void MainWindow::connectWelcome()
{
    m_lab = new LabStarter(bundledLabDirectory(), this);
    connect(m_welcome, &WelcomePage::openRequested, this, &MainWindow::openWithDialog);
    connect(m_welcome, &WelcomePage::newEnvironmentRequested, this, &MainWindow::newEnvironmentWithDialog);
    connect(m_welcome, &WelcomePage::labRequested, this, &MainWindow::startBundledLab);
    connect(m_welcome, &WelcomePage::walkthroughRequested, this, &MainWindow::startLabWalkthrough);
    connect(m_welcome, &WelcomePage::referenceRequested, this, &MainWindow::showFileFormatReference);
    connect(m_welcome, &WelcomePage::recentFileChosen, this, [this](const QString& path) { openFiles({path}); });
    connect(m_lab, &LabStarter::output, m_welcome, &WelcomePage::appendLabOutput);
    connect(m_lab, &LabStarter::ready, this, [this](const QString& file) {
        m_welcome->showLabReady();
        openFiles({file});
        statusBar()->showMessage(tr("The lab is up. It keeps running after Hopscope quits; `labctl down` in %1 stops it.")
                                     .arg(QDir::toNativeSeparators(m_lab->directory())),
                                 15000);
    });
    connect(m_lab, &LabStarter::failed, this, [this](const QString& message) {
        m_welcome->showLabFailed(message);
        if (!isShowingWelcome())  // a file was opened meanwhile: the page is out of sight
            QMessageBox::warning(this, tr("Start the Lab"), tr("The lab did not start. %1").arg(message));
    });
}

bool MainWindow::isShowingWelcome() const
{
    return m_centre->currentWidget() == m_welcome;
}

QList<QDockWidget*> MainWindow::docks() const
{
    return {m_environmentDock, m_inspectorDock, m_problemsDock, m_timelineDock, m_runbookDock, m_runnerDock};
}

void MainWindow::updateCentre()
{
    const bool welcome = m_workspace->files().empty();
    if (welcome == isShowingWelcome())
        return;
    // The panels only describe open files: the welcome page has the window to itself, and
    // the panels come back as the user left them.
    if (welcome) {
        m_layoutBeforeWelcome = saveState();
        for (QDockWidget* dock : docks())
            dock->hide();
        m_toolBar->hide();
        m_zoom->hide();
        m_centre->setCurrentWidget(m_welcome);
        m_welcome->setFocus(Qt::OtherFocusReason);  // its first command, for the keyboard
    } else {
        m_centre->setCurrentWidget(m_view);
        restoreState(m_layoutBeforeWelcome);
        m_toolBar->show();
        m_zoom->show();
    }
}

QDockWidget* MainWindow::createEnvironmentDock()
{
    m_environmentView = new QListView(this);
    m_environmentView->setModel(m_environments);
    m_environmentView->setItemDelegate(new EnvironmentDelegate(m_environmentView));
    m_environmentView->setAccessibleName(tr("Environments"));
    m_environmentView->setUniformItemSizes(true);
    m_environmentView->setSpacing(1);
    m_environmentView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    connect(m_environmentView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &MainWindow::onCurrentEnvironmentChanged);

    m_environmentDock = new QDockWidget(tr("Environments"), this);
    m_environmentDock->setObjectName(QStringLiteral("environmentsDock"));
    m_environmentDock->setWidget(m_environmentView);
    return m_environmentDock;
}

QDockWidget* MainWindow::createInspectorDock()
{
    m_inspector = new HopInspector(this);
    if (m_history) {
        m_chart = new HistoryChart(m_history, m_inspector);
        m_inspector->setCompanion(m_chart);
        connect(m_chart->checkChooser(), &QComboBox::activated, this, [this] { m_userPickedCheck = true; });
    }
    m_inspectorDock = new QDockWidget(tr("Inspector"), this);
    m_inspectorDock->setObjectName(QStringLiteral("inspectorDock"));
    m_inspectorDock->setWidget(m_inspector);
    return m_inspectorDock;
}

QDockWidget* MainWindow::createTimelineDock()
{
    m_timelineView = new PlaceholderListView(this);
    m_timelineView->setModel(m_timeline);
    m_timelineView->setAccessibleName(tr("Timeline of status changes"));
    m_timelineView->setPlaceholderText(
        tr("No hop has changed status yet. Each change (a hop turning red or amber, or green again) "
           "is listed here with its time, newest first; activate one to select its hop."));
    m_timelineView->setUniformItemSizes(true);
    m_timelineView->setTextElideMode(Qt::ElideRight);
    m_timelineView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    // Activating a change shows its hop.
    connect(m_timelineView, &QListView::activated, this, [this](const QModelIndex& index) {
        const QString file = index.data(TimelineModel::FilePathRole).toString();
        const QString env = index.data(TimelineModel::EnvironmentRole).toString();
        if (selectEnvironment(file, env))
            selectHopForUser(index.data(TimelineModel::HopIdRole).toString());
    });
    m_timelineDock = new QDockWidget(tr("Timeline"), this);
    m_timelineDock->setObjectName(QStringLiteral("timelineDock"));
    m_timelineDock->setWidget(m_timelineView);
    return m_timelineDock;
}

QComboBox* MainWindow::createIntervalChooser()
{
    auto* box = new QComboBox(this);
    box->setObjectName(QStringLiteral("intervalChooser"));
    box->setAccessibleName(tr("Probing interval"));
    box->setToolTip(tr("How often every environment is probed"));
    box->addItem(tr("Each file's interval"), 0);
    for (const int seconds : {5, 10, 30, 60, 300})
        box->addItem(seconds < 60 ? tr("Every %n second(s)", nullptr, seconds) : tr("Every %n minute(s)", nullptr, seconds / 60),
                     seconds * 1000);
    const int current = box->findData(qint64(m_settings->probeInterval().count()));
    box->setCurrentIndex(qMax(0, current));
    connect(box, &QComboBox::currentIndexChanged, this, [this, box](int index) {
        const std::chrono::milliseconds interval(box->itemData(index).toLongLong());
        m_settings->setProbeInterval(interval);
        if (m_live)
            m_live->setIntervalOverride(interval);
    });
    box->setEnabled(m_live != nullptr);
    return box;
}

QDockWidget* MainWindow::createProblemsDock()
{
    m_problems = new ProblemsPanel(m_diagnostics, this);
    m_problemsDock = new QDockWidget(tr("Problems"), this);
    m_problemsDock->setObjectName(QStringLiteral("problemsDock"));
    m_problemsDock->setWidget(m_problems);
    return m_problemsDock;
}

QDockWidget* MainWindow::createRunbookDock()
{
    for (const std::string& dir : RunbookCatalog::defaultSearchPath())
        m_catalog.addDirectory(dir);
    m_browser = new RunbookBrowser(this);
    m_browser->setCatalog(m_catalog);
    connect(m_browser, &RunbookBrowser::runRequested, this, &MainWindow::runRunbook);
    connect(m_browser, &RunbookBrowser::walkthroughRequested, this, &MainWindow::startWalkthrough);
    connect(m_inspector, &HopInspector::runbookActivated, this, &MainWindow::runRunbook);
    m_runbookDock = new QDockWidget(tr("Runbooks"), this);
    m_runbookDock->setObjectName(QStringLiteral("runbooksDock"));
    m_runbookDock->setWidget(m_browser);
    m_walkthrough = new Walkthrough(m_scene, m_view);
    return m_runbookDock;
}

QDockWidget* MainWindow::createRunnerDock()
{
    m_runner = new RunnerPanel(this);
    connect(m_runner, &RunnerPanel::stepChangedSomething, this, &MainWindow::onStepChangedSomething);
    connect(m_runner, &RunnerPanel::runFinished, this, &MainWindow::onRunFinished);
    m_runnerDock = new QDockWidget(tr("Runbook Run"), this);
    m_runnerDock->setObjectName(QStringLiteral("runnerDock"));
    m_runnerDock->setWidget(m_runner);
    return m_runnerDock;
}

const Runbook* MainWindow::runbookForCurrent(const QString& id, const QString& purpose)
{
    QString problem;
    const Runbook* runbook = m_catalog.find(id.toStdString());
    if (!currentEnvironment())
        problem = tr("Choose an environment first: a runbook runs against the environment on the map.");
    else if (!runbook)
        problem = tr("No runbook with the id \"%1\" was found. Hopscope reads runbooks from "
                     "HOPSCOPE_RUNBOOK_PATH and its bundled library.").arg(id);
    if (problem.isEmpty())
        return runbook;
    QMessageBox::warning(this, purpose, problem);
    return nullptr;
}

bool MainWindow::runRunbook(const QString& id)
{
    const Runbook* runbook = runbookForCurrent(id, tr("Run Runbook"));
    if (!runbook)
        return false;
    if (m_runner->isRunning()) {
        QMessageBox::information(this, tr("Run Runbook"),
                                 tr("A run of another runbook is still going. Finish or abort it first."));
        m_runnerDock->show();
        m_runnerDock->raise();
        return false;
    }
    const Environment& env = *currentEnvironment();
    ParametersDialog dialog(*runbook, env, this);
    if (dialog.exec() != QDialog::Accepted || !dialog.plan())
        return false;
    const auto* state = liveState(m_wantedFile, m_wantedName);
    const QString diagnosis = describeDiagnosis(env, state ? state->diagnosis : diagnose(env, {}));
    QString error;
    if (!m_runner->start(*dialog.plan(), m_wantedFile, diagnosis, dialog.dryRun(), &error)) {
        QMessageBox::warning(this, tr("Run Runbook"), tr("The run did not start: %1").arg(error));
        return false;
    }
    m_runnerDock->show();
    m_runnerDock->raise();
    m_actions->exportRunReport->setEnabled(true);
    return true;
}

bool MainWindow::startWalkthrough(const QString& id)
{
    const Runbook* runbook = runbookForCurrent(id, tr("Walkthrough"));
    if (!runbook)
        return false;
    if (m_actions->showAll->isChecked())
        m_actions->showAll->setChecked(false);  // a tour points at one environment's hops
    QString error;
    if (!m_walkthrough->start(*runbook, *currentEnvironment(), &error)) {
        QMessageBox::warning(this, tr("Walkthrough"), error);
        return false;
    }
    return true;
}

void MainWindow::offerResume()
{
    AuditLog audit;
    if (m_runner->isRunning() || !audit.open())
        return;  // without a trail there is nothing to offer; a run says why it cannot record
    const std::optional<ResumeOffer::Choice> choice = ResumeOffer::ask(this, audit);
    if (!choice)
        return;
    m_runnerDock->show();
    m_runnerDock->raise();
    QString error;
    if (!m_runner->resume(choice->request, choice->rerun, &error)) {
        QMessageBox::warning(this, tr("Resume Run"), tr("The run could not be resumed: %1").arg(error));
        return;
    }
    m_actions->exportRunReport->setEnabled(true);
}

void MainWindow::onStepChangedSomething(const QString& file, const QString& environment)
{
    // The engineer watches the path turn green: probe what the step may have changed now,
    // not at the next interval.
    if (m_live)
        m_live->probeNow(file, environment);
}

void MainWindow::onRunFinished(RunOutcome outcome)
{
    statusBar()->showMessage(tr("Run %1 of %2: %3").arg(m_runner->runId(), m_runner->environment(), runOutcomeName(outcome)),
                             8000);
}

void MainWindow::createMenus()
{
    auto* recent = new RecentFilesMenu(m_settings, this);
    connect(recent, &RecentFilesMenu::fileChosen, this, [this](const QString& path) { openFiles({path}); });
    m_actions->fillMenuBar(menuBar(), recent,
                           {m_environmentDock->toggleViewAction(), m_inspectorDock->toggleViewAction(),
                            m_runbookDock->toggleViewAction(), m_runnerDock->toggleViewAction(),
                            m_timelineDock->toggleViewAction(), m_problemsDock->toggleViewAction()});
}

void MainWindow::createToolBar()
{
    m_interval = createIntervalChooser();
    m_toolBar = m_actions->createToolBar(this, m_interval);
    addToolBar(m_toolBar);
}

void MainWindow::connectActions()
{
    connect(m_actions->newEnvironment, &QAction::triggered, this, &MainWindow::newEnvironmentWithDialog);
    connect(m_actions->open, &QAction::triggered, this, &MainWindow::openWithDialog);
    connect(m_actions->reload, &QAction::triggered, m_workspace, &Workspace::reloadAll);
    connect(m_actions->closeFile, &QAction::triggered, this, &MainWindow::closeCurrentFile);
    connect(m_actions->quit, &QAction::triggered, this, &QWidget::close);
    connect(m_actions->zoomIn, &QAction::triggered, m_view, &TopologyView::zoomIn);
    connect(m_actions->zoomOut, &QAction::triggered, m_view, &TopologyView::zoomOut);
    connect(m_actions->fit, &QAction::triggered, m_view, &TopologyView::fitToWindow);
    connect(m_actions->fileFormatReference, &QAction::triggered, this, &MainWindow::showFileFormatReference);
    connect(m_actions->about, &QAction::triggered, this, &MainWindow::showAbout);
    connect(m_actions->probeNow, &QAction::triggered, this, [this] {
        if (m_live)
            m_live->probeNow();
    });
    connect(m_actions->pause, &QAction::toggled, this, [this](bool paused) {
        if (m_live)
            m_live->setPaused(paused);
        updateStatus();
    });
    connect(m_actions->exportPng, &QAction::triggered, this, [this] { exportWithDialog(QStringLiteral("png")); });
    connect(m_actions->exportSvg, &QAction::triggered, this, [this] { exportWithDialog(QStringLiteral("svg")); });
    connect(m_actions->copyDiagnosis, &QAction::triggered, this, &MainWindow::copyDiagnosis);
    connect(m_actions->runRunbook, &QAction::triggered, this, [this] {
        m_runbookDock->show();
        m_runbookDock->raise();
        m_browser->filterField()->setFocus(Qt::ShortcutFocusReason);
    });
    connect(m_actions->walkthrough, &QAction::triggered, this, [this] {
        // The bundled tour when it is there, else the browser to choose one.
        if (m_catalog.find("onboarding-tour")) {
            startWalkthrough(QStringLiteral("onboarding-tour"));
        } else {
            m_runbookDock->show();
            m_runbookDock->raise();
        }
    });
    connect(m_actions->exportRunReport, &QAction::triggered, m_runner, &RunnerPanel::exportWithDialog);
    m_actions->exportRunReport->setEnabled(false);
    m_actions->probeNow->setEnabled(m_live != nullptr);
    m_actions->pause->setEnabled(m_live != nullptr);
    connect(m_actions->showAll, &QAction::toggled, this, &MainWindow::setStacked);
    connect(m_scene, &TopologyScene::laneHopSelected, this, &MainWindow::onLaneHopSelected);
}

void MainWindow::restoreLayout()
{
    if (!restoreGeometry(m_settings->windowGeometry())) {
        const QRect available = screen() ? screen()->availableGeometry() : QRect(0, 0, 1600, 1000);
        const QSize size = QSize(1480, 920).boundedTo(available.size() * 0.92);
        setGeometry(QStyle::alignedRect(Qt::LeftToRight, Qt::AlignCenter, size, available));
    }
    if (!restoreState(m_settings->windowState())) {
        resizeDocks({m_environmentDock}, {240}, Qt::Horizontal);
        resizeDocks({m_inspectorDock, m_timelineDock}, {width() * 7 / 10, width() * 3 / 10}, Qt::Horizontal);
        resizeDocks({m_inspectorDock}, {height() * 2 / 5}, Qt::Vertical);
    }
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    m_settings->setWindowGeometry(saveGeometry());
    m_settings->setWindowState(isShowingWelcome() ? m_layoutBeforeWelcome : saveState());
    m_settings->sync();
    QMainWindow::closeEvent(event);
}

void MainWindow::openFiles(const QStringList& paths)
{
    for (const QString& path : paths)
        m_settings->addRecentFile(path);
    m_workspace->open(paths);
}

bool MainWindow::selectEnvironment(const QString& filePath, const QString& name)
{
    const QModelIndex index = m_environments->find(filePath, name);
    if (!index.isValid())
        return false;
    m_environmentView->setCurrentIndex(index);
    return true;
}

void MainWindow::selectHopForUser(const QString& id)
{
    m_userPickedHop = true;
    m_scene->selectHop(id);
}

const Environment* MainWindow::currentEnvironment() const
{
    return m_environments->environment(m_environmentView->currentIndex());
}

void MainWindow::onCurrentEnvironmentChanged(const QModelIndex& current)
{
    if (m_modelChanging)
        return;  // onWorkspaceChanged() puts the chosen environment back
    m_wantedFile = current.data(EnvironmentListModel::FilePathRole).toString();
    m_wantedName = current.data(EnvironmentListModel::NameRole).toString();
    if (m_walkthrough->isActive())
        m_walkthrough->finish();  // its hops belong to the environment that was shown
    showEnvironment(current);
}

void MainWindow::onWorkspaceChanged()
{
    m_modelChanging = false;
    QModelIndex index = m_environments->find(m_wantedFile, m_wantedName);
    if (!index.isValid())
        index = m_environments->index(0, 0);
    m_wantedFile = index.data(EnvironmentListModel::FilePathRole).toString();
    m_wantedName = index.data(EnvironmentListModel::NameRole).toString();
    if (m_scene->isStacked() || m_actions->showAll->isChecked())
        setStacked(true);  // files came, went or changed: draw the lanes again
    if (index == m_environmentView->currentIndex())
        showEnvironment(index);  // same row, new contents: redraw
    else
        m_environmentView->setCurrentIndex(index);
    updateTitle();
    updateStatus();
    updateActions();
    updateCentre();
}

void MainWindow::showEnvironment(const QModelIndex& index)
{
    const Environment* env = m_environments->environment(index);
    if (m_scene->isStacked()) {
        // Every lane is drawn already; choosing an environment only moves the inspector.
        const QString selected = m_scene->selectedHop().section(QChar(0x1f), 1);
        if (!env || m_scene->selectedHop().section(QChar(0x1f), 0, 0) != laneOf(m_wantedFile, m_wantedName))
            m_inspector->clear();
        else
            onHopSelected(selected);
        updateActions();
        return;
    }
    if (!env) {
        m_scene->clearEnvironment();
        m_inspector->clear();
        updateActions();
        return;
    }
    m_scene->setEnvironment(*env);
    // Something to read in the inspector from the start; once the probes name a likely
    // cause, showLiveState() selects it instead, unless the user has picked a hop.
    if (m_scene->selectedHop().isEmpty() && !env->hops.empty()) {
        m_selectingForUser = true;
        m_scene->selectHop(QString::fromStdString(env->hops.front().id));
        m_selectingForUser = false;
    }
    showLiveState();
    updateActions();
}

QString MainWindow::laneOf(const QString& file, const QString& name)
{
    return Workspace::normalizedPath(file) + QChar(0x1e) + name;
}

void MainWindow::setStacked(bool stacked)
{
    if (m_walkthrough->isActive())
        m_walkthrough->finish();
    if (!stacked) {
        m_scene->clearEnvironment();
        showEnvironment(m_environmentView->currentIndex());
        return;
    }
    QList<TopologyScene::Lane> lanes;
    for (int row = 0; row < m_environments->rowCount(); ++row) {
        const QModelIndex index = m_environments->index(row);
        const QString file = index.data(EnvironmentListModel::FilePathRole).toString();
        const QString name = index.data(EnvironmentListModel::NameRole).toString();
        lanes.push_back({laneOf(file, name), tr("%1 · %2").arg(name, QFileInfo(file).fileName()), m_environments->environment(index)});
    }
    m_scene->setLanes(lanes);
    for (const TopologyScene::Lane& lane : std::as_const(lanes)) {
        const QString file = lane.key.section(QChar(0x1e), 0, 0);
        const QString name = QString::fromStdString(lane.environment->name);
        if (liveState(file, name))
            m_scene->setLaneStates(lane.key, m_live->hopStates(file, name));
    }
    updateActions();
}

void MainWindow::onLaneHopSelected(const QString& lane, const QString& hop)
{
    const QString file = lane.section(QChar(0x1e), 0, 0);
    const QString name = lane.section(QChar(0x1e), 1);
    m_userPickedHop = true;
    if (file != Workspace::normalizedPath(m_wantedFile) || name != m_wantedName)
        selectEnvironment(file, name);  // moves the list; the inspector follows below
    onHopSelected(hop);
}

const LiveProbing::EnvironmentState* MainWindow::liveState(const QString& file, const QString& name) const
{
    const LiveProbing::EnvironmentState* state = m_live ? m_live->environment(file, name) : nullptr;
    // The workspace may have reloaded the file before the probing has: only what belongs to
    // the file as shown may be drawn.
    if (!state || state->file.get() != m_workspace->file(file).get())
        return nullptr;
    return state;
}

QString MainWindow::worstCheckOf(const Hop& hop, const Diagnosis& diagnosis)
{
    // The chart opens on the check that says most.
    const HopVerdict* verdict = diagnosis.verdict(hop.id);
    const CheckResult* worst = verdict ? worstResult(*verdict) : nullptr;
    return worst ? QString::fromStdString(worst->check) : QString();
}

void MainWindow::followWorstCheck()
{
    // A hop selected before its results came charts its first check; once they come, the
    // chart moves to the one that says most, unless the engineer chose one.
    const Environment* env = currentEnvironment();
    const Hop* hop = env ? env->hop(m_scene->selectedHop().toStdString()) : nullptr;
    const auto* state = liveState(m_wantedFile, m_wantedName);
    if (!hop || !state)
        return;
    if (const QString worst = worstCheckOf(*hop, state->diagnosis); !worst.isEmpty() && worst != m_chart->check())
        m_chart->setCheck(worst);
}

void MainWindow::onEnvironmentUpdated(const QString& file, const QString& name)
{
    const bool current = Workspace::normalizedPath(file) == Workspace::normalizedPath(m_wantedFile) && name == m_wantedName;
    if (current && m_chart) {
        if (!m_userPickedCheck)
            followWorstCheck();
        m_chart->refresh();
    }
    if (m_scene->isStacked()) {
        if (liveState(file, name))
            m_scene->setLaneStates(laneOf(file, name), m_live->hopStates(file, name));
        if (current) {
            if (const auto* state = liveState(file, name); state && m_inspector->hasHop())
                m_inspector->showResults(state->diagnosis, state->stale);
        }
        return;
    }
    if (current)
        showLiveState();
}

void MainWindow::showLiveState()
{
    const LiveProbing::EnvironmentState* state = liveState(m_wantedFile, m_wantedName);
    if (!state || m_scene->isStacked())
        return;
    m_scene->setHopStates(m_live->hopStates(m_wantedFile, m_wantedName));
    if (!m_userPickedHop && !state->diagnosis.likelyCauses.empty()) {
        const QString cause = QString::fromStdString(state->diagnosis.likelyCauses.front());
        if (m_scene->selectedHop() != cause) {
            m_selectingForUser = true;
            m_scene->selectHop(cause);
            m_selectingForUser = false;
        }
    }
    if (m_inspector->hasHop())
        m_inspector->showResults(state->diagnosis, state->stale);
}

void MainWindow::onStatusChanged(const StatusChange& change)
{
    m_timeline->add(change);
}

void MainWindow::onProgress(int done, int total)
{
    if (total <= 0 || done >= total) {
        m_progress->hide();
        return;
    }
    m_progress->setRange(0, total);
    m_progress->setValue(done);
    m_progress->setFormat(tr("Probing %1/%2").arg(done).arg(total));
    m_progress->show();
}

QString MainWindow::progressText() const
{
    return m_progress->isVisible() ? m_progress->text() : QString();
}

void MainWindow::onHopSelected(const QString& id)
{
    if (!m_selectingForUser && !id.isEmpty())
        m_userPickedHop = true;
    const Environment* env = currentEnvironment();
    const Hop* hop = env ? env->hop(id.toStdString()) : nullptr;
    if (hop) {
        m_inspector->showHop(*env, *hop);
        QString worstCheck;
        if (const auto* state = liveState(m_wantedFile, m_wantedName)) {
            m_inspector->showResults(state->diagnosis, state->stale);
            worstCheck = worstCheckOf(*hop, state->diagnosis);
        }
        if (m_chart) {
            m_userPickedCheck = false;
            m_chart->showHop(m_wantedFile, *env, *hop, worstCheck);
        }
    } else {
        m_inspector->clear();
        if (m_chart)
            m_chart->clear();
    }
}

QString MainWindow::diagnosisText() const
{
    const Environment* env = currentEnvironment();
    if (!env)
        return {};
    const auto* state = liveState(m_wantedFile, m_wantedName);
    if (!state)
        return HopText::diagnosisSummary(*env, diagnose(*env, {}), QFileInfo(m_wantedFile).fileName());
    return HopText::diagnosisSummary(*env, state->diagnosis, QFileInfo(m_wantedFile).fileName());
}

void MainWindow::copyDiagnosis()
{
    const QString text = diagnosisText();
    if (text.isEmpty())
        return;
    QGuiApplication::clipboard()->setText(text);
    statusBar()->showMessage(tr("Diagnosis copied to the clipboard"), 4000);
}

bool MainWindow::exportMap(const QString& path, QString* error)
{
    const MapPicture picture{windowTitle(), diagnosisText(), palette().color(QPalette::Window)};
    const QString cause = picture.write(*m_scene, path);
    if (cause.isEmpty()) {
        statusBar()->showMessage(tr("Map saved to %1").arg(QDir::toNativeSeparators(path)), 4000);
        return true;
    }
    const QString message = tr("Could not save the map to %1: %2").arg(QDir::toNativeSeparators(path), cause);
    if (error)
        *error = message;
    else
        QMessageBox::warning(this, tr("Export Map"), message);
    return false;
}

void MainWindow::exportWithDialog(const QString& format)
{
    const QString suggested = QStringLiteral("%1-%2.%3")
                                  .arg(QFileInfo(m_wantedFile).completeBaseName(), m_wantedName, format);
    const QString filter = format == QLatin1String("svg") ? tr("SVG drawings (*.svg)") : tr("PNG images (*.png)");
    QString path = QFileDialog::getSaveFileName(this, tr("Export Map"), suggested, filter);
    if (path.isEmpty())
        return;
    if (!path.endsWith(u'.' + format, Qt::CaseInsensitive))
        path += u'.' + format;
    exportMap(path);
}

QString MainWindow::statusText() const
{
    return m_status->text();
}

void MainWindow::updateTitle()
{
    setWindowTitle(WorkspaceSummary::windowTitle(*m_workspace));
    const QStringList paths = m_workspace->paths();
    setWindowFilePath(paths.size() == 1 ? paths.first() : QString());
}

void MainWindow::updateStatus()
{
    QString line = WorkspaceSummary::statusLine(*m_workspace);
    if (m_live && m_live->isPaused())
        line += tr(" · live probing paused (F5 probes once)");
    m_status->setText(line);
    m_problemsDock->setWindowTitle(WorkspaceSummary::problemsTitle(*m_workspace));
}

void MainWindow::updateActions()
{
    const bool anyFile = !m_workspace->files().empty();
    m_actions->reload->setEnabled(anyFile);
    m_actions->closeFile->setEnabled(anyFile);
    const bool anyMap = !m_scene->hopItems().isEmpty();
    m_actions->exportPng->setEnabled(anyMap);
    m_actions->exportSvg->setEnabled(anyMap);
    m_actions->copyDiagnosis->setEnabled(anyMap);
    m_actions->zoomIn->setEnabled(anyMap);
    m_actions->zoomOut->setEnabled(anyMap);
    m_actions->fit->setEnabled(anyMap);
    m_actions->walkthrough->setEnabled(anyMap);
}

void MainWindow::openWithDialog()
{
    const QStringList recent = m_settings->recentFiles();
    const QString directory = recent.isEmpty() ? QString() : QFileInfo(recent.first()).absolutePath();
    const QStringList paths = QFileDialog::getOpenFileNames(
        this, tr("Open Environment Files"), directory,
        tr("Environment files (*.yaml *.yml *.json);;All files (*)"));
    if (!paths.isEmpty())
        openFiles(paths);
}

void MainWindow::newEnvironmentWithDialog()
{
    const QStringList recent = m_settings->recentFiles();
    const QDir directory(recent.isEmpty() ? QDir::homePath() : QFileInfo(recent.first()).absolutePath());
    QString path = QFileDialog::getSaveFileName(this, tr("New Environment"),
                                                directory.filePath(QStringLiteral("environment.yaml")),
                                                tr("Environment files (*.yaml *.yml)"));
    if (path.isEmpty())
        return;
    bool replace = true;  // the dialog asked before it returned an existing file
    if (QFileInfo(path).suffix().isEmpty()) {
        path += QStringLiteral(".yaml");  // a name the dialog did not ask about
        replace = QFileInfo::exists(path);
        if (replace && QMessageBox::question(this, tr("New Environment"),
                                             tr("%1 already exists. Replace it with a new starter file?")
                                                 .arg(QDir::toNativeSeparators(path)))
                           != QMessageBox::Yes)
            return;
    }
    writeStarter(path, replace, nullptr);
}

bool MainWindow::createEnvironment(const QString& path, QString* error)
{
    return writeStarter(path, false, error);
}

bool MainWindow::writeStarter(const QString& path, bool replace, QString* error)
{
    const QString problem = StarterEnvironment::write(
        path, replace ? StarterEnvironment::Overwrite::Allow : StarterEnvironment::Overwrite::Refuse);
    if (problem.isEmpty()) {
        openFiles({path});
        statusBar()->showMessage(tr("Wrote %1: change its placeholders, and the map follows each save")
                                     .arg(QDir::toNativeSeparators(path)),
                                 8000);
        return true;
    }
    const QString message = tr("The new environment file was not written: %1").arg(problem);
    if (error)
        *error = message;
    else
        QMessageBox::warning(this, tr("New Environment"), message);
    return false;
}

void MainWindow::startBundledLab()
{
    if (m_lab->isRunning())
        return;
    m_welcome->showLabStarting();
    m_lab->start();
}

bool MainWindow::startLabWalkthrough()
{
    const QString file = m_lab->environmentFile();
    openFiles({file});
    selectEnvironment(file, QStringLiteral("qa"));  // the tour's hops are those of the lab's qa path
    return startWalkthrough(QStringLiteral("onboarding-tour"));
}

ReferenceDialog* MainWindow::showFileFormatReference()
{
    if (!m_reference) {
        m_reference = new ReferenceDialog(this);
        m_reference->setAttribute(Qt::WA_DeleteOnClose);
        m_reference->setWindowTitle(tr("File Format Reference"));
        m_reference->showDocument(fileFormatReferencePath());
    }
    m_reference->show();
    m_reference->raise();
    m_reference->activateWindow();
    return m_reference;
}

void MainWindow::closeCurrentFile()
{
    QString path = m_environmentView->currentIndex().data(EnvironmentListModel::FilePathRole).toString();
    if (path.isEmpty() && !m_workspace->files().empty())
        path = m_workspace->paths().constLast();  // a file with no environments, only problems
    if (!path.isEmpty())
        m_workspace->close(path);
}

void MainWindow::showAbout()
{
    const auto link = [](const QString& file, const QString& text) -> QString {
        return file.isEmpty() ? text
                              : QStringLiteral("<a href=\"%1\">%2</a>")
                                    .arg(QUrl::fromLocalFile(file).toString(QUrl::FullyEncoded).toHtmlEscaped(), text);
    };
    const QString readmeFile = readmePath();
    const QString readme = readmeFile.isEmpty()
        ? QString()
        : tr("<p>The %1 says what Hopscope does today and how to begin.</p>").arg(link(readmeFile, tr("README")));
    // docs/licensing.md: the licence is the team's decision; until it is made, say so.
    const QString licence =
        tr("<p><b>Licence:</b> Hopscope's own licence has not been chosen yet. It links Qt Charts, "
           "which is under GPL-3.0-or-later, and other libraries under permissive licences: "
           "see %1.</p>")
            .arg(link(licensingPath(), tr("Licensing")));
    QMessageBox::about(this, tr("About Hopscope"),
                       tr("<h3>Hopscope %1</h3>"
                          "<p>Draws each environment's request path as a map, shows which hop is broken "
                          "and which are only symptoms, and helps fix it safely.</p>"
                          "<p>Built with Qt %2.</p>")
                               .arg(QCoreApplication::applicationVersion().toHtmlEscaped(), QString::fromLatin1(qVersion()))
                           + licence + readme);
}

} // namespace hopscope
