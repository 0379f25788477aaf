#include "runnerpanel.h"

#include "resume.h"
#include "runreport.h"
#include "runstepsmodel.h"

#include <QFileDialog>
#include <QFontDatabase>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace hopscope {

namespace {

constexpr int kFlushMs = 50;
constexpr int kArmingMs = 300;

QPlainTextEdit* monospaceView(QWidget* parent, const QString& name)
{
    auto* view = new QPlainTextEdit(parent);
    view->setReadOnly(true);
    view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    view->setAccessibleName(name);
    return view;
}

QLabel* sectionLabel(const QString& text, QWidget* buddy, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    QFont font = label->font();
    font.setBold(true);
    label->setFont(font);
    label->setBuddy(buddy);
    return label;
}

// The last `lines` lines of text: what a view that keeps that many would show anyway.
QString tail(QString text, int lines)
{
    qsizetype at = text.size();
    for (int n = 0; n <= lines; ++n) {
        at = at > 0 ? text.lastIndexOf(u'\n', at - 1) : -1;
        if (at < 0)
            return text;
    }
    return text.mid(at + 1);
}

} // namespace

RunnerPanel::RunnerPanel(QWidget* parent)
    : QWidget(parent)
    , m_steps(new RunStepsModel(this))
    , m_heading(new QLabel(tr("No run yet. Pick a runbook from a hop's inspector or the runbook browser."), this))
    , m_status(new QLabel(this))
    , m_stepsView(new QListView(this))
    , m_flush(new QTimer(this))
    , m_arming(new QTimer(this))
{
    m_heading->setWordWrap(true);
    m_heading->setTextFormat(Qt::RichText);
    m_status->setAccessibleName(tr("Run status"));
    QFont statusFont = m_status->font();
    statusFont.setBold(true);
    m_status->setFont(statusFont);
    m_status->setWordWrap(true);
    m_stepsView->setModel(m_steps);
    m_stepsView->setAccessibleName(tr("Steps"));
    m_stepsView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_stepsView->setUniformItemSizes(true);
    m_stepsView->setMinimumWidth(200);

    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_stepsView);
    split->addWidget(createDetails());
    split->setStretchFactor(1, 3);
    split->setSizes({300, 600});
    split->setChildrenCollapsible(false);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_heading);
    layout->addWidget(m_status);
    layout->addWidget(split, 1);
    // The question sits by the buttons that answer it, never scrolled out of sight.
    layout->addWidget(m_confirmBox);
    layout->addWidget(createButtons());

    connect(m_stepsView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) { showStep(current.row()); });
    m_flush->setSingleShot(true);
    m_flush->setInterval(kFlushMs);
    connect(m_flush, &QTimer::timeout, this, &RunnerPanel::flushOutput);
    m_arming->setSingleShot(true);
    m_arming->setInterval(kArmingMs);
    connect(m_arming, &QTimer::timeout, this, &RunnerPanel::updateControls);
    showStep(-1);
    updateControls();
}

RunnerPanel::~RunnerPanel()
{
    if (isRunning())
        m_controller->abort();
}

