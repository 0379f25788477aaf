#include "runbookbrowser.h"

#include "runbooklistmodel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTreeView>
#include <QVBoxLayout>

namespace hopscope {

RunbookBrowser::RunbookBrowser(QWidget* parent)
    : QWidget(parent)
    , m_model(new RunbookListModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_filter(new QLineEdit(this))
    , m_view(new QTreeView(this))
    , m_run(new QPushButton(tr("&Run…"), this))
    , m_walkthrough(new QPushButton(tr("Start &walkthrough"), this))
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(-1);
    m_filter->setPlaceholderText(tr("Filter by title, id or hop kind"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setAccessibleName(tr("Filter runbooks"));
    m_view->setModel(m_proxy);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAccessibleName(tr("Runbooks"));
    QHeaderView* header = m_view->header();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(RunbookListModel::Title, QHeaderView::Stretch);
    m_run->setAccessibleName(tr("Run runbook"));
    m_walkthrough->setAccessibleName(tr("Start walkthrough"));
    for (QPushButton* b : {m_run, m_walkthrough})
        b->setAutoDefault(false);

    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_walkthrough);
    buttons->addWidget(m_run);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_filter);
    layout->addWidget(m_view, 1);
    layout->addLayout(buttons);

    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, &RunbookBrowser::updateButtons);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &RunbookBrowser::updateButtons);
    connect(m_view, &QTreeView::activated, this, &RunbookBrowser::activate);
    connect(m_run, &QPushButton::clicked, this, [this] { emit runRequested(selectedId()); });
    connect(m_walkthrough, &QPushButton::clicked, this, [this] { emit walkthroughRequested(selectedId()); });
    updateButtons();
}

void RunbookBrowser::setCatalog(const RunbookCatalog& catalog)
{
    m_model->setCatalog(catalog);
}

QString RunbookBrowser::selectedId() const
{
    return m_view->currentIndex().data(RunbookListModel::IdRole).toString();
}

void RunbookBrowser::selectId(const QString& id)
{
    const QModelIndexList found = m_proxy->match(m_proxy->index(0, 0), RunbookListModel::IdRole, id, 1, Qt::MatchExactly);
    if (!found.isEmpty())
        m_view->setCurrentIndex(found.constFirst());
}

void RunbookBrowser::updateButtons()
{
    const QModelIndex current = m_view->currentIndex();
    m_run->setEnabled(current.data(RunbookListModel::RunnableRole).toBool());
    m_walkthrough->setEnabled(current.data(RunbookListModel::WalkthroughRole).toBool());
}

void RunbookBrowser::activate()
{
    if (m_walkthrough->isEnabled())
        emit walkthroughRequested(selectedId());
    else if (m_run->isEnabled())
        emit runRequested(selectedId());
}

} // namespace hopscope
