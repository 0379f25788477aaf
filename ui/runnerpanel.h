#pragma once

#include "runcontroller.h"
#include "runplan.h"
#include "runstate.h"

#include <QWidget>

#include <map>
#include <memory>
#include <string>

class QLabel;
class QLineEdit;
class QListView;
class QPlainTextEdit;
class QPushButton;
class QTextBrowser;
class QTimer;

namespace hopscope {

class RunStepsModel;
struct ResumeRequest;

// Drives one runbook run: the steps with their states, the step in hand (its text, exactly
// what it will run, the SQL preview), its output as it streams, and the answers the engine
// waits for. Confirm is never a default button and never answers more than the question on
// screen; a protected environment's name must be typed for each step. Output is appended in
// batches, at most every 50 ms and only the tail the view keeps, so a flood cannot stall the window.
class RunnerPanel final : public QWidget {
    Q_OBJECT
public:
    explicit RunnerPanel(QWidget* parent = nullptr);
    ~RunnerPanel() override;

    // The audit trail's file; AuditLog::defaultPath() when empty. Tests use a temporary one.
    void setDataFile(const QString& path) { m_dataFile = path; }

    // Makes the plan and starts it. False, with *error, when the values make no plan, the audit
    // trail cannot be written, or a run is still going.
    bool start(const Runbook& runbook, const Environment& environment,
               const std::map<std::string, std::string>& params, const QString& environmentFile,
               const QString& diagnosisMarkdown, bool dryRun, QString* error = nullptr);
    bool start(const RunPlan& plan, const QString& environmentFile, const QString& diagnosisMarkdown, bool dryRun,
               QString* error = nullptr);
    // Shows a recorded run that did not finish, its steps as the records leave them, and
    // continues it (prepareResume) with the same confirmations as a new run. An unknown-outcome
    // step runs again (asking first, if it changes something) only when rerunUnknown.
    bool resume(const ResumeRequest& request, bool rerunUnknown, QString* error = nullptr);

    bool isRunning() const;
    RunController* controller() const { return m_controller.get(); }
    RunStepsModel* stepsModel() const { return m_steps; }
    QString runId() const;
    QString environment() const;
    QString environmentFile() const { return m_environmentFile; }
    // The hops of the environment this runbook applies to, by id: what a re-probe should cover.
    QStringList affectedHops() const;
    QString statusText() const;

    // Writes the run as a Markdown incident timeline. False, with *error, when it cannot.
    bool exportReport(const QString& path, QString* error = nullptr) const;

    // For tests and for keyboard shortcuts the window may add.
    QPushButton* confirmButton() const { return m_confirm; }
    QPushButton* skipButton() const { return m_skip; }
    QPushButton* retryButton() const { return m_retry; }
    QPushButton* abortButton() const { return m_abort; }
    QPushButton* exportButton() const { return m_export; }
    QLineEdit* environmentNameField() const { return m_typedName; }
    QPlainTextEdit* outputView() const { return m_output; }
    QListView* stepsView() const { return m_stepsView; }

    static constexpr int kMaxOutputLines = 5000;

public slots:
    void confirmCurrent();
    void exportWithDialog();

signals:
    // A step that can change something has finished (passed or not): the map should probe the
    // environment again (LiveProbing::probeNow(environmentFile, environment)).
    void stepChangedSomething(const QString& environmentFile, const QString& environment);
    void runFinished(hopscope::RunOutcome outcome);

private:
    QWidget* createDetails();
    // A controller for the plan, wired to the panel, which shows it: false while a run is going.
    bool setUp(const RunPlan& plan, const RunController::Options& options, const QString& headingNote, QString* error);
    bool began(bool started, QString* error);
    QWidget* createButtons();
    void showStep(int step);
    void onStateChanged(int step, StepState state);
    void onConfirmationRequested(const ConfirmationRequest& request);
    void onDecisionNeeded(int step, const QString& message);
    void onStepFinished(int step, const StepResult& result);
    void onFinished(RunOutcome outcome);
    void appendOutput(const QString& text);
    void flushOutput();
    void clearRequest();
    void updateControls();
    void setStatus(const QString& text);

    std::unique_ptr<RunController> m_controller;
    RunStepsModel* m_steps;
    QString m_dataFile;
    QString m_environmentFile;
    ConfirmationRequest m_request;  // id 0: no question on screen
    bool m_deciding = false;
    bool m_dryRun = false;
    int m_topLevelCount = 0;

    QLabel* m_heading;
    QLabel* m_status;
    QListView* m_stepsView;
    QLabel* m_stepTitle;
    QTextBrowser* m_stepText;
    QLabel* m_renderedLabel;
    QPlainTextEdit* m_rendered;
    QLabel* m_note;
    QLabel* m_previewLabel;
    QPlainTextEdit* m_sqlPreview;
    QWidget* m_confirmBox;
    QLabel* m_confirmText;
    QPlainTextEdit* m_confirmCommand;  // exactly what will run, beside the button that runs it
    QLabel* m_typedNameLabel;
    QLineEdit* m_typedName;
    QPlainTextEdit* m_output;
    QPushButton* m_confirm;
    QPushButton* m_skip;
    QPushButton* m_retry;
    QPushButton* m_abort;
    QPushButton* m_export;
    QTimer* m_flush;
    QTimer* m_arming;  // Confirm wakes up a moment after a question appears: no double-click carries over
    QString m_pendingOutput;
};

} // namespace hopscope
