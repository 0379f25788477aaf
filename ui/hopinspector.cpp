#include "hopinspector.h"

#include "checksmodel.h"
#include "hoptext.h"
#include "statusbadge.h"

#include <QAction>
#include <QClipboard>
#include <QDateTime>
#include <QLocale>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QResizeEvent>
#include <QStackedWidget>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>

namespace hopscope {

HopInspector::HopInspector(QWidget* parent) : QWidget(parent), m_model(new ChecksModel(this))
{
    setAccessibleName(tr("Hop inspector"));

    m_copy = new QAction(tr("&Copy Summary"), this);
    m_copy->setShortcut(QKeySequence::Copy);
    m_copy->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_copy->setToolTip(tr("Copy this hop, its checks and their status as text"));
    m_copy->setEnabled(false);
    connect(m_copy, &QAction::triggered, this, &HopInspector::copySummary);
    addAction(m_copy);

    auto* placeholder = new QLabel(tr("Select a hop on the map to see what is checked there."), this);
    placeholder->setAlignment(Qt::AlignCenter);
    placeholder->setWordWrap(true);
    placeholder->setForegroundRole(QPalette::PlaceholderText);
    placeholder->setMargin(16);

    m_stack = new QStackedWidget(this);
    m_stack->addWidget(placeholder);
    m_stack->addWidget(createHopPage());

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_stack);
}

QWidget* HopInspector::createHopPage()
{
    auto* page = new QWidget(this);

    m_title = new QLabel(page);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.25);
    m_title->setFont(titleFont);
    m_title->setWordWrap(true);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_kind = new QLabel(page);
    m_kind->setForegroundRole(QPalette::PlaceholderText);
    m_kind->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_description = new QLabel(page);
    m_description->setTextFormat(Qt::MarkdownText);  // descriptions are written in Markdown
    m_description->setWordWrap(true);
    m_description->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_statusIcon = new QLabel(page);
    m_status = new QLabel(page);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* copyButton = new QToolButton(page);
    copyButton->setDefaultAction(m_copy);
    copyButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto* statusRow = new QHBoxLayout;
    statusRow->addWidget(m_statusIcon);
    statusRow->addWidget(m_status, 1);
    statusRow->addWidget(copyButton);
    statusRow->setContentsMargins(0, 6, 0, 0);

    m_checks = new QTreeView(page);
    m_checks->setModel(m_model);
    m_checks->setAccessibleName(tr("Checks"));
    m_checks->setUniformRowHeights(true);
    m_checks->setAlternatingRowColors(true);
    m_checks->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_checks->setTextElideMode(Qt::ElideMiddle);  // URLs and argv keep both ends
    m_checks->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto* copyValue = new QAction(tr("Copy &Value"), m_checks);
    copyValue->setToolTip(tr("Copy the selected row: a result, an observed value, a condition"));
    connect(copyValue, &QAction::triggered, this, [this] {
        const QString text = m_model->valueAt(m_checks->currentIndex());
        if (!text.isEmpty())
            QGuiApplication::clipboard()->setText(text);
    });
    m_checks->addAction(copyValue);
    m_checks->addAction(m_copy);
    m_checks->header()->setStretchLastSection(true);
    connect(m_model, &QAbstractItemModel::modelReset, m_checks, [this] {
        m_expandedFor.clear();
        expandWhatNeedsAttention();
        m_checks->resizeColumnToContents(ChecksModel::NameColumn);
    });

    // What the hop is on one side, its checks on the other; stacked when the dock is narrow.
    auto* about = new QWidget(page);
    auto* aboutLayout = new QVBoxLayout(about);
    aboutLayout->setContentsMargins(0, 0, 0, 0);
    aboutLayout->addWidget(m_title);
    aboutLayout->addWidget(m_kind);
    aboutLayout->addWidget(m_description);
    aboutLayout->addLayout(statusRow);
    m_runbooks = new QLabel(page);
    m_runbooks->setWordWrap(true);
    m_runbooks->setTextFormat(Qt::RichText);
    m_runbooks->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_runbooks->setAccessibleName(tr("Runbooks"));
    connect(m_runbooks, &QLabel::linkActivated, this, [this](const QString& link) {
        emit runbookActivated(link.section(u':', 1));
    });
    aboutLayout->addWidget(m_runbooks);
    aboutLayout->addStretch();
    m_about = about;

    m_layout = new QBoxLayout(QBoxLayout::TopToBottom, page);
    m_layout->setContentsMargins(10, 8, 10, 8);
    m_layout->setSpacing(12);
    m_layout->addWidget(about);
    m_checksColumn = new QBoxLayout(QBoxLayout::TopToBottom);
    m_checksColumn->setSpacing(8);
    m_checksColumn->addWidget(m_checks, 3);
    m_layout->addLayout(m_checksColumn, 1);
    return page;
}

