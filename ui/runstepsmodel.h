#pragma once

#include "runstate.h"

#include <QAbstractListModel>

#include <vector>

namespace hopscope {

struct RunPlan;

// The steps of one run, in plan order (on-failure steps after their parent, indented), with
// each step's state and the one the run is at. The runner panel's list shows it.
class RunStepsModel final : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role { StateRole = Qt::UserRole + 1, NumberRole, KindRole, ChangesRole, CurrentRole };

    explicit RunStepsModel(QObject* parent = nullptr);

    void setPlan(const RunPlan& plan);
    void clear();
    void setState(int step, StepState state);
    void setCurrent(int step);
    int current() const { return m_current; }
    StepState state(int step) const { return m_rows.at(std::size_t(step)).state; }

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

    // "waiting for confirmation", for the list and for screen readers.
    static QString stateText(StepState state);

private:
    struct Row {
        QString number;
        QString title;
        QString kind;
        bool changes = false;
        bool onFailure = false;
        StepState state = StepState::Pending;
    };
    std::vector<Row> m_rows;
    int m_current = -1;
};

} // namespace hopscope
