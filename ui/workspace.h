#pragma once

#include "loader.h"

#include <QByteArray>
#include <QFileSystemWatcher>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QStringList>
#include <QTimer>

#include <chrono>
#include <memory>
#include <vector>

namespace hopscope {

// The open environment files and what they held, kept current with the disk.
// No widgets: views learn of changes through the signals and read the snapshots.
class Workspace final : public QObject {
    Q_OBJECT
public:
    // A reload replaces a file's snapshot instead of changing it, so whoever still holds
    // the old one (a model mid-update, a drawn map) keeps a consistent view of it.
    using FilePtr = std::shared_ptr<const LoadedFile>;

    explicit Workspace(QObject* parent = nullptr);
    ~Workspace() override;

    const std::vector<FilePtr>& files() const { return m_files; }
    FilePtr file(const QString& path) const;
    int indexOf(const QString& path) const;
    QStringList paths() const;

    int environmentCount() const;
    int problemCount(Severity severity) const;

    // Opening a file that is already open reloads it. A missing or broken file is still
    // opened, so its problems show and it loads once fixed.
    void open(const QString& path);
    void open(const QStringList& paths);
    // Reads the file again even when it looks unchanged.
    void reload(const QString& path);
    void reloadAll();
    void close(const QString& path);
    void closeAll();

    // Editors write in bursts; a change on disk is read once it has been quiet this long.
    void setReloadDelay(std::chrono::milliseconds delay);

    static QString normalizedPath(const QString& path);

signals:
    void fileOpened(const QString& path);    // appended after the others
    void fileReloaded(const QString& path);  // its snapshot replaced, in place
    void fileClosed(const QString& path);
    void changed();                          // after each of the above

private:
    void load(const QString& path, bool force);
    void watch(const QString& path);
    void unwatch(const QString& path);
    void onFileChanged(const QString& path);
    void onDirectoryChanged(const QString& directory);
    void reloadPending();

    std::vector<FilePtr> m_files;
    QHash<QString, QByteArray> m_fingerprints;  // what each file held when last read
    QFileSystemWatcher m_watcher;
    QSet<QString> m_pending;
    QTimer m_reloadTimer;
};

} // namespace hopscope
