#pragma once

#include "workspace.h"

#include <QAbstractItemModel>

#include <vector>

namespace hopscope {

// Shared by the models that list something from every open file (environments, problems):
// rows grouped by file in workspace order. Each keeps its own snapshot of each file, so when
// the workspace has already replaced or dropped one, it still knows which rows to take away.
// Derived classes implement rowsIn() and call populate() at the end of their constructor.
template <class Base>
class FileRowsModel : public Base {
public:
    explicit FileRowsModel(Workspace* workspace, QObject* parent) : Base(parent), m_workspace(workspace)
    {
        QObject::connect(workspace, &Workspace::fileOpened, this, [this](const QString& p) { onOpened(p); });
        QObject::connect(workspace, &Workspace::fileReloaded, this, [this](const QString& p) { onReloaded(p); });
        QObject::connect(workspace, &Workspace::fileClosed, this, [this](const QString& p) { onClosed(p); });
    }

    int rowCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : m_total; }

protected:
    struct RowRef {
        const LoadedFile* file = nullptr;
        int index = -1;  // within what rowsIn() counted for that file
    };

    virtual int rowsIn(const LoadedFile& file) const = 0;

    void populate()
    {
        Base::beginResetModel();
        m_blocks.clear();
        m_total = 0;
        for (const Workspace::FilePtr& file : m_workspace->files()) {
            const int rows = rowsIn(*file);
            m_blocks.push_back({QString::fromStdString(file->path), file, rows});
            m_total += rows;
        }
        Base::endResetModel();
    }

    RowRef rowRef(int row) const
    {
        for (const Block& block : m_blocks) {
            if (row < block.rows)
                return {block.file.get(), row};
            row -= block.rows;
        }
        return {};
    }

    Workspace* workspace() const { return m_workspace; }

private:
    struct Block {
        QString path;
        Workspace::FilePtr file;
        int rows = 0;
    };

    int blockOf(const QString& path) const
    {
        for (std::size_t i = 0; i < m_blocks.size(); ++i) {
            if (m_blocks[i].path == path)
                return static_cast<int>(i);
        }
        return -1;
    }

    int firstRow(int block) const
    {
        int row = 0;
        for (int i = 0; i < block; ++i)
            row += m_blocks[static_cast<std::size_t>(i)].rows;
        return row;
    }

    void onOpened(const QString& path)
    {
        const Workspace::FilePtr file = m_workspace->file(path);
        if (!file || blockOf(path) >= 0)
            return;
        const int rows = rowsIn(*file);
        if (rows > 0)
            Base::beginInsertRows({}, m_total, m_total + rows - 1);
        m_blocks.push_back({path, file, rows});
        m_total += rows;
        if (rows > 0)
            Base::endInsertRows();
    }

    void onReloaded(const QString& path)
    {
        const int block = blockOf(path);
        const Workspace::FilePtr file = m_workspace->file(path);
        if (block < 0 || !file)
            return;
        Block& current = m_blocks[static_cast<std::size_t>(block)];
        const int first = firstRow(block);
        const int rows = rowsIn(*file);
        if (rows == current.rows) {
            // Same shape: views keep their selection, and only the contents are redrawn.
            current.file = file;
            if (rows > 0) {
                // QAbstractListModel hides columnCount(); ask through the public interface.
                const int columns = static_cast<const QAbstractItemModel*>(this)->columnCount();
                emit Base::dataChanged(Base::index(first, 0), Base::index(first + rows - 1, columns - 1));
            }
            return;
        }
        removeRowsOf(block);
        if (rows > 0)
            Base::beginInsertRows({}, first, first + rows - 1);
        current.file = file;
        current.rows = rows;
        m_total += rows;
        if (rows > 0)
            Base::endInsertRows();
    }

    void onClosed(const QString& path)
    {
        const int block = blockOf(path);
        if (block < 0)
            return;
        removeRowsOf(block);
        m_blocks.erase(m_blocks.begin() + block);
    }

    void removeRowsOf(int block)
    {
        Block& current = m_blocks[static_cast<std::size_t>(block)];
        if (current.rows == 0)
            return;
        const int first = firstRow(block);
        Base::beginRemoveRows({}, first, first + current.rows - 1);
        m_total -= current.rows;
        current.rows = 0;
        Base::endRemoveRows();
    }

    Workspace* m_workspace;
    std::vector<Block> m_blocks;
    int m_total = 0;
};

} // namespace hopscope
