#include "gui.h"

#include "mainwindow.h"
#include "settings.h"
#include "translations.h"
#include "workspace.h"

#include <QApplication>
#include <QDir>

namespace hopscope::gui {

namespace {

// The example that ships with the sources; installed copies come with a later packaging change.
QString bundledExample()
{
    return QDir(QStringLiteral(HOPSCOPE_SOURCE_DIR)).filePath(QStringLiteral("lab/lab.yaml"));
}

} // namespace

int run(const QStringList& files)
{
    installTranslations(QCoreApplication::instance());

    Settings settings;
    Workspace workspace;
    MainWindow window(&workspace, &settings);
    if (files.isEmpty())
        workspace.open(bundledExample());  // a demo, not the user's choice: not a recent file
    else
        window.openFiles(files);
    window.show();
    return QApplication::exec();
}

} // namespace hopscope::gui