void HopInspector::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    const bool wide = width() > 2 * height() && width() > 640;
    m_layout->setDirection(wide ? QBoxLayout::LeftToRight : QBoxLayout::TopToBottom);
    // Very wide, the chart goes beside the checks rather than under them.
    m_checksColumn->setDirection(width() > 1100 ? QBoxLayout::LeftToRight : QBoxLayout::TopToBottom);
    // Side by side, the description wraps in a column of readable width; stacked, it spans.
    m_about->setMaximumWidth(wide ? qBound(240, width() / 3, 360) : QWIDGETSIZE_MAX);
    m_about->setSizePolicy(QSizePolicy::Preferred, wide ? QSizePolicy::Preferred : QSizePolicy::Maximum);
}

void HopInspector::showHop(const Environment& env, const Hop& hop)
{
    const QString environment = QString::fromStdString(env.name);
    m_hop = hop;
    m_environment = environment;
    m_title->setText(HopText::title(hop));
    m_kind->setText(tr("%1 · id %2 · in %3").arg(HopText::kindName(hop.kind), QString::fromStdString(hop.id), environment));
    m_description->setText(QString::fromStdString(hop.description));
    m_description->setVisible(!hop.description.empty());
    m_hopTitles.clear();
    for (const Hop& h : env.hops)
        m_hopTitles.insert(QString::fromStdString(h.id), HopText::title(h));
    m_hopStatus = HopStatus::Grey;
    m_hopRole = HopRole::Unknown;
    const int size = m_status->fontMetrics().height();
    m_statusIcon->setPixmap(statusbadge::icon(HopStatus::Grey).pixmap(size, size));
    m_status->setText(statusText());
    m_runbookIds.clear();
    m_runbooks->clear();
    m_runbooks->hide();
    m_model->setHop(hop, env.variables);
    m_copy->setEnabled(true);
    m_stack->setCurrentIndex(1);
}

void HopInspector::showResults(const Diagnosis& diagnosis, bool stale)
{
    if (!m_hop)
        return;
    const HopVerdict* verdict = diagnosis.verdict(m_hop->id);
    if (!verdict)
        return;
    m_model->setResults(verdict->results);
    expandWhatNeedsAttention();
    m_hopStatus = verdict->status;
    m_hopRole = verdict->role;
    const int size = m_status->fontMetrics().height();
    m_statusIcon->setPixmap(statusbadge::icon(verdict->status, stale).pixmap(size, size));
    QString text = statusText();
    if (stale)
        text += tr(" · stale: no answer lately");
    if (verdict->role == HopRole::Symptom && !diagnosis.likelyCauses.empty()) {
        QStringList causes;
        for (const std::string& id : diagnosis.likelyCauses)
            causes << m_hopTitles.value(QString::fromStdString(id), QString::fromStdString(id));
        text += QStringLiteral("\n") + tr("Likely caused by %1").arg(causes.join(tr(", ")));
    }
    QDateTime last;
    for (const CheckResult* r : verdict->results) {
        if (r) {
            const QDateTime at = QDateTime::fromMSecsSinceEpoch(
                std::chrono::duration_cast<std::chrono::milliseconds>(r->takenAt.time_since_epoch()).count());
            last = std::max(last, at);
        }
    }
    if (last.isValid())
        text += QStringLiteral("\n") + tr("Last probed %1").arg(QLocale().toString(last.time(), QStringLiteral("HH:mm:ss")));
    m_status->setText(text);
    updateRunbooks(diagnosis, *verdict);
}

