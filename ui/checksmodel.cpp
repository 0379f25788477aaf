#include "checksmodel.h"

#include "hoptext.h"
#include "statusbadge.h"
#include "units.h"

#include <QDateTime>
#include <QLocale>
#include <QStringList>

#include <algorithm>

namespace hopscope {

namespace {
// Children carry their check's row + 1 as internal id; checks themselves carry 0.
constexpr quintptr TopLevel = 0;
} // namespace

ChecksModel::ChecksModel(QObject* parent) : QAbstractItemModel(parent)
{
    for (const HopStatus s : {HopStatus::Grey, HopStatus::Green, HopStatus::Amber, HopStatus::Red})
        m_statusIcons[int(s)] = statusbadge::icon(s);
}

void ChecksModel::setHop(const Hop& hop, const KeyValues& variables)
{
    beginResetModel();
    m_rows.clear();
    for (const Check& check : hop.checks)
        m_rows.push_back(rowFor(check, variables));
    endResetModel();
}

void ChecksModel::setResults(const std::vector<const CheckResult*>& results)
{
    for (std::size_t i = 0; i < m_rows.size(); ++i)
        applyResult(int(i), i < results.size() ? results[i] : nullptr);
}

std::vector<ChecksModel::Detail> ChecksModel::evidenceFor(const CheckResult& result)
{
    std::vector<Detail> details;
    details.push_back({DetailKind::Message, labelFor(DetailKind::Message), QString::fromStdString(result.message)});
    if (result.observed.is_object()) {
        for (const auto& item : result.observed.items()) {
            const auto& value = item.value();
            const std::string& key = item.key();
            QString text = value.is_string() ? QString::fromStdString(value.get<std::string>())
                                             : QString::fromStdString(value.dump());
            if (text.size() > 400)
                text = text.left(399) + QChar(0x2026);
            details.push_back({DetailKind::Observed, QString::fromStdString(key), text});
        }
    }
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(
        std::chrono::duration_cast<std::chrono::milliseconds>(result.takenAt.time_since_epoch()).count());
    details.push_back({DetailKind::ProbedAt, labelFor(DetailKind::ProbedAt),
                       QLocale().toString(at, QStringLiteral("yyyy-MM-dd HH:mm:ss"))});
    return details;
}

void ChecksModel::applyResult(int rowIndex, const CheckResult* result)
{
    Row& row = m_rows[std::size_t(rowIndex)];
    const QModelIndex parent = index(rowIndex, 0);
    std::vector<Detail> evidence = result ? evidenceFor(*result) : std::vector<Detail>{};
    const int oldCount = row.evidence;
    const int newCount = int(evidence.size());
    const bool sameKeys = oldCount == newCount
        && std::equal(evidence.begin(), evidence.end(), row.details.begin(),
                      [](const Detail& a, const Detail& b) { return a.kind == b.kind && a.label == b.label; });
    if (!sameKeys) {
        if (oldCount > 0) {
            beginRemoveRows(parent, 0, oldCount - 1);
            row.details.erase(row.details.begin(), row.details.begin() + oldCount);
            row.evidence = 0;
            endRemoveRows();
        }
        if (newCount > 0) {
            beginInsertRows(parent, 0, newCount - 1);
            row.details.insert(row.details.begin(), evidence.begin(), evidence.end());
            row.evidence = newCount;
            endInsertRows();
        }
    } else if (newCount > 0) {
        std::copy(evidence.begin(), evidence.end(), row.details.begin());
        emit dataChanged(index(0, 0, parent), index(newCount - 1, ColumnCount - 1, parent));
    }

    row.status = result ? hopStatusOf(result->status) : HopStatus::Grey;
    if (!result) {
        row.outcome = HopText::statusName(HopStatus::Grey);
    } else {
        row.outcome = HopText::checkStatusName(result->status);
        if (result->latencyMs > 0)
            row.outcome += QStringLiteral(" · %1 ms").arg(qRound(result->latencyMs));
        if (!result->message.empty())
            row.outcome += QStringLiteral(" · ") + QString::fromStdString(result->message);
    }
    emit dataChanged(index(rowIndex, 0), index(rowIndex, ColumnCount - 1));
}

HopStatus ChecksModel::status(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? m_rows[std::size_t(row)].status : HopStatus::Grey;
}

QString ChecksModel::valueAt(const QModelIndex& index) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (index.internalId() == TopLevel) {
        const Row& row = m_rows[std::size_t(index.row())];
        return QStringLiteral("%1: %2").arg(row.name, row.outcome);
    }
    const Row& row = m_rows[std::size_t(index.internalId() - 1)];
    const Detail& detail = row.details[std::size_t(index.row())];
    return QStringLiteral("%1: %2").arg(detail.label, detail.value);
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
    case DetailKind::Message: return tr("result");
    case DetailKind::Observed: return tr("observed");
    case DetailKind::ProbedAt: return tr("probed at");
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
    Row row{HopText::checkName(check), HopStatus::Grey, HopText::statusName(HopStatus::Grey), 0, {}};
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
            return name ? row.name : row.outcome;
        case Qt::DecorationRole:
            return name ? QVariant(m_statusIcons[int(row.status)]) : QVariant();
        case Qt::AccessibleTextRole:
            return name ? tr("%1, %2").arg(row.name, HopText::statusName(row.status)) : row.outcome;
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
        lines << QStringLiteral("- %1: %2").arg(row.name, row.outcome);
        for (const Detail& detail : row.details)
            lines << QStringLiteral("    %1: %2").arg(detail.label, detail.value);
    }
    return lines.join(u'\n');
}

} // namespace hopscope
