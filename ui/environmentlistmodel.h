#pragma once

#include "filerowsmodel.h"

#include <QAbstractListModel>
#include <QIcon>

namespace hopscope {

class LiveProbing;

// Every environment of every open file, file by file in the order they were opened.
class EnvironmentListModel final : public FileRowsModel<QAbstractListModel> {
    Q_OBJECT
public:
    enum Role {
        FilePathRole = Qt::UserRole + 1,
        NameRole,
        ProtectedRole,
        HopCountRole,
        StatusRole,  // int(HopStatus), grey without live probing
        CauseRole,   // one line: the likely cause and its evidence, or how the path is
        StaleRole,
    };

    explicit EnvironmentListModel(Workspace* workspace, QObject* parent = nullptr);

    // Colours and cause lines follow the probes; without, every row is "not probed yet".
    void setLiveProbing(LiveProbing* live);
    QIcon protectedIcon() const { return m_protectedIcon; }

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Valid until the row is removed; copy what must outlive it.
    const Environment* environment(const QModelIndex& index) const;
    QModelIndex find(const QString& filePath, const QString& name) const;

protected:
    int rowsIn(const LoadedFile& file) const override;

private:
    QString toolTip(const Environment& env, const QString& file) const;
    QString causeLine(const Environment& env, const QString& file) const;
    void onEnvironmentUpdated(const QString& file, const QString& name);

    LiveProbing* m_live = nullptr;
    QIcon m_statusIcons[4];
    QIcon m_staleIcons[4];
    QIcon m_protectedIcon;
};

} // namespace hopscope