void HopInspector::expandWhatNeedsAttention()
{
    const int rows = m_model->rowCount();
    HopStatus worst = HopStatus::Green;
    for (int row = 0; row < rows; ++row) {
        if (const HopStatus status = m_model->status(row); status != HopStatus::Grey)
            worst = std::max(worst, status);
    }
    m_expandedFor.resize(rows, -1);  // -1: not decided yet
    QModelIndex first;
    for (int row = 0; row < rows; ++row) {
        const HopStatus status = m_model->status(row);
        const QModelIndex check = m_model->index(row, 0);
        const bool open = status != HopStatus::Green && status != HopStatus::Grey && status == worst;
        if (open && !first.isValid())
            first = check;
        if (m_expandedFor[row] == int(status))
            continue;
        m_expandedFor[row] = int(status);
        m_checks->setExpanded(check, open);
    }
    if (first.isValid() && m_checks->isExpanded(first))
        m_checks->scrollTo(first, QAbstractItemView::PositionAtTop);
}

void HopInspector::updateRunbooks(const Diagnosis& diagnosis, const HopVerdict& verdict)
{
    // A symptom is fixed by fixing its cause: offer the cause's runbooks first.
    QStringList ids;
    if (verdict.role == HopRole::Symptom) {
        for (const std::string& cause : diagnosis.likelyCauses) {
            if (const HopVerdict* v = diagnosis.verdict(cause)) {
                for (const std::string& id : v->runbooks)
                    ids << QString::fromStdString(id);
            }
        }
    }
    for (const std::string& id : verdict.runbooks)
        ids << QString::fromStdString(id);
    ids.removeDuplicates();
    m_runbookIds = ids;
    if (ids.isEmpty()) {
        m_runbooks->clear();
        m_runbooks->hide();
        return;
    }
    QStringList links;
    for (const QString& id : std::as_const(ids))
        links << QStringLiteral("<a href=\"runbook:%1\">%1</a>").arg(id.toHtmlEscaped());
    m_runbooks->setText(tr("Runbooks: %1").arg(links.join(QStringLiteral(" · "))));
    m_runbooks->show();
}

QString HopInspector::statusText() const
{
    QString text = tr("Status: %1").arg(HopText::statusName(m_hopStatus));
    if (const QString role = HopText::roleName(m_hopRole); !role.isEmpty() && m_hopRole != HopRole::Degraded)
        text += QStringLiteral(" · ") + role;
    return text;
}

void HopInspector::setCompanion(QWidget* widget)
{
    m_checksColumn->addWidget(widget, 2);
}

void HopInspector::clear()
{
    m_hop.reset();
    m_environment.clear();
    m_model->clear();
    m_copy->setEnabled(false);
    m_stack->setCurrentIndex(0);
}

QString HopInspector::hopId() const
{
    return m_hop ? QString::fromStdString(m_hop->id) : QString();
}

QString HopInspector::summaryText() const
{
    if (!m_hop)
        return {};
    QStringList lines;
    lines << tr("%1 › %2 (%3, %4)").arg(m_environment, HopText::title(*m_hop), HopText::kindName(m_hop->kind),
                                         QString::fromStdString(m_hop->id));
    if (!m_hop->description.empty())
        lines << QString::fromStdString(m_hop->description);
    lines << m_status->text();
    if (!m_runbookIds.isEmpty())
        lines << tr("Runbooks: %1").arg(m_runbookIds.join(QStringLiteral(", ")));
    if (m_model->rowCount() > 0)
        lines << tr("Checks:") << m_model->summaryText();
    return lines.join(u'\n');
}

void HopInspector::copySummary()
{
    if (m_hop)
        QGuiApplication::clipboard()->setText(summaryText());
}

} // namespace hopscope
