#include "timelinemodel.h"

#include "hoptext.h"
#include "statusbadge.h"

#include <QLocale>

namespace hopscope {

TimelineModel::TimelineModel(QObject* parent) : QAbstractListModel(parent)
{
    for (const HopStatus s : {HopStatus::Grey, HopStatus::Green, HopStatus::Amber, HopStatus::Red})
        m_icons[int(s)] = statusbadge::icon(s);
}

void TimelineModel::add(const StatusChange& change)
{
    if (int(m_changes.size()) >= MaxRows) {
        beginRemoveRows({}, MaxRows - 1, int(m_changes.size()) - 1);
        m_changes.resize(MaxRows - 1);
        endRemoveRows();
    }
    beginInsertRows({}, 0, 0);
    m_changes.push_front(change);
    endInsertRows();
}

void TimelineModel::clear()
{
    beginResetModel();
    m_changes.clear();
    endResetModel();
}

int TimelineModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_changes.size());
}

QString TimelineModel::describe(const StatusChange& change)
{
    QString what;
    switch (change.to) {
    case HopStatus::Green: what = tr("%1 › %2 recovered").arg(change.environment, change.hop); break;
    case HopStatus::Amber: what = tr("%1 › %2 went amber").arg(change.environment, change.hop); break;
    case HopStatus::Red: what = tr("%1 › %2 went red").arg(change.environment, change.hop); break;
    case HopStatus::Grey: what = tr("%1 › %2 is no longer probed").arg(change.environment, change.hop); break;
    }
    if (change.role == HopRole::LikelyCause)
        what += tr(" (likely cause)");
    if (!change.message.isEmpty() && change.to != HopStatus::Grey)
        what += QStringLiteral(": ") + change.message;
    return QLocale().toString(change.at.time(), QStringLiteral("HH:mm:ss")) + QStringLiteral("  ") + what;
}

QVariant TimelineModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const StatusChange& c = m_changes[std::size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return describe(c);
    case Qt::ToolTipRole:
        return tr("%1\n%2 (%3) in %4, from %5")
            .arg(describe(c), c.hopTitle, c.hop, c.environment, c.file);
    case Qt::DecorationRole:
        return m_icons[int(c.to)];
    case Qt::AccessibleTextRole:
        return tr("%1, %2").arg(HopText::statusName(c.to), describe(c));
    case FilePathRole:
        return c.file;
    case EnvironmentRole:
        return c.environment;
    case HopIdRole:
        return c.hop;
    case StatusRole:
        return int(c.to);
    default:
        return {};
    }
}

} // namespace hopscope
