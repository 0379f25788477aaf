#pragma once

#include "environment.h"
#include "hopstatus.h"

#include <QAbstractItemModel>
#include <QIcon>

#include <vector>

namespace hopscope {

// A hop's checks as a two-level tree: each check, and under it what it probes, the
// conditions it expects and warns on, its remedy and timeout.
class ChecksModel final : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { NameColumn, DetailColumn, ColumnCount };
    enum Role { DetailKindRole = Qt::UserRole + 1 };
    enum class DetailKind { Probe, Target, Expect, Warn, Remedy, Timeout, Description };

    explicit ChecksModel(QObject* parent = nullptr);

    // Probe summaries show the environment's variables filled in.
    void setHop(const Hop& hop, const KeyValues& variables = {});
    void clear();

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Markdown-ish text for an incident channel or ticket.
    QString summaryText() const;

private:
    struct Detail {
        DetailKind kind;
        QString label;
        QString value;
    };
    struct Row {
        QString name;
        HopStatus status = HopStatus::NotProbed;
        std::vector<Detail> details;
    };

    static Row rowFor(const Check& check, const KeyValues& variables);
    static QString labelFor(DetailKind kind);

    std::vector<Row> m_rows;
    QIcon m_statusIcon;
};

} // namespace hopscope