QWidget* RunnerPanel::createDetails()
{
    auto* details = new QWidget(this);
    m_stepTitle = new QLabel(details);
    m_stepTitle->setWordWrap(true);
    m_stepTitle->setTextFormat(Qt::RichText);
    m_stepText = new QTextBrowser(details);
    m_stepText->setOpenExternalLinks(true);
    m_stepText->setAccessibleName(tr("Step text"));
    m_stepText->setMaximumHeight(140);
    m_rendered = monospaceView(details, tr("What will run"));
    m_rendered->setMaximumHeight(110);
    m_renderedLabel = sectionLabel(tr("What will run"), m_rendered, details);
    m_note = new QLabel(details);
    m_note->setWordWrap(true);
    m_note->setForegroundRole(QPalette::PlaceholderText);
    m_sqlPreview = monospaceView(details, tr("Preview of the change"));
    m_sqlPreview->setMaximumHeight(110);
    m_previewLabel = sectionLabel(tr("Preview: what it would change (rolled back)"), m_sqlPreview, details);

    m_confirmBox = new QFrame(details);
    auto* box = static_cast<QFrame*>(m_confirmBox);
    box->setFrameShape(QFrame::StyledPanel);
    box->setObjectName(QStringLiteral("confirmBox"));
    box->setStyleSheet(QStringLiteral("#confirmBox { border: 2px solid #d4a017; border-radius: 6px; }"));
    m_confirmText = new QLabel(box);
    m_confirmText->setWordWrap(true);
    m_confirmText->setTextFormat(Qt::RichText);
    m_confirmCommand = monospaceView(box, tr("What this confirmation runs"));
    m_confirmCommand->setMaximumHeight(90);
    m_typedName = new QLineEdit(box);
    m_typedName->setAccessibleName(tr("Environment name to confirm"));
    m_typedNameLabel = new QLabel(box);
    m_typedNameLabel->setBuddy(m_typedName);
    m_typedNameLabel->setWordWrap(true);
    auto* boxLayout = new QVBoxLayout(box);
    boxLayout->addWidget(m_confirmText);
    boxLayout->addWidget(m_confirmCommand);
    boxLayout->addWidget(m_typedNameLabel);
    boxLayout->addWidget(m_typedName);
    box->hide();
    connect(m_typedName, &QLineEdit::textChanged, this, &RunnerPanel::updateControls);

    m_output = monospaceView(details, tr("Output"));
    m_output->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_output->setMaximumBlockCount(kMaxOutputLines);
    m_output->setPlaceholderText(tr("Output of the steps appears here as they run."));

    auto* top = new QWidget(details);
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    for (QWidget* w : {static_cast<QWidget*>(m_stepTitle), static_cast<QWidget*>(m_stepText), static_cast<QWidget*>(m_renderedLabel),
                       static_cast<QWidget*>(m_rendered), static_cast<QWidget*>(m_note), static_cast<QWidget*>(m_previewLabel),
                       static_cast<QWidget*>(m_sqlPreview)})
        topLayout->addWidget(w);
    topLayout->addStretch(1);
    auto* scroll = new QScrollArea(details);
    scroll->setWidget(top);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);

    auto* outputBox = new QWidget(details);
    auto* outputLayout = new QVBoxLayout(outputBox);
    outputLayout->setContentsMargins(0, 0, 0, 0);
    outputLayout->addWidget(sectionLabel(tr("Output"), m_output, outputBox));
    outputLayout->addWidget(m_output);

    auto* split = new QSplitter(Qt::Vertical, details);
    split->addWidget(scroll);
    split->addWidget(outputBox);
    split->setChildrenCollapsible(false);
    auto* layout = new QVBoxLayout(details);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);
    return details;
}

QWidget* RunnerPanel::createButtons()
{
    auto* row = new QWidget(this);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    auto make = [row, layout](const QString& text, const QString& name, const QString& tip) {
        auto* button = new QPushButton(text, row);
        // Enter must never answer a question that changes something.
        button->setAutoDefault(false);
        button->setDefault(false);
        button->setAccessibleName(name);
        button->setToolTip(tip);
        layout->addWidget(button);
        return button;
    };
    m_confirm = make(tr("&Confirm and run"), tr("Confirm"), tr("Run this step, exactly as shown, against the environment shown"));
    m_skip = make(tr("&Skip"), tr("Skip"), tr("Go on without this step; the skip is recorded"));
    m_retry = make(tr("&Retry"), tr("Retry"), tr("Run the failed step again"));
    m_abort = make(tr("&Abort"), tr("Abort"), tr("Stop the run here"));
    layout->addStretch(1);
    m_export = make(tr("&Export report…"), tr("Export report"), tr("Save the run as a Markdown incident timeline"));
    connect(m_confirm, &QPushButton::clicked, this, &RunnerPanel::confirmCurrent);
    connect(m_skip, &QPushButton::clicked, this, [this] { if (m_controller) m_controller->skip(); });
    connect(m_retry, &QPushButton::clicked, this, [this] { if (m_controller) m_controller->retry(); });
    connect(m_abort, &QPushButton::clicked, this, [this] { if (m_controller) m_controller->abort(); });
    connect(m_export, &QPushButton::clicked, this, &RunnerPanel::exportWithDialog);
    return row;
}

bool RunnerPanel::start(const Runbook& runbook, const Environment& environment,
                        const std::map<std::string, std::string>& params, const QString& environmentFile,
                        const QString& diagnosisMarkdown, bool dryRun, QString* error)
{
    PlanResult made = makePlan(runbook, environment, params);
    if (!made.plan) {
        if (error)
            *error = made.errors.join(QLatin1Char('\n'));
        return false;
    }
    return start(*made.plan, environmentFile, diagnosisMarkdown, dryRun, error);
}

