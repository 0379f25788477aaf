#pragma once

#include <QMainWindow>
#include <QPersistentModelIndex>

class QDockWidget;
class QLabel;
class QListView;

namespace hopscope {

class DiagnosticsModel;
struct Environment;
class EnvironmentListModel;
class HopInspector;
class MainActions;
class ProblemsPanel;
class Settings;
class TopologyScene;
class TopologyView;
class Workspace;

// Environments on the left, the selected one's map in the middle, the selected hop on the
// right, load problems below. Receives the workspace and settings; creates and wires the rest.
class MainWindow final : public QMainWindow {
    Q_OBJECT
public:
    MainWindow(Workspace* workspace, Settings* settings, QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens the files and remembers them as recent.
    void openFiles(const QStringList& paths);
    bool selectEnvironment(const QString& filePath, const QString& name);

    EnvironmentListModel* environmentModel() const { return m_environments; }
    DiagnosticsModel* diagnosticsModel() const { return m_diagnostics; }
    TopologyScene* scene() const { return m_scene; }
    TopologyView* view() const { return m_view; }
    HopInspector* inspector() const { return m_inspector; }
    QListView* environmentView() const { return m_environmentView; }
    ProblemsPanel* problemsPanel() const { return m_problems; }
    QDockWidget* problemsDock() const { return m_problemsDock; }
    MainActions* actions() const { return m_actions; }
    QString statusText() const;

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createCentre();
    QDockWidget* createEnvironmentDock();
    QDockWidget* createInspectorDock();
    QDockWidget* createProblemsDock();
    void createMenus();
    void createToolBar();
    void connectActions();
    void restoreLayout();

    const Environment* currentEnvironment() const;
    void onCurrentEnvironmentChanged(const QModelIndex& current);
    void onWorkspaceChanged();
    void onHopSelected(const QString& id);
    void showEnvironment(const QModelIndex& index);

    void updateTitle();
    void updateStatus();
    void updateActions();

    void openWithDialog();
    void closeCurrentFile();
    void showAbout();

    Workspace* m_workspace;
    Settings* m_settings;
    MainActions* m_actions;
    EnvironmentListModel* m_environments;
    DiagnosticsModel* m_diagnostics;
    TopologyScene* m_scene;
    TopologyView* m_view = nullptr;
    HopInspector* m_inspector = nullptr;
    QListView* m_environmentView = nullptr;
    ProblemsPanel* m_problems = nullptr;
    QDockWidget* m_environmentDock = nullptr;
    QDockWidget* m_inspectorDock = nullptr;
    QDockWidget* m_problemsDock = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_zoom = nullptr;

    // The environment the user chose, by file and name, so a reload brings it back.
    QString m_wantedFile;
    QString m_wantedName;
    bool m_modelChanging = false;
};

} // namespace hopscope
