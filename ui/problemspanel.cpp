#include "problemspanel.h"

#include "diagnosticsmodel.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QHeaderView>
#include <QLabel>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace hopscope {

ProblemsPanel::ProblemsPanel(DiagnosticsModel* model, QWidget* parent)
    : QWidget(parent), m_model(model), m_view(new QTableView(this)), m_stack(new QStackedWidget(this))
{
    m_view->setModel(model);
    m_view->setAccessibleName(tr("Problems"));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setAlternatingRowColors(true);
    m_view->setShowGrid(false);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    QHeaderView* header = m_view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setStretchLastSection(true);
    header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);

    auto* copy = new QAction(tr("&Copy"), m_view);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut);
    connect(copy, &QAction::triggered, this, &ProblemsPanel::copySelection);
    m_view->addAction(copy);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);

    auto* empty = new QLabel(tr("No problems in the open files."), this);
    empty->setAlignment(Qt::AlignCenter);
    empty->setForegroundRole(QPalette::PlaceholderText);
    m_stack->addWidget(m_view);
    m_stack->addWidget(empty);
    for (const auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(model, signal, this, &ProblemsPanel::showPlaceholderWhenEmpty);
    connect(model, &QAbstractItemModel::modelReset, this, &ProblemsPanel::showPlaceholderWhenEmpty);
    showPlaceholderWhenEmpty();

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_stack);
}

void ProblemsPanel::showPlaceholderWhenEmpty()
{
    m_stack->setCurrentIndex(m_model->rowCount() > 0 ? 0 : 1);
}

QString ProblemsPanel::selectedText() const
{
    QStringList lines;
    QModelIndexList rows = m_view->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end());
    for (const QModelIndex& row : std::as_const(rows))
        lines << row.data(DiagnosticsModel::FormattedRole).toString();
    return lines.join(u'\n');
}

void ProblemsPanel::copySelection()
{
    if (const QString text = selectedText(); !text.isEmpty())
        QGuiApplication::clipboard()->setText(text);
}

} // namespace hopscope
