#include "mainactions.h"

#include "glyphs.h"

#include <QAction>
#include <QApplication>
#include <QIcon>
#include <QMenu>
#include <QMenuBar>
#include <QPalette>
#include <QStyle>
#include <QToolBar>

namespace hopscope {

namespace {

QAction* make(QObject* parent, const QString& text, const QKeySequence& shortcut, const QString& themeIcon,
              const QString& toolTip)
{
    auto* action = new QAction(text, parent);
    action->setShortcut(shortcut);
    action->setIcon(QIcon::fromTheme(themeIcon));
    action->setToolTip(toolTip);
    action->setStatusTip(toolTip);
    return action;
}

} // namespace

MainActions::MainActions(QObject* parent) : QObject(parent)
{
    QStyle* style = QApplication::style();
    newEnvironment = make(this, tr("&New Environment…"), QKeySequence::New, QStringLiteral("document-new"),
                          tr("Write a commented starter environment file with a hop of each kind, and open it"));
    if (newEnvironment->icon().isNull())
        newEnvironment->setIcon(style->standardIcon(QStyle::SP_FileIcon));
    open = make(this, tr("&Open…"), QKeySequence::Open, QStringLiteral("document-open"),
                tr("Open environment files (YAML or JSON)"));
    if (open->icon().isNull())
        open->setIcon(style->standardIcon(QStyle::SP_DialogOpenButton));
    reload = make(this, tr("&Reload"), QKeySequence(tr("Ctrl+R")), QStringLiteral("view-refresh"),
                  tr("Read every open file again"));
    if (reload->icon().isNull())
        reload->setIcon(style->standardIcon(QStyle::SP_BrowserReload));
    closeFile = make(this, tr("&Close File"), QKeySequence::Close, QStringLiteral("document-close"),
                     tr("Close the file the shown environment comes from"));
    quit = make(this, tr("&Quit"), QKeySequence::Quit, QStringLiteral("application-exit"), tr("Quit Hopscope"));
    quit->setMenuRole(QAction::QuitRole);
    zoomIn = make(this, tr("Zoom &In"), QKeySequence::ZoomIn, QStringLiteral("zoom-in"), tr("Zoom in on the map"));
    zoomOut = make(this, tr("Zoom &Out"), QKeySequence::ZoomOut, QStringLiteral("zoom-out"), tr("Zoom out of the map"));
    fit = make(this, tr("&Fit to Window"), QKeySequence(tr("Ctrl+0")), QStringLiteral("zoom-fit-best"),
               tr("Show the whole path, and keep it fitted as the window changes"));
    // Drawn ones where the desktop's icon theme has none, so the toolbar stays consistent.
    const QColor ink = QApplication::palette().color(QPalette::ButtonText);
    for (const auto& [action, glyph] : {std::pair{zoomIn, glyphs::zoomIn()}, std::pair{zoomOut, glyphs::zoomOut()},
                                        std::pair{fit, glyphs::fit()}}) {
        if (action->icon().isNull())
            action->setIcon(glyphs::icon(glyph, ink));
    }
    zoomIn->setShortcuts({QKeySequence::ZoomIn, QKeySequence(tr("Ctrl+="))});  // + without Shift
    probeNow = make(this, tr("&Probe Now"), QKeySequence(Qt::Key_F5), QStringLiteral("view-refresh"),
                    tr("Probe every hop of every environment now"));
    if (probeNow->icon().isNull())
        probeNow->setIcon(style->standardIcon(QStyle::SP_BrowserReload));
    pause = make(this, tr("P&ause Live Probing"), QKeySequence(tr("Ctrl+Shift+P")),
                 QStringLiteral("media-playback-pause"),
                 tr("Stop probing on the interval; Probe Now still works"));
    pause->setCheckable(true);
    if (pause->icon().isNull())
        pause->setIcon(style->standardIcon(QStyle::SP_MediaPause));
    exportPng = make(this, tr("Export Map as &PNG…"), QKeySequence(tr("Ctrl+E")), QStringLiteral("image-x-generic"),
                     tr("Save the map as a picture, for a ticket or a chat"));
    exportSvg = make(this, tr("Export Map as &SVG…"), QKeySequence(tr("Ctrl+Shift+E")), QStringLiteral("image-svg+xml"),
                     tr("Save the map as a scalable drawing"));
    copyDiagnosis = make(this, tr("Copy &Diagnosis"), QKeySequence(tr("Ctrl+Shift+C")), QStringLiteral("edit-copy"),
                         tr("Copy a text summary of the diagnosis, for an incident channel"));
    if (copyDiagnosis->icon().isNull())
        copyDiagnosis->setIcon(style->standardIcon(QStyle::SP_FileDialogDetailedView));
    showAll = make(this, tr("&All Environments"), QKeySequence(tr("Ctrl+Shift+A")), QStringLiteral("view-list-details"),
                   tr("Show every environment on the map, one lane each"));
    showAll->setCheckable(true);
    runRunbook = make(this, tr("&Run Runbook…"), QKeySequence(tr("Ctrl+Shift+R")), QStringLiteral("system-run"),
                      tr("Choose a runbook to run against the shown environment"));
    if (runRunbook->icon().isNull())
        runRunbook->setIcon(style->standardIcon(QStyle::SP_MediaPlay));
    walkthrough = make(this, tr("Start &Walkthrough"), QKeySequence(Qt::Key_F1), QStringLiteral("help-contents"),
                       tr("A guided tour of the shown environment's request path, hop by hop"));
    fileFormatReference = make(this, tr("File Format &Reference"), {}, QStringLiteral("accessories-dictionary"),
                               tr("Every key of environment and runbook files, with examples"));
    exportRunReport = make(this, tr("Export Run &Report…"), {}, QStringLiteral("document-save-as"),
                           tr("Save the last run as a Markdown incident timeline"));
    about = make(this, tr("&About Hopscope"), {}, QStringLiteral("help-about"), tr("Version and credits"));
    about->setMenuRole(QAction::AboutRole);
}

void MainActions::fillMenuBar(QMenuBar* bar, QMenu* recentFiles, const QList<QAction*>& dockToggles) const
{
    QMenu* file = bar->addMenu(tr("&File"));
    file->addAction(newEnvironment);
    file->addAction(open);
    file->addMenu(recentFiles);
    file->addAction(reload);
    file->addAction(closeFile);
    file->addSeparator();
    file->addAction(exportPng);
    file->addAction(exportSvg);
    file->addSeparator();
    file->addAction(quit);

    QMenu* view = bar->addMenu(tr("&View"));
    view->addAction(zoomIn);
    view->addAction(zoomOut);
    view->addAction(fit);
    view->addAction(showAll);
    view->addSeparator();
    view->addActions(dockToggles);

    QMenu* probe = bar->addMenu(tr("&Probe"));
    probe->addAction(probeNow);
    probe->addAction(pause);
    probe->addSeparator();
    probe->addAction(copyDiagnosis);

    QMenu* runbooks = bar->addMenu(tr("&Runbooks"));
    runbooks->addAction(runRunbook);
    runbooks->addAction(exportRunReport);

    QMenu* help = bar->addMenu(tr("&Help"));
    help->addAction(walkthrough);
    help->addAction(fileFormatReference);
    help->addSeparator();
    help->addAction(about);
}

QToolBar* MainActions::createToolBar(QWidget* parent, QWidget* intervalChooser) const
{
    auto* bar = new QToolBar(tr("Main"), parent);
    bar->setObjectName(QStringLiteral("mainToolBar"));  // for saveState()
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(open);
    bar->addSeparator();
    bar->addAction(probeNow);
    bar->addAction(pause);
    if (intervalChooser)
        bar->addWidget(intervalChooser);
    bar->addAction(copyDiagnosis);
    bar->addAction(runRunbook);
    bar->addSeparator();
    bar->addAction(zoomOut);
    bar->addAction(zoomIn);
    bar->addAction(fit);
    bar->addAction(showAll);
    return bar;
}

} // namespace hopscope