bool RunnerPanel::start(const RunPlan& plan, const QString& environmentFile, const QString& diagnosisMarkdown,
                        bool dryRun, QString* error)
{
    RunController::Options options;
    options.dataFile = m_dataFile;
    options.runbookHash = sha256Of(QString::fromStdString(plan.runbook.file));
    options.environmentFile = environmentFile;
    options.dryRun = dryRun;
    if (!setUp(plan, options, dryRun ? tr(" · dry run: nothing will run") : QString(), error))
        return false;
    return began(m_controller->start(diagnosisMarkdown), error);
}

bool RunnerPanel::resume(const ResumeRequest& request, bool rerunUnknown, QString* error)
{
    RunController::Options options;
    options.dataFile = request.dataFile;
    options.runbookHash = request.runbookHash;
    options.environmentFile = request.run.environmentFile;
    if (!setUp(request.plan, options, tr(" · resumed run %1").arg(request.run.id.toHtmlEscaped()), error))
        return false;
    appendOutput(tr("── Resuming run %1: the steps before this point ran earlier, as recorded ──\n").arg(request.run.id));
    return began(m_controller->resume(request.run, request.point, rerunUnknown), error);
}

bool RunnerPanel::setUp(const RunPlan& plan, const RunController::Options& options, const QString& headingNote,
                        QString* error)
{
    if (isRunning()) {
        if (error)
            *error = tr("A run is still going: finish or abort it first.");
        return false;
    }
    m_controller = std::make_unique<RunController>(plan, options);
    m_environmentFile = options.environmentFile;
    m_dryRun = options.dryRun;
    m_topLevelCount = int(plan.topLevel.size());
    m_request = {};
    m_deciding = false;
    m_pendingOutput.clear();
    m_output->clear();
    m_steps->setPlan(plan);
    const QString env = QString::fromStdString(plan.environment.name);
    m_heading->setText(tr("<b>%1</b> on <b>%2</b>%3%4")
                           .arg(QString::fromStdString(plan.runbook.title).toHtmlEscaped(), env.toHtmlEscaped(),
                                plan.environment.isProtected ? tr(" · <span style='color:#c0392b'>protected</span>") : QString(),
                                headingNote));

    RunController* c = m_controller.get();
    connect(c, &RunController::stepStateChanged, this, &RunnerPanel::onStateChanged);
    connect(c, &RunController::confirmationRequested, this, &RunnerPanel::onConfirmationRequested);
    connect(c, &RunController::confirmationRejected, this, [this](quint64, const QString& reason) {
        setStatus(reason);
        updateControls();
    });
    connect(c, &RunController::decisionNeeded, this, &RunnerPanel::onDecisionNeeded);
    connect(c, &RunController::outputReceived, this, [this](int, const QString& chunk) { appendOutput(chunk); });
    connect(c, &RunController::stepFinished, this, &RunnerPanel::onStepFinished);
    connect(c, &RunController::finished, this, &RunnerPanel::onFinished);
    setStatus(tr("Starting…"));
    return true;
}

// After the controller's start or resume: on failure, nothing runs and the panel says why.
bool RunnerPanel::began(bool started, QString* error)
{
    if (!started) {
        if (error)
            *error = m_controller->error();
        setStatus(tr("The run could not start: %1").arg(m_controller->error()));
        m_controller.reset();
    }
    updateControls();
    return started;
}

bool RunnerPanel::isRunning() const
{
    return m_controller && !m_controller->isFinished();
}

QString RunnerPanel::runId() const
{
    return m_controller ? m_controller->runId() : QString();
}

QString RunnerPanel::environment() const
{
    return m_controller ? QString::fromStdString(m_controller->plan().environment.name) : QString();
}

QStringList RunnerPanel::affectedHops() const
{
    QStringList hops;
    if (!m_controller)
        return hops;
    const RunPlan& plan = m_controller->plan();
    const auto& kinds = plan.runbook.appliesTo;
    for (const Hop& hop : plan.environment.hops) {
        if (std::find(kinds.begin(), kinds.end(), hop.kind) != kinds.end())
            hops << QString::fromStdString(hop.id);
    }
    return hops;
}

QString RunnerPanel::statusText() const
{
    return m_status->text();
}

void RunnerPanel::setStatus(const QString& text)
{
    m_status->setText(text);
}

