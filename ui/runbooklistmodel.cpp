#include "runbooklistmodel.h"

#include "hoptext.h"
#include "runbookcatalog.h"
#include "statusbadge.h"

#include <QFileInfo>

#include <algorithm>

namespace hopscope {

namespace {

bool isWalkthrough(const Runbook& runbook)
{
    const auto& steps = runbook.steps;
    const auto explains = [](const Step& s) { return s.kind == Step::Kind::Tour || s.kind == Step::Kind::Manual; };
    return std::all_of(steps.begin(), steps.end(), explains)
        && std::any_of(steps.begin(), steps.end(), [](const Step& s) { return s.kind == Step::Kind::Tour; });
}

} // namespace

RunbookListModel::RunbookListModel(QObject* parent) : QAbstractTableModel(parent) {}

void RunbookListModel::setCatalog(const RunbookCatalog& catalog)
{
    beginResetModel();
    m_rows.clear();
    for (const LoadedFile& file : catalog.files()) {
        Row row;
        row.file = QString::fromStdString(file.path);
        for (const Diagnostic& d : file.diagnostics) {
            if (d.severity != Severity::Error)
                continue;
            row.errors << QString::fromStdString(d.format());
            if (row.firstError.isEmpty())
                row.firstError = tr("line %1: %2").arg(d.pos.line).arg(QString::fromStdString(d.message));
        }
        if (file.runbook && !file.hasErrors()) {
            const Runbook& rb = *file.runbook;
            row.id = QString::fromStdString(rb.id);
            row.title = QString::fromStdString(rb.title);
            row.description = QString::fromStdString(rb.description).trimmed();
            row.version = QString::fromStdString(rb.version);
            for (HopKind kind : rb.appliesTo)
                row.appliesTo << HopText::kindName(kind);
            row.walkthrough = isWalkthrough(rb);
        } else {
            if (row.errors.isEmpty()) {
                row.errors << tr("%1: not a runbook").arg(row.file);
                row.firstError = tr("not a runbook");
            }
            row.title = tr("%1 does not load: %2").arg(QFileInfo(row.file).fileName(), row.firstError);
        }
        m_rows.push_back(std::move(row));
    }
    // Broken files first: they are what needs doing; then by title.
    std::stable_sort(m_rows.begin(), m_rows.end(), [](const Row& a, const Row& b) {
        if (a.errors.isEmpty() != b.errors.isEmpty())
            return !a.errors.isEmpty();
        return a.title.localeAwareCompare(b.title) < 0;
    });
    endResetModel();
}

int RunbookListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RunbookListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunbookListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Title:
        return tr("Runbook");
    case Id:
        return tr("Id");
    case AppliesTo:
        return tr("Applies to");
    case Version:
        return tr("Version");
    default:
        return {};
    }
}

QVariant RunbookListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows[std::size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Title:
            return row.walkthrough ? tr("%1 (walkthrough)").arg(row.title) : row.title;
        case Id:
            return row.id;
        case AppliesTo:
            if (!row.errors.isEmpty())
                return QString();
            return row.appliesTo.isEmpty() ? tr("any hop") : row.appliesTo.join(QStringLiteral(", "));
        case Version:
            return row.version;
        default:
            return {};
        }
    case Qt::DecorationRole:
        if (index.column() == Title && !row.errors.isEmpty())
            return statusbadge::icon(HopStatus::Red);
        return {};
    case Qt::ToolTipRole:
        if (!row.errors.isEmpty())
            return row.errors.join(QLatin1Char('\n'));
        return row.description.isEmpty() ? row.file : row.description + QStringLiteral("\n\n") + row.file;
    case IdRole:
        return row.id;
    case WalkthroughRole:
        return row.walkthrough;
    case RunnableRole:
        return row.errors.isEmpty() && !row.walkthrough;
    case ErrorsRole:
        return row.errors;
    default:
        return {};
    }
}

} // namespace hopscope
