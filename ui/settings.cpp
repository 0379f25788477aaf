#include "settings.h"

#include <QFileInfo>
#include <QSettings>

namespace hopscope {

namespace {
QString recentFilesKey() { return QStringLiteral("files/recent"); }
QString geometryKey() { return QStringLiteral("mainWindow/geometry"); }
QString stateKey() { return QStringLiteral("mainWindow/state"); }
QString intervalKey() { return QStringLiteral("probing/intervalMs"); }
} // namespace

Settings::Settings(QObject* parent) : QObject(parent), m_settings(std::make_unique<QSettings>()) {}

Settings::Settings(const QString& iniFile, QObject* parent)
    : QObject(parent), m_settings(std::make_unique<QSettings>(iniFile, QSettings::IniFormat))
{
}

Settings::~Settings() = default;

QStringList Settings::recentFiles() const
{
    return m_settings->value(recentFilesKey()).toStringList();
}

void Settings::setRecentFiles(const QStringList& files)
{
    QStringList cleaned;
    for (const QString& file : files) {
        if (!file.isEmpty() && !cleaned.contains(file))
            cleaned << file;
    }
    while (cleaned.size() > MaxRecentFiles)
        cleaned.removeLast();
    // Compared as typed values: QSettings may hand back an empty list as an invalid variant.
    if (cleaned == recentFiles())
        return;
    m_settings->setValue(recentFilesKey(), cleaned);
    emit recentFilesChanged(cleaned);
}

void Settings::addRecentFile(const QString& file)
{
    const QString absolute = QFileInfo(file).absoluteFilePath();
    QStringList files = recentFiles();
    files.removeAll(absolute);
    files.prepend(absolute);
    setRecentFiles(files);
}

void Settings::clearRecentFiles()
{
    setRecentFiles({});
}

QByteArray Settings::windowGeometry() const
{
    return m_settings->value(geometryKey()).toByteArray();
}

void Settings::setWindowGeometry(const QByteArray& geometry)
{
    if (geometry == windowGeometry())
        return;
    m_settings->setValue(geometryKey(), geometry);
    emit windowGeometryChanged();
}

QByteArray Settings::windowState() const
{
    return m_settings->value(stateKey()).toByteArray();
}

void Settings::setWindowState(const QByteArray& state)
{
    if (state == windowState())
        return;
    m_settings->setValue(stateKey(), state);
    emit windowStateChanged();
}

std::chrono::milliseconds Settings::probeInterval() const
{
    return std::chrono::milliseconds(qMax<qint64>(0, m_settings->value(intervalKey(), 0).toLongLong()));
}

void Settings::setProbeInterval(std::chrono::milliseconds interval)
{
    if (interval == probeInterval())
        return;
    m_settings->setValue(intervalKey(), qint64(interval.count()));
    emit probeIntervalChanged(interval);
}

void Settings::sync()
{
    // QSettings writes through a temporary file and renames it, so a crash never leaves half a file.
    m_settings->sync();
}

} // namespace hopscope