void RunnerPanel::showStep(int step)
{
    const bool valid = m_controller && step >= 0 && step < int(m_controller->plan().steps.size());
    for (QWidget* w : {static_cast<QWidget*>(m_stepText), static_cast<QWidget*>(m_renderedLabel), static_cast<QWidget*>(m_rendered),
                       static_cast<QWidget*>(m_note)})
        w->setVisible(valid);
    if (!valid) {
        m_stepTitle->setText(m_controller ? QString() : tr("Nothing is running."));
        m_previewLabel->hide();
        m_sqlPreview->hide();
        return;
    }
    const PlanStep& ps = m_controller->plan().steps[std::size_t(step)];
    m_stepTitle->setText(tr("<b>Step %1: %2</b> <i>(%3%4)</i>")
                             .arg(ps.number, ps.title.toHtmlEscaped(), ps.preview.kind,
                                  ps.preview.changes ? tr(", changes something") : QString()));
    const QString text = !ps.text.isEmpty() ? ps.text : QString::fromStdString(ps.step.description);
    m_stepText->setMarkdown(text);
    m_stepText->setVisible(!text.isEmpty());
    m_rendered->setPlainText(ps.preview.rendered);
    m_note->setText(ps.preview.note);
    m_note->setVisible(!ps.preview.note.isEmpty());
    const bool preview = m_request.id != 0 && m_request.step == step && !m_request.sqlPreview.isEmpty();
    m_sqlPreview->setPlainText(preview ? m_request.sqlPreview : QString());
    m_previewLabel->setVisible(preview);
    m_sqlPreview->setVisible(preview);
}

// Follows the run: the step that starts or asks becomes the one shown.
void RunnerPanel::onStateChanged(int step, StepState state)
{
    m_steps->setState(step, state);
    if (state == StepState::Running || state == StepState::AwaitingConfirmation) {
        m_steps->setCurrent(step);
        m_stepsView->setCurrentIndex(m_steps->index(step));
        showStep(step);
    }
    if (step == m_request.step && state != StepState::AwaitingConfirmation)
        clearRequest();
    if (state != StepState::Failed)
        m_deciding = false;
    const QString number = m_controller->plan().steps[std::size_t(step)].number;
    if (state == StepState::Running) {
        const PlanStep& ps = m_controller->plan().steps[std::size_t(step)];
        appendOutput(tr("%1── %2. %3 ──\n")
                         .arg(m_output->document()->isEmpty() && m_pendingOutput.isEmpty() ? QString() : QStringLiteral("\n"),
                              ps.number, ps.title));
        setStatus(tr("Step %1 of %2 · running").arg(number).arg(m_topLevelCount));
    }
    updateControls();
}

void RunnerPanel::onConfirmationRequested(const ConfirmationRequest& request)
{
    m_request = request;
    m_typedName->clear();
    const QString env = request.environment.toHtmlEscaped();
    QString text = request.manual ? tr("<b>Step %1, %2, is yours to do</b> on <b>%3</b>. Mark it done when it is.")
                                        .arg(request.number, request.title.toHtmlEscaped(), env)
                                  : tr("<b>Step %1, %2, will run against %3</b> exactly as shown:")
                                        .arg(request.number, request.title.toHtmlEscaped(), env);
    if (!request.confirmText.isEmpty())
        text.prepend(request.confirmText.toHtmlEscaped() + QStringLiteral("<br>"));
    m_confirmText->setText(text);
    m_confirmCommand->setPlainText(request.preview.rendered);
    m_confirmCommand->setVisible(!request.manual);
    m_confirmBox->show();
    m_typedNameLabel->setText(tr("%1 is protected: type its name to confirm.").arg(request.environment));
    m_typedNameLabel->setVisible(request.protectedEnvironment);
    m_typedName->setVisible(request.protectedEnvironment);
    m_typedName->setPlaceholderText(request.environment);
    m_confirm->setText(request.manual ? tr("Mark &done") : tr("&Confirm and run"));
    showStep(request.step);
    setStatus(tr("Step %1 of %2 · %3")
                  .arg(request.number)
                  .arg(m_topLevelCount)
                  .arg(request.manual ? tr("waiting for you to mark it done") : tr("waiting for your confirmation")));
    m_arming->start();
    updateControls();
}

void RunnerPanel::confirmCurrent()
{
    if (!m_controller || !m_confirm->isEnabled() || m_request.id == 0)
        return;
    const quint64 id = m_request.id;
    const QString typed = m_typedName->text();
    // Spent: whatever happens next, this answer cannot be given twice.
    m_confirm->setEnabled(false);
    m_typedName->clear();
    m_controller->confirm(id, typed, tr("confirmed in the app"));
}

