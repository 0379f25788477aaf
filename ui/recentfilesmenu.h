#pragma once

#include <QMenu>

namespace hopscope {

class Settings;

// File ▸ Open Recent, kept in step with the settings.
class RecentFilesMenu final : public QMenu {
    Q_OBJECT
public:
    explicit RecentFilesMenu(Settings* settings, QWidget* parent = nullptr);

signals:
    void fileChosen(const QString& path);

private:
    void rebuild(const QStringList& files);

    Settings* m_settings;
};

} // namespace hopscope
