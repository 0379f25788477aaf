#pragma once

#include <QByteArray>
#include <QObject>
#include <QStringList>

#include <chrono>
#include <memory>

class QSettings;

namespace hopscope {

// The application's preferences behind typed accessors, so no key string or QVariant
// conversion leaks into the widgets. Setters emit *Changed only when the value changes.
class Settings final : public QObject {
    Q_OBJECT
public:
    static constexpr int MaxRecentFiles = 10;

    // The user's settings in the platform's usual place.
    explicit Settings(QObject* parent = nullptr);
    // An INI file of its own: tests and portable setups.
    explicit Settings(const QString& iniFile, QObject* parent = nullptr);
    ~Settings() override;

    QStringList recentFiles() const;
    void setRecentFiles(const QStringList& files);
    // Moves the file to the front, dropping duplicates and the oldest beyond MaxRecentFiles.
    void addRecentFile(const QString& file);
    void clearRecentFiles();

    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray& geometry);
    QByteArray windowState() const;
    void setWindowState(const QByteArray& state);

    // One probing interval for every environment; zero means each file's own.
    std::chrono::milliseconds probeInterval() const;
    void setProbeInterval(std::chrono::milliseconds interval);

    void sync();

signals:
    void recentFilesChanged(const QStringList& files);
    void windowGeometryChanged();
    void windowStateChanged();
    void probeIntervalChanged(std::chrono::milliseconds interval);

private:
    std::unique_ptr<QSettings> m_settings;
};

} // namespace hopscope