void RunnerPanel::clearRequest()
{
    m_request = {};
    m_arming->stop();
    m_confirmBox->hide();
    m_typedName->clear();
    m_previewLabel->hide();
    m_sqlPreview->hide();
}

void RunnerPanel::onDecisionNeeded(int step, const QString& message)
{
    m_deciding = true;
    m_steps->setCurrent(step);
    setStatus(tr("Step %1 of %2 · failed: %3 · retry, skip or abort")
                  .arg(m_controller->plan().steps[std::size_t(step)].number)
                  .arg(m_topLevelCount)
                  .arg(message));
    updateControls();
}

void RunnerPanel::onStepFinished(int step, const StepResult& result)
{
    const PlanStep& ps = m_controller->plan().steps[std::size_t(step)];
    QString line = result.ok ? tr("✓ passed") : tr("✕ failed");
    if (result.exitStatus)
        line += tr(" (exit %1)").arg(*result.exitStatus);
    if (!result.message.isEmpty())
        line += QStringLiteral(": ") + result.message;
    appendOutput(QStringLiteral("\n") + line + QStringLiteral("\n"));
    if (ps.preview.changes)
        emit stepChangedSomething(m_environmentFile, environment());
}

void RunnerPanel::onFinished(RunOutcome outcome)
{
    m_deciding = false;
    clearRequest();
    flushOutput();
    QString text;
    if (m_dryRun) {
        text = tr("Dry run finished: every step was rendered, nothing ran. Select a step to see it.");
    } else {
        switch (outcome) {
        case RunOutcome::Passed:
            text = tr("Run passed: every step passed or was skipped by choice.");
            break;
        case RunOutcome::Failed:
            text = tr("Run failed: a step failed and the run went no further.");
            break;
        case RunOutcome::Aborted:
            text = tr("Run aborted.");
            break;
        }
    }
    if (!m_controller->error().isEmpty())
        text += QLatin1Char(' ') + m_controller->error();
    setStatus(text);
    updateControls();
    emit runFinished(outcome);
}

void RunnerPanel::updateControls()
{
    const bool running = isRunning();
    const bool asking = running && m_request.id != 0;
    const bool named = !m_request.protectedEnvironment || m_typedName->text() == m_request.environment;
    m_confirm->setEnabled(asking && named && !m_arming->isActive());
    m_skip->setEnabled(asking || (running && m_deciding));
    m_retry->setEnabled(running && m_deciding);
    m_abort->setEnabled(running);
    m_export->setEnabled(m_controller && !m_controller->runId().isEmpty());
}

void RunnerPanel::appendOutput(const QString& text)
{
    m_pendingOutput += text;
    // The view keeps kMaxOutputLines; holding more than that between flushes is waste.
    if (m_pendingOutput.size() > 4 * 1024 * 1024)
        m_pendingOutput = tail(std::move(m_pendingOutput), kMaxOutputLines);
    if (!m_flush->isActive())
        m_flush->start();
}

void RunnerPanel::flushOutput()
{
    m_flush->stop();
    if (m_pendingOutput.isEmpty())
        return;
    const QString text = tail(std::exchange(m_pendingOutput, QString()), kMaxOutputLines);
    QScrollBar* bar = m_output->verticalScrollBar();
    const bool following = bar->value() >= bar->maximum() - 2;
    QTextCursor cursor(m_output->document());
    cursor.movePosition(QTextCursor::End);
    cursor.insertText(text);
    if (following)
        bar->setValue(bar->maximum());
}

bool RunnerPanel::exportReport(const QString& path, QString* error) const
{
    if (!m_controller || m_controller->runId().isEmpty()) {
        if (error)
            *error = tr("There is no run to export.");
        return false;
    }
    AuditLog& audit = m_controller->audit();
    const auto run = audit.run(m_controller->runId());
    if (!run) {
        if (error)
            *error = audit.error();
        return false;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)
        || file.write(formatRunReport(*run, audit.steps(run->id)).toUtf8()) < 0 || !file.commit()) {
        if (error)
            *error = file.errorString();
        return false;
    }
    return true;
}

void RunnerPanel::exportWithDialog()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Run Report"),
                                                      QStringLiteral("run-%1.md").arg(runId()),
                                                      tr("Markdown (*.md);;All files (*)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportReport(path, &error))
        QMessageBox::warning(this, tr("Export Run Report"), tr("Could not write %1: %2").arg(path, error));
}

} // namespace hopscope
