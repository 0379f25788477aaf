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

    // File, View and Help; View ends with the docks' show/hide toggles.
    void fillMenuBar(QMenuBar* bar, QMenu* recentFiles, const QList<QAction*>& dockToggles) const;
    QToolBar* createToolBar(QWidget* parent) const;

    QAction* open;
    QAction* reload;
    QAction* closeFile;
    QAction* quit;
    QAction* zoomIn;
    QAction* zoomOut;
    QAction* fit;
    QAction* about;
};

} // namespace hopscope
