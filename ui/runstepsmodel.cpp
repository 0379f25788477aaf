#include "runstepsmodel.h"

#include "runplan.h"
#include "statusbadge.h"

#include <QFont>

namespace hopscope {

namespace {

// The map's badges, so a step reads like a hop: colour and shape together.
HopStatus badgeFor(StepState state)
{
    switch (state) {
    case StepState::Passed:
        return HopStatus::Green;
    case StepState::AwaitingConfirmation:
        return HopStatus::Amber;
    case StepState::Failed:
    case StepState::Aborted:
        return HopStatus::Red;
    case StepState::Pending:
    case StepState::Running:
    case StepState::Skipped:
        break;
    }
    return HopStatus::Grey;
}

} // namespace

RunStepsModel::RunStepsModel(QObject* parent) : QAbstractListModel(parent) {}

void RunStepsModel::setPlan(const RunPlan& plan)
{
    beginResetModel();
    m_rows.clear();
    for (const PlanStep& step : plan.steps)
        m_rows.push_back({step.number, step.title, step.preview.kind, step.preview.changes, step.parent >= 0, StepState::Pending});
    m_current = -1;
    endResetModel();
}

void RunStepsModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_current = -1;
    endResetModel();
}

void RunStepsModel::setState(int step, StepState state)
{
    if (step < 0 || step >= int(m_rows.size()) || m_rows[std::size_t(step)].state == state)
        return;
    m_rows[std::size_t(step)].state = state;
    const QModelIndex i = index(step);
    emit dataChanged(i, i);
}

void RunStepsModel::setCurrent(int step)
{
    if (step == m_current || step >= int(m_rows.size()))
        return;
    const int old = m_current;
    m_current = step;
    if (old >= 0)
        emit dataChanged(index(old), index(old));
    if (step >= 0)
        emit dataChanged(index(step), index(step));
}

int RunStepsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QString RunStepsModel::stateText(StepState state)
{
    switch (state) {
    case StepState::Pending:
        return tr("pending");
    case StepState::AwaitingConfirmation:
        return tr("waiting for confirmation");
    case StepState::Running:
        return tr("running");
    case StepState::Passed:
        return tr("passed");
    case StepState::Failed:
        return tr("failed");
    case StepState::Skipped:
        return tr("skipped");
    case StepState::Aborted:
        return tr("aborted");
    }
    return {};
}

QVariant RunStepsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows[std::size_t(index.row())];
    const bool current = index.row() == m_current;
    switch (role) {
    case Qt::DisplayRole:
        return tr("%1%2. %3 — %4")
            .arg(row.onFailure ? QStringLiteral("    ") : QString(), row.number, row.title, stateText(row.state));
    case Qt::DecorationRole:
        return statusbadge::icon(badgeFor(row.state), row.state == StepState::Running);
    case Qt::ToolTipRole:
        return tr("Step %1 (%2%3): %4")
            .arg(row.number, row.kind, row.changes ? tr(", changes something") : QString(), stateText(row.state));
    case Qt::AccessibleTextRole:
        return tr("Step %1, %2, %3%4").arg(row.number, row.title, stateText(row.state), current ? tr(", current") : QString());
    case Qt::FontRole:
        if (current) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case StateRole:
        return int(row.state);
    case NumberRole:
        return row.number;
    case KindRole:
        return row.kind;
    case ChangesRole:
        return row.changes;
    case CurrentRole:
        return current;
    default:
        return {};
    }
}

} // namespace hopscope
