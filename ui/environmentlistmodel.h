#pragma once

#include "filerowsmodel.h"

#include <QAbstractListModel>
#include <QIcon>

namespace hopscope {

// Every environment of every open file, file by file in the order they were opened.
class EnvironmentListModel final : public FileRowsModel<QAbstractListModel> {
    Q_OBJECT
public:
    enum Role {
        FilePathRole = Qt::UserRole + 1,
        NameRole,
        ProtectedRole,
        HopCountRole,
    };

    explicit EnvironmentListModel(Workspace* workspace, QObject* parent = nullptr);

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Valid until the row is removed; copy what must outlive it.
    const Environment* environment(const QModelIndex& index) const;
    QModelIndex find(const QString& filePath, const QString& name) const;

protected:
    int rowsIn(const LoadedFile& file) const override;

private:
    QString toolTip(const Environment& env, const QString& file) const;

    QIcon m_protectedIcon;
    QIcon m_plainIcon;  // blank, so names line up whether or not a row is protected
};

} // namespace hopscope
