#pragma once

#include "environment.h"
#include "checkresult.h"
#include "diagnosis.h"

#include <QAbstractItemModel>
#include <QIcon>

#include <vector>

namespace hopscope {

// A hop's checks as a two-level tree: each check with its last result, and under it the
// evidence (the result's message, every observed value, when it was probed), then what it
// probes, the conditions it expects and warns on, its remedy and timeout.
class ChecksModel final : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { NameColumn, DetailColumn, ColumnCount };
    enum Role { DetailKindRole = Qt::UserRole + 1 };
    enum class DetailKind { Message, Observed, ProbedAt, Probe, Target, Expect, Warn, Remedy, Timeout, Description };

    explicit ChecksModel(QObject* parent = nullptr);

    // Probe summaries show the environment's variables filled in.
    void setHop(const Hop& hop, const KeyValues& variables = {});
    // The latest result of each check, in the hop's check order; null where none yet.
    // Rows keep their place, so a view keeps its selection and expansion.
    void setResults(const std::vector<const CheckResult*>& results);
    void clear();

    HopStatus status(int row) const;
    // The text of a cell's detail, whole: what "Copy" takes from a selected row.
    QString valueAt(const QModelIndex& index) const;

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
        HopStatus status = HopStatus::Grey;
        QString outcome;              // "failed · 212 ms · relation … does not exist"
        int evidence = 0;             // how many of the details come from the result
        std::vector<Detail> details;  // the result's first, then the check's own
    };

    static Row rowFor(const Check& check, const KeyValues& variables);
    static QString labelFor(DetailKind kind);
    static std::vector<Detail> evidenceFor(const CheckResult& result);
    void applyResult(int row, const CheckResult* result);

    std::vector<Row> m_rows;
    QIcon m_statusIcons[4];
};

} // namespace hopscope
