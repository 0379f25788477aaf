#pragma once

#include <QList>
#include <QObject>

class QAction;
class QMenu;
class QMenuBar;
class QToolBar;
class QWidget;

namespace hopscope {

// The main window's commands, with their texts, shortcuts and icons in one place.
// The window decides what they do; menus and the toolbar only show them.
class MainActions final : public QObject {
    Q_OBJECT
public:
    explicit MainActions(QObject* parent);

    // File, View, Probe, Runbooks and Help; View ends with the docks' show/hide toggles.
    void fillMenuBar(QMenuBar* bar, QMenu* recentFiles, const QList<QAction*>& dockToggles) const;
    // The interval chooser goes after the probing actions.
    QToolBar* createToolBar(QWidget* parent, QWidget* intervalChooser = nullptr) const;

    QAction* newEnvironment;
    QAction* open;
    QAction* reload;
    QAction* closeFile;
    QAction* quit;
    QAction* zoomIn;
    QAction* zoomOut;
    QAction* fit;
    QAction* probeNow;
    QAction* pause;          // checkable
    QAction* exportPng;
    QAction* exportSvg;
    QAction* copyDiagnosis;
    QAction* showAll;        // checkable: every environment as a lane
    QAction* runRunbook;     // shows the runbook browser, filter focused
    QAction* walkthrough;    // the onboarding walkthrough on the shown environment
    QAction* fileFormatReference;
    QAction* exportRunReport;
    QAction* about;
};

} // namespace hopscope
