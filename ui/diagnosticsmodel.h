#pragma once

#include "filerowsmodel.h"

#include <QAbstractTableModel>
#include <QIcon>

namespace hopscope {

// The problems found while loading the open files, one row each, file by file.
class DiagnosticsModel final : public FileRowsModel<QAbstractTableModel> {
    Q_OBJECT
public:
    enum Column { SeverityColumn, FileColumn, LocationColumn, MessageColumn, ColumnCount };
    enum Role {
        FilePathRole = Qt::UserRole + 1,
        LineRole,
        ColumnRole,
        SeverityRole,   // hopscope::Severity as int
        FormattedRole,  // FILE:LINE:COLUMN: error: MESSAGE, as compilers print it
    };

    explicit DiagnosticsModel(Workspace* workspace, QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const Diagnostic* diagnostic(const QModelIndex& index) const;

protected:
    int rowsIn(const LoadedFile& file) const override;

private:
    QVariant display(const Diagnostic& d, const QString& path, int column) const;

    QIcon m_errorIcon;
    QIcon m_warningIcon;
};

} // namespace hopscope
