#include "checksmodel.h"

#include "hoptext.h"
#include "statusbadge.h"
#include "units.h"

#include <QStringList>

namespace hopscope {

namespace {
// Children carry their check's row + 1 as internal id; checks themselves carry 0.
constexpr quintptr TopLevel = 0;
} // namespace

ChecksModel::ChecksModel(QObject* parent) : QAbstractItemModel(parent), m_statusIcon(statusbadge::icon(HopStatus::NotProbed))
{
}

void ChecksModel::setHop(const Hop& hop, const KeyValues& variables)
{
    beginResetModel();
    m_rows.clear();
    for (const Check& check : hop.checks)
        m_rows.push_back(rowFor(check, variables));
    endResetModel();
}

void ChecksModel::clear()
{
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

QString ChecksModel::labelFor(DetailKind kind)
{
    switch (kind) {
    case DetailKind::Probe: return tr("probe");
    case DetailKind::Target: return tr("connects to");
    case DetailKind::Expect: return tr("expect");
    case DetailKind::Warn: return tr("warn unless");
    case DetailKind::Remedy: return tr("remedy");
    case DetailKind::Timeout: return tr("timeout");
    case DetailKind::Description: return tr("about");
    }
    return {};
}

ChecksModel::Row ChecksModel::rowFor(const Check& check, const KeyValues& variables)
{
    Row row{HopText::checkName(check), HopStatus::NotProbed, {}};
    const auto add = [&](DetailKind kind, const QString& value) { row.details.push_back({kind, labelFor(kind), value}); };
    add(DetailKind::Probe, HopText::probeSummary(check, variables));
    if (const QString target = HopText::probeTarget(check, variables); !target.isEmpty())
        add(DetailKind::Target, target);
    for (const Condition& c : check.expect)
        add(DetailKind::Expect, QString::fromStdString(c.text));
    for (const Condition& c : check.warn)
        add(DetailKind::Warn, QString::fromStdString(c.text));
    if (!check.remedy.empty())
        add(DetailKind::Remedy, QString::fromStdString(check.remedy));
    if (check.timeout)
        add(DetailKind::Timeout, QString::fromStdString(formatDuration(*check.timeout)));
    if (!check.description.empty())
        add(DetailKind::Description, QString::fromStdString(check.description));
    return row;
}

QModelIndex ChecksModel::index(int row, int column, const QModelIndex& parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, TopLevel);
    return createIndex(row, column, static_cast<quintptr>(parent.row()) + 1);
}

QModelIndex ChecksModel::parent(const QModelIndex& child) const
{
    if (!child.isValid() || child.internalId() == TopLevel)
        return {};
    return createIndex(static_cast<int>(child.internalId() - 1), 0, TopLevel);
}

int ChecksModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return static_cast<int>(m_rows.size());
    if (parent.internalId() == TopLevel && parent.column() == 0)
        return static_cast<int>(m_rows[static_cast<std::size_t>(parent.row())].details.size());
    return 0;
}

int ChecksModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

QVariant ChecksModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (index.internalId() == TopLevel) {
        const Row& row = m_rows[static_cast<std::size_t>(index.row())];
        const bool name = index.column() == NameColumn;
        switch (role) {
        case Qt::DisplayRole:
        case Qt::ToolTipRole:
            return name ? row.name : HopText::statusName(row.status);
        case Qt::DecorationRole:
            return name ? QVariant(m_statusIcon) : QVariant();
        case Qt::AccessibleTextRole:
            return name ? tr("%1, %2").arg(row.name, HopText::statusName(row.status)) : HopText::statusName(row.status);
        default:
            return {};
        }
    }
    const Row& row = m_rows[static_cast<std::size_t>(index.internalId() - 1)];
    const Detail& detail = row.details[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return index.column() == NameColumn ? detail.label : detail.value;
    case Qt::ToolTipRole:
        return detail.value;
    case DetailKindRole:
        return static_cast<int>(detail.kind);
    default:
        return {};
    }
}

QVariant ChecksModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == NameColumn ? tr("Check") : tr("Detail");
}

QString ChecksModel::summaryText() const
{
    QStringList lines;
    for (const Row& row : m_rows) {
        lines << QStringLiteral("- %1: %2").arg(row.name, HopText::statusName(row.status));
        for (const Detail& detail : row.details)
            lines << QStringLiteral("    %1: %2").arg(detail.label, detail.value);
    }
    return lines.join(u'\n');
}

} // namespace hopscope
