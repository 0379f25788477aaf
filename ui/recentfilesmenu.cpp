#include "recentfilesmenu.h"

#include "settings.h"

#include <QDir>
#include <QFileInfo>

namespace hopscope {

RecentFilesMenu::RecentFilesMenu(Settings* settings, QWidget* parent)
    : QMenu(tr("Open &Recent"), parent), m_settings(settings)
{
    setToolTipsVisible(true);
    connect(settings, &Settings::recentFilesChanged, this, &RecentFilesMenu::rebuild);
    rebuild(settings->recentFiles());
}

void RecentFilesMenu::rebuild(const QStringList& files)
{
    clear();
    int number = 1;
    for (const QString& file : files) {
        const QFileInfo info(file);
        // Numbered accelerators for the first nine, as editors do.
        const QString label = number <= 9 ? QStringLiteral("&%1 %2").arg(number).arg(info.fileName())
                                           : info.fileName();
        QAction* action = addAction(label);
        action->setToolTip(QDir::toNativeSeparators(file));
        action->setStatusTip(QDir::toNativeSeparators(file));
        connect(action, &QAction::triggered, this, [this, file] { emit fileChosen(file); });
        ++number;
    }
    if (!files.isEmpty()) {
        addSeparator();
        addAction(tr("&Clear Menu"), this, [this] { m_settings->clearRecentFiles(); });
    }
    setEnabled(!files.isEmpty());
}

} // namespace hopscope
