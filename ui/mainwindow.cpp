#include "mainwindow.h"

#include "diagnosticsmodel.h"
#include "environmentlistmodel.h"
#include "hopinspector.h"
#include "mainactions.h"
#include "problemspanel.h"
#include "recentfilesmenu.h"
#include "settings.h"
#include "topologyscene.h"
#include "topologyview.h"
#include "workspace.h"
#include "workspacesummary.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QListView>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QStyle>
#include <QStatusBar>

namespace hopscope {

MainWindow::MainWindow(Workspace* workspace, Settings* settings, QWidget* parent)
    : QMainWindow(parent)
    , m_workspace(workspace)
    , m_settings(settings)
    , m_actions(new MainActions(this))
    , m_environments(new EnvironmentListModel(workspace, this))
    , m_diagnostics(new DiagnosticsModel(workspace, this))
    , m_scene(new TopologyScene(this))
{
    setObjectName(QStringLiteral("MainWindow"));
    createCentre();
    addDockWidget(Qt::LeftDockWidgetArea, createEnvironmentDock());
    // The path runs left to right, so the map gets the full width; the inspector's
    // one-line probe summaries (URLs, DSNs, argv) want width too, so it sits below, beside
    // the problems. Every dock can be moved, and where the user puts it is remembered.
    addDockWidget(Qt::BottomDockWidgetArea, createInspectorDock());
    splitDockWidget(m_inspectorDock, createProblemsDock(), Qt::Horizontal);
    createMenus();
    createToolBar();
    connectActions();

    m_status = new QLabel(this);
    statusBar()->addWidget(m_status, 1);
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
    setCentralWidget(m_view);
}

QDockWidget* MainWindow::createEnvironmentDock()
{
    m_environmentView = new QListView(this);
    m_environmentView->setModel(m_environments);
    m_environmentView->setAccessibleName(tr("Environments"));
    m_environmentView->setUniformItemSizes(true);
    m_environmentView->setSpacing(2);
    m_environmentView->setIconSize(QSize(16, 16));
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
    m_inspectorDock = new QDockWidget(tr("Inspector"), this);
    m_inspectorDock->setObjectName(QStringLiteral("inspectorDock"));
    m_inspectorDock->setWidget(m_inspector);
    return m_inspectorDock;
}

QDockWidget* MainWindow::createProblemsDock()
{
    m_problems = new ProblemsPanel(m_diagnostics, this);
    m_problemsDock = new QDockWidget(tr("Problems"), this);
    m_problemsDock->setObjectName(QStringLiteral("problemsDock"));
    m_problemsDock->setWidget(m_problems);
    return m_problemsDock;
}

void MainWindow::createMenus()
{
    auto* recent = new RecentFilesMenu(m_settings, this);
    connect(recent, &RecentFilesMenu::fileChosen, this, [this](const QString& path) { openFiles({path}); });
    m_actions->fillMenuBar(menuBar(), recent,
                           {m_environmentDock->toggleViewAction(), m_inspectorDock->toggleViewAction(),
                            m_problemsDock->toggleViewAction()});
}

void MainWindow::createToolBar()
{
    addToolBar(m_actions->createToolBar(this));
}

void MainWindow::connectActions()
{
    connect(m_actions->open, &QAction::triggered, this, &MainWindow::openWithDialog);
    connect(m_actions->reload, &QAction::triggered, m_workspace, &Workspace::reloadAll);
    connect(m_actions->closeFile, &QAction::triggered, this, &MainWindow::closeCurrentFile);
    connect(m_actions->quit, &QAction::triggered, this, &QWidget::close);
    connect(m_actions->zoomIn, &QAction::triggered, m_view, &TopologyView::zoomIn);
    connect(m_actions->zoomOut, &QAction::triggered, m_view, &TopologyView::zoomOut);
    connect(m_actions->fit, &QAction::triggered, m_view, &TopologyView::fitToWindow);
    connect(m_actions->about, &QAction::triggered, this, &MainWindow::showAbout);
}

void MainWindow::restoreLayout()
{
    if (!restoreGeometry(m_settings->windowGeometry())) {
        const QRect available = screen() ? screen()->availableGeometry() : QRect(0, 0, 1600, 1000);
        const QSize size = QSize(1480, 920).boundedTo(available.size() * 0.92);
        setGeometry(QStyle::alignedRect(Qt::LeftToRight, Qt::AlignCenter, size, available));
    }
    if (!restoreState(m_settings->windowState())) {
        resizeDocks({m_environmentDock}, {170}, Qt::Horizontal);
        resizeDocks({m_inspectorDock, m_problemsDock}, {width() * 7 / 10, width() * 3 / 10}, Qt::Horizontal);
        resizeDocks({m_inspectorDock}, {height() * 2 / 5}, Qt::Vertical);
    }
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    m_settings->setWindowGeometry(saveGeometry());
    m_settings->setWindowState(saveState());
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
    if (index == m_environmentView->currentIndex())
        showEnvironment(index);  // same row, new contents: redraw
    else
        m_environmentView->setCurrentIndex(index);
    updateTitle();
    updateStatus();
    updateActions();
}

void MainWindow::showEnvironment(const QModelIndex& index)
{
    const Environment* env = m_environments->environment(index);
    if (!env) {
        m_scene->clearEnvironment();
        m_inspector->clear();
        updateActions();
        return;
    }
    m_scene->setEnvironment(*env);
    // Something to read in the inspector from the start; once probes run, this is where
    // the likely cause will be selected instead.
    if (m_scene->selectedHop().isEmpty() && !env->hops.empty())
        m_scene->selectHop(QString::fromStdString(env->hops.front().id));
    updateActions();
}

void MainWindow::onHopSelected(const QString& id)
{
    const Environment* env = currentEnvironment();
    const Hop* hop = env ? env->hop(id.toStdString()) : nullptr;
    if (hop)
        m_inspector->showHop(*env, *hop);
    else
        m_inspector->clear();
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
    m_status->setText(WorkspaceSummary::statusLine(*m_workspace));
    m_problemsDock->setWindowTitle(WorkspaceSummary::problemsTitle(*m_workspace));
}

void MainWindow::updateActions()
{
    const bool anyFile = !m_workspace->files().empty();
    m_actions->reload->setEnabled(anyFile);
    m_actions->closeFile->setEnabled(anyFile);
    const bool anyMap = !m_scene->hopItems().isEmpty();
    m_actions->zoomIn->setEnabled(anyMap);
    m_actions->zoomOut->setEnabled(anyMap);
    m_actions->fit->setEnabled(anyMap);
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
    QMessageBox::about(this, tr("About Hopscope"),
                       tr("<h3>Hopscope %1</h3>"
                          "<p>Draws each environment's request path as a map, shows which hop is broken "
                          "and which are only symptoms, and helps fix it safely.</p>"
                          "<p>Built with Qt %2.</p>")
                           .arg(QCoreApplication::applicationVersion().toHtmlEscaped(), QString::fromLatin1(qVersion())));
}

} // namespace hopscope
