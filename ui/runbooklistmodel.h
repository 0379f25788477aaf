#pragma once

#include <QAbstractTableModel>
#include <QStringList>

#include <vector>

namespace hopscope {

class RunbookCatalog;

// Every file of a runbook catalog, one row each: the runbooks with what they apply to, and
// the files that failed to load with their first error, so a broken runbook is seen, not lost.
class RunbookListModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Title, Id, AppliesTo, Version, ColumnCount };
    enum Role { IdRole = Qt::UserRole + 1, WalkthroughRole, RunnableRole, ErrorsRole };

    explicit RunbookListModel(QObject* parent = nullptr);

    void setCatalog(const RunbookCatalog& catalog);

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row {
        QString id;
        QString title;
        QString description;
        QStringList appliesTo;
        QString version;
        QString file;
        QStringList errors;       // FILE:LINE:COLUMN: error: ...
        QString firstError;       // "line 2: ...", for the list
        bool walkthrough = false; // tour steps (and manual notes) only: nothing to run
    };
    std::vector<Row> m_rows;
};

} // namespace hopscope
