#include "diagnosticsmodel.h"

#include "statusbadge.h"

#include <QDir>
#include <QFileInfo>

namespace hopscope {

DiagnosticsModel::DiagnosticsModel(Workspace* workspace, QObject* parent)
    : FileRowsModel(workspace, parent)
    , m_errorIcon(statusbadge::icon(HopStatus::Red))
    , m_warningIcon(statusbadge::icon(HopStatus::Amber))
{
    populate();
}

int DiagnosticsModel::rowsIn(const LoadedFile& file) const
{
    return static_cast<int>(file.diagnostics.size());
}

int DiagnosticsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const Diagnostic* DiagnosticsModel::diagnostic(const QModelIndex& index) const
{
    if (!index.isValid() || !checkIndex(index, CheckIndexOption::ParentIsInvalid))
        return nullptr;
    const RowRef ref = rowRef(index.row());
    return ref.file ? &ref.file->diagnostics[static_cast<std::size_t>(ref.index)] : nullptr;
}

QVariant DiagnosticsModel::data(const QModelIndex& index, int role) const
{
    const Diagnostic* d = diagnostic(index);
    if (!d)
        return {};
    const bool isError = d->severity == Severity::Error;
    // A problem that spans files may name another file than the one that was read.
    const QString path = QString::fromStdString(d->file.empty() ? rowRef(index.row()).file->path : d->file);
    switch (role) {
    case Qt::DisplayRole:
        return display(*d, path, index.column());
    case Qt::DecorationRole:
        if (index.column() == SeverityColumn)
            return isError ? m_errorIcon : m_warningIcon;
        return {};
    case Qt::ToolTipRole:
        if (index.column() == FileColumn)
            return QDir::toNativeSeparators(path);
        if (index.column() == MessageColumn)
            return QString::fromStdString(d->message);
        return {};
    case Qt::AccessibleTextRole:
        return QString::fromStdString(d->format());
    case FilePathRole:
        return path;
    case LineRole:
        return d->pos.line;
    case ColumnRole:
        return d->pos.column;
    case SeverityRole:
        return static_cast<int>(d->severity);
    case FormattedRole:
        return QString::fromStdString(d->format());
    default:
        return {};
    }
}

QVariant DiagnosticsModel::display(const Diagnostic& d, const QString& path, int column) const
{
    switch (column) {
    case SeverityColumn:
        return d.severity == Severity::Error ? tr("error") : tr("warning");
    case FileColumn:
        return QFileInfo(path).fileName();
    case LocationColumn:
        // {0, 0} is the file as a whole: there is no place to name.
        if (d.pos.line <= 0)
            return QString();
        return d.pos.column > 0 ? QStringLiteral("%1:%2").arg(d.pos.line).arg(d.pos.column)
                                : QString::number(d.pos.line);
    case MessageColumn:
        return QString::fromStdString(d.message);
    default:
        return {};
    }
}

QVariant DiagnosticsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case SeverityColumn: return tr("Severity");
    case FileColumn: return tr("File");
    case LocationColumn: return tr("Line:Col");
    case MessageColumn: return tr("Message");
    default: return {};
    }
}

} // namespace hopscope
