#include "workspace.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>

#include <algorithm>
#include <exception>
#include <utility>

Q_LOGGING_CATEGORY(lcWorkspace, "hopscope.workspace", QtInfoMsg)

namespace hopscope {

namespace {

// A missing file has a fingerprint of its own, so deleting and restoring it both count as changes.
QByteArray fingerprint(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QByteArrayLiteral("<unreadable>");
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return hash.result();
}

// The loader reports problems as diagnostics; anything it throws is one more problem, never a crash.
LoadedFile readFile(const QString& path)
{
    try {
        return loadFile(path.toStdString());
    } catch (const std::exception& e) {
        LoadedFile failed;
        failed.diagnostics.push_back({path.toStdString(), {}, Severity::Error, e.what()});
        return failed;
    }
}

QString directoryOf(const QString& path)
{
    return QFileInfo(path).absolutePath();
}

} // namespace

Workspace::Workspace(QObject* parent) : QObject(parent)
{
    m_reloadTimer.setSingleShot(true);
    m_reloadTimer.setInterval(std::chrono::milliseconds(150));
    connect(&m_reloadTimer, &QTimer::timeout, this, &Workspace::reloadPending);
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, &Workspace::onFileChanged);
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, &Workspace::onDirectoryChanged);
}

Workspace::~Workspace() = default;

QString Workspace::normalizedPath(const QString& path)
{
    return QDir::cleanPath(QFileInfo(path).absoluteFilePath());
}

Workspace::FilePtr Workspace::file(const QString& path) const
{
    const int index = indexOf(path);
    return index < 0 ? nullptr : m_files[static_cast<std::size_t>(index)];
}

int Workspace::indexOf(const QString& path) const
{
    const std::string wanted = normalizedPath(path).toStdString();
    const auto it = std::find_if(m_files.begin(), m_files.end(),
                                 [&](const FilePtr& f) { return f->path == wanted; });
    return it == m_files.end() ? -1 : static_cast<int>(it - m_files.begin());
}

QStringList Workspace::paths() const
{
    QStringList result;
    for (const FilePtr& f : m_files)
        result << QString::fromStdString(f->path);
    return result;
}

int Workspace::environmentCount() const
{
    int count = 0;
    for (const FilePtr& f : m_files)
        count += static_cast<int>(f->environments.size());
    return count;
}

int Workspace::problemCount(Severity severity) const
{
    int count = 0;
    for (const FilePtr& f : m_files)
        count += static_cast<int>(std::count_if(f->diagnostics.begin(), f->diagnostics.end(),
                                                [&](const Diagnostic& d) { return d.severity == severity; }));
    return count;
}

void Workspace::open(const QString& path)
{
    load(normalizedPath(path), true);
}

void Workspace::open(const QStringList& paths)
{
    for (const QString& path : paths)
        open(path);
}

void Workspace::reload(const QString& path)
{
    const QString normalized = normalizedPath(path);
    if (indexOf(normalized) >= 0)
        load(normalized, true);
}

void Workspace::reloadAll()
{
    const QStringList all = paths();
    for (const QString& path : all)
        load(path, true);
}

void Workspace::close(const QString& path)
{
    const int index = indexOf(path);
    if (index < 0)
        return;
    const QString normalized = QString::fromStdString(m_files[static_cast<std::size_t>(index)]->path);
    m_files.erase(m_files.begin() + index);
    m_fingerprints.remove(normalized);
    m_pending.remove(normalized);
    unwatch(normalized);
    emit fileClosed(normalized);
    emit changed();
}

void Workspace::closeAll()
{
    while (!m_files.empty())
        close(QString::fromStdString(m_files.back()->path));
}

void Workspace::setReloadDelay(std::chrono::milliseconds delay)
{
    m_reloadTimer.setInterval(delay);
}

void Workspace::load(const QString& path, bool force)
{
    const QByteArray print = fingerprint(path);
    const int index = indexOf(path);
    if (!force && index >= 0 && m_fingerprints.value(path) == print)
        return;

    qCDebug(lcWorkspace) << (index < 0 ? "opening" : "reloading") << path;
    auto loaded = std::make_shared<LoadedFile>(readFile(path));
    loaded->path = path.toStdString();  // one spelling, whatever the loader was given
    m_fingerprints.insert(path, print);
    watch(path);

    if (index < 0) {
        m_files.push_back(std::move(loaded));
        emit fileOpened(path);
    } else {
        m_files[static_cast<std::size_t>(index)] = std::move(loaded);
        emit fileReloaded(path);
    }
    emit changed();
}

void Workspace::watch(const QString& path)
{
    // The directory is watched too: an editor that saves by writing a new file and renaming
    // it over the old one ends the file's watch, and only the directory sees the new file.
    const QString directory = directoryOf(path);
    if (!m_watcher.directories().contains(directory) && QFileInfo::exists(directory))
        m_watcher.addPath(directory);
    if (!m_watcher.files().contains(path) && QFileInfo::exists(path))
        m_watcher.addPath(path);
}

void Workspace::unwatch(const QString& path)
{
    m_watcher.removePath(path);
    const QString directory = directoryOf(path);
    const bool directoryStillUsed = std::any_of(m_files.begin(), m_files.end(), [&](const FilePtr& f) {
        return directoryOf(QString::fromStdString(f->path)) == directory;
    });
    if (!directoryStillUsed)
        m_watcher.removePath(directory);
}

void Workspace::onFileChanged(const QString& path)
{
    if (indexOf(path) < 0)
        return;
    m_pending.insert(path);
    m_reloadTimer.start();
}

void Workspace::onDirectoryChanged(const QString& directory)
{
    bool any = false;
    for (const FilePtr& f : m_files) {
        const QString path = QString::fromStdString(f->path);
        if (directoryOf(path) == directory) {
            m_pending.insert(path);
            any = true;
        }
    }
    if (any)
        m_reloadTimer.start();
}

void Workspace::reloadPending()
{
    const QSet<QString> pending = std::exchange(m_pending, {});
    // In workspace order, so signals come in a predictable sequence.
    const QStringList all = paths();
    for (const QString& path : all) {
        if (pending.contains(path)) {
            watch(path);  // a replaced file lost its watch
            load(path, false);
        }
    }
}

} // namespace hopscope
