#include "cli.h"
#ifdef HOPSCOPE_WITH_GUI
#include "gui.h"
#include <QApplication>
#include <QIcon>
#endif

#include <QCoreApplication>

int main(int argc, char* argv[])
{
    QStringList args;
    for (int i = 0; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);

    QCoreApplication::setOrganizationName(QStringLiteral("Hopscope"));
    QCoreApplication::setOrganizationDomain(QStringLiteral("hopscope.dev"));
    QCoreApplication::setApplicationName(QStringLiteral("hopscope"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HOPSCOPE_VERSION));

#ifdef HOPSCOPE_WITH_GUI
    if (!hopscope::cli::wantsCommandLine(args)) {
        QApplication app(argc, argv);
        QApplication::setApplicationDisplayName(QStringLiteral("Hopscope"));
        // The installed .desktop file and hicolor icon (installer/) are named after the app id.
        QGuiApplication::setDesktopFileName(QStringLiteral(HOPSCOPE_APP_ID));
        QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral(HOPSCOPE_APP_ID)));
        return hopscope::gui::run(args.mid(1));
    }
#endif
    // Scripts and CI need no display: the command line never creates a QGuiApplication.
    QCoreApplication app(argc, argv);
    return hopscope::cli::run(args);
}
