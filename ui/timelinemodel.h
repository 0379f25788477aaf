#pragma once

#include "liveprobing.h"

#include <QAbstractListModel>
#include <QIcon>

#include <deque>

namespace hopscope {

// Status changes as they happen, newest first, capped so a flapping hop cannot eat memory.
class TimelineModel final : public QAbstractListModel {
    Q_OBJECT
public:
    static constexpr int MaxRows = 2000;
    enum Role { FilePathRole = Qt::UserRole + 1, EnvironmentRole, HopIdRole, StatusRole };

    explicit TimelineModel(QObject* parent = nullptr);

    void add(const StatusChange& change);
    void clear();
    const StatusChange& change(int row) const { return m_changes[std::size_t(row)]; }

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

    // "12:03:15 qa › db went red: relation "application_logs" does not exist"
    static QString describe(const StatusChange& change);

private:
    std::deque<StatusChange> m_changes;
    QIcon m_icons[4];
};

} // namespace hopscope
