#pragma once

#include "liveprobing.h"
#include "runbookcatalog.h"
#include "runstate.h"

#include <QMainWindow>
#include <QPersistentModelIndex>
#include <QPointer>

class QComboBox;
class QDockWidget;
class QLabel;
class QListView;
class QProgressBar;
class QStackedWidget;
class QToolBar;

namespace hopscope {

class DiagnosticsModel;
struct Environment;
class EnvironmentListModel;
class HistoryChart;
class HistoryService;
class HopInspector;
class LabStarter;
class MainActions;
class PlaceholderListView;
class ProblemsPanel;
class ReferenceDialog;
class RunbookBrowser;
class RunnerPanel;
class Settings;
struct StatusChange;
class TimelineModel;
class TopologyScene;
class TopologyView;
class Walkthrough;
class WelcomePage;
class Workspace;

// Environments on the left, the selected one's map in the middle, the selected hop, load
// problems and the timeline of status changes below; while no file is open, a welcome page
// instead. Receives the workspace, the settings and (for a live window) the probing; creates
// and wires the rest.
class MainWindow final : public QMainWindow {
    Q_OBJECT
public:
    // Without `live` the window draws the files but probes nothing; without `history` the
    // inspector has no chart, and results are not kept.
    MainWindow(Workspace* workspace, Settings* settings, LiveProbing* live = nullptr, HistoryService* history = nullptr,
               QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens the files and remembers them as recent.
    void openFiles(const QStringList& paths);
    // Writes the commented starter environment file to `path` (never over an existing file),
    // opens it and remembers it. False with a message box (or `error`) when it was not written.
    bool createEnvironment(const QString& path, QString* error = nullptr);
    // Starts the bundled lab without waiting for it; the welcome page shows how it goes, and
    // the lab's lab.yaml opens once it is up.
    void startBundledLab();
    // Opens the lab's lab.yaml and plays the onboarding walkthrough on it.
    bool startLabWalkthrough();
    // Help ▸ File Format Reference: docs/file-formats.md, installed or in the source tree.
    ReferenceDialog* showFileFormatReference();
    bool selectEnvironment(const QString& filePath, const QString& name);
    // Selects a hop of the shown environment as the user would: the likely cause no longer
    // takes the selection when the probes name one.
    void selectHopForUser(const QString& id);

    EnvironmentListModel* environmentModel() const { return m_environments; }
    DiagnosticsModel* diagnosticsModel() const { return m_diagnostics; }
    TopologyScene* scene() const { return m_scene; }
    TopologyView* view() const { return m_view; }
    HopInspector* inspector() const { return m_inspector; }
    QListView* environmentView() const { return m_environmentView; }
    ProblemsPanel* problemsPanel() const { return m_problems; }
    QDockWidget* problemsDock() const { return m_problemsDock; }
    MainActions* actions() const { return m_actions; }
    TimelineModel* timelineModel() const { return m_timeline; }
    HistoryChart* historyChart() const { return m_chart; }
    PlaceholderListView* timelineView() const { return m_timelineView; }
    QComboBox* intervalChooser() const { return m_interval; }
    RunnerPanel* runnerPanel() const { return m_runner; }
    QDockWidget* runnerDock() const { return m_runnerDock; }
    RunbookBrowser* runbookBrowser() const { return m_browser; }
    Walkthrough* walkthrough() const { return m_walkthrough; }
    const RunbookCatalog& runbookCatalog() const { return m_catalog; }
    LiveProbing* live() const { return m_live; }
    WelcomePage* welcomePage() const { return m_welcome; }
    bool isShowingWelcome() const;
    LabStarter* labStarter() const { return m_lab; }
    QString statusText() const;
    QString progressText() const;

    // The shown environment's diagnosis as plain text for a chat channel or ticket.
    QString diagnosisText() const;
    // The map as a picture; false with a message box (or `error`) when it cannot be written.
    bool exportMap(const QString& path, QString* error = nullptr);

    // Asks for the runbook's parameters and starts it on the shown environment in the runner
    // panel; every step that changes something still asks there. False when it did not start
    // (no environment, no such runbook, a run still going, the dialog cancelled).
    bool runRunbook(const QString& id);
    // Plays a walkthrough on the shown environment's map.
    bool startWalkthrough(const QString& id);
    // When a run recorded in the audit trail did not finish (the app or the machine went down),
    // asks whether to continue it in the runner panel; never runs again, unasked, a step whose
    // outcome is unknown. Called once, when the window first shows.
    void offerResume();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createCentre();
    void connectWelcome();
    // The welcome page while no file is open, else the map and the panels around it.
    void updateCentre();
    QList<QDockWidget*> docks() const;
    bool writeStarter(const QString& path, bool replace, QString* error);
    QDockWidget* createEnvironmentDock();
    QDockWidget* createInspectorDock();
    QDockWidget* createProblemsDock();
    QDockWidget* createTimelineDock();
    QDockWidget* createRunbookDock();
    QDockWidget* createRunnerDock();
    // The runbook with this id, for the shown environment; null after a message box saying why not.
    const Runbook* runbookForCurrent(const QString& id, const QString& purpose);
    void onStepChangedSomething(const QString& file, const QString& environment);
    void onRunFinished(RunOutcome outcome);
    QComboBox* createIntervalChooser();
    void createMenus();
    void createToolBar();
    void connectActions();
    void restoreLayout();

    const Environment* currentEnvironment() const;
    void onCurrentEnvironmentChanged(const QModelIndex& current);
    void onWorkspaceChanged();
    void onHopSelected(const QString& id);
    void showEnvironment(const QModelIndex& index);
    void onEnvironmentUpdated(const QString& file, const QString& name);
    void onStatusChanged(const StatusChange& change);
    void showLiveState();
    // Every environment in a lane of its own, or back to the one chosen in the list.
    void setStacked(bool stacked);
    void onLaneHopSelected(const QString& lane, const QString& hop);
    static QString laneOf(const QString& file, const QString& name);
    static QString worstCheckOf(const Hop& hop, const Diagnosis& diagnosis);
    void followWorstCheck();
    // What the probes say of an environment, when it describes the file as now loaded.
    const LiveProbing::EnvironmentState* liveState(const QString& file, const QString& name) const;
    void onProgress(int done, int total);
    void exportWithDialog(const QString& format);
    void copyDiagnosis();

    void updateTitle();
    void updateStatus();
    void updateActions();

    void openWithDialog();
    void newEnvironmentWithDialog();
    void closeCurrentFile();
    void showAbout();

    Workspace* m_workspace;
    Settings* m_settings;
    MainActions* m_actions;
    EnvironmentListModel* m_environments;
    DiagnosticsModel* m_diagnostics;
    TopologyScene* m_scene;
    LiveProbing* m_live;
    HistoryService* m_history;
    TimelineModel* m_timeline;
    HistoryChart* m_chart = nullptr;
    TopologyView* m_view = nullptr;
    QStackedWidget* m_centre = nullptr;
    WelcomePage* m_welcome = nullptr;
    LabStarter* m_lab = nullptr;
    QPointer<ReferenceDialog> m_reference;
    QToolBar* m_toolBar = nullptr;
    // The panels as they were before the welcome page hid them, given back when a file opens.
    QByteArray m_layoutBeforeWelcome;
    HopInspector* m_inspector = nullptr;
    QListView* m_environmentView = nullptr;
    ProblemsPanel* m_problems = nullptr;
    QDockWidget* m_environmentDock = nullptr;
    QDockWidget* m_inspectorDock = nullptr;
    QDockWidget* m_problemsDock = nullptr;
    QDockWidget* m_timelineDock = nullptr;
    QDockWidget* m_runbookDock = nullptr;
    QDockWidget* m_runnerDock = nullptr;
    RunbookCatalog m_catalog;
    RunbookBrowser* m_browser = nullptr;
    RunnerPanel* m_runner = nullptr;
    Walkthrough* m_walkthrough = nullptr;
    PlaceholderListView* m_timelineView = nullptr;
    QComboBox* m_interval = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_zoom = nullptr;

    // The environment the user chose, by file and name, so a reload brings it back.
    QString m_wantedFile;
    QString m_wantedName;
    bool m_modelChanging = false;
    // Until the user picks a hop, the likely cause is selected for them as soon as there is one.
    bool m_userPickedHop = false;
    bool m_selectingForUser = false;
    // The chart follows the selected hop's worst check until the user picks one.
    bool m_userPickedCheck = false;
};

} // namespace hopscope
