#include "gui.h"

#include "environmentlistmodel.h"
#include "historyservice.h"
#include "liveprobing.h"
#include "mainwindow.h"
#include "settings.h"
#include "topologyscene.h"
#include "translations.h"
#include "units.h"
#include "workspace.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QListView>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>
#include <memory>
#include <utility>

namespace hopscope::gui {

namespace {

constexpr int kUsageError = 3;

struct Options {
    QStringList files;
    QString environment;
    QString hop;
    QString screenshot;
    std::chrono::milliseconds screenshotTimeout{30'000};
    QSize size{1480, 920};
};

int usageError(const QString& message)
{
    std::fprintf(stderr, "hopscope: %s\nSee `hopscope --help`.\n", qUtf8Printable(message));
    return kUsageError;
}

// Returns an exit status when the arguments cannot be used.
std::optional<int> parse(const QStringList& args, Options& options)
{
    QCommandLineParser parser;
    const QCommandLineOption env(QStringLiteral("env"), QString(), QStringLiteral("NAME"));
    const QCommandLineOption select(QStringLiteral("select"), QString(), QStringLiteral("HOP"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"), QString(), QStringLiteral("OUT.png"));
    const QCommandLineOption timeout(QStringLiteral("screenshot-timeout"), QString(), QStringLiteral("D"), QStringLiteral("30s"));
    const QCommandLineOption size(QStringLiteral("size"), QString(), QStringLiteral("WxH"), QStringLiteral("1480x920"));
    parser.addOptions({env, select, screenshot, timeout, size});
    if (!parser.parse(QStringList{QStringLiteral("hopscope")} + args))
        return usageError(parser.errorText());
    options.files = parser.positionalArguments();
    options.environment = parser.value(env);
    options.hop = parser.value(select);
    options.screenshot = parser.value(screenshot);
    const auto wait = parseDuration(parser.value(timeout).toStdString());
    if (!wait)
        return usageError(QStringLiteral("--screenshot-timeout must be a duration such as 20s, got \"%1\"").arg(parser.value(timeout)));
    options.screenshotTimeout = *wait;
    const QStringList wh = parser.value(size).split(u'x');
    const int w = wh.size() == 2 ? wh[0].toInt() : 0;
    const int h = wh.size() == 2 ? wh[1].toInt() : 0;
    if (w < 400 || h < 300)
        return usageError(QStringLiteral("--size must be WIDTHxHEIGHT, at least 400x300, got \"%1\"").arg(parser.value(size)));
    options.size = QSize(w, h);
    return std::nullopt;
}

// Picks the environment and hop the command line asked for; false with a message when absent.
bool applySelection(MainWindow& window, const Options& options)
{
    if (!options.environment.isEmpty()) {
        const EnvironmentListModel* model = window.environmentModel();
        bool found = false;
        for (int row = 0; row < model->rowCount() && !found; ++row) {
            const QModelIndex index = model->index(row);
            if (index.data(EnvironmentListModel::NameRole).toString() == options.environment)
                found = window.selectEnvironment(index.data(EnvironmentListModel::FilePathRole).toString(), options.environment);
        }
        if (!found) {
            std::fprintf(stderr, "hopscope: no environment \"%s\" in the files given\n", qUtf8Printable(options.environment));
            return false;
        }
    }
    if (!options.hop.isEmpty()) {
        if (!window.scene()->hopItem(options.hop)) {
            std::fprintf(stderr, "hopscope: no hop \"%s\" in the environment shown\n", qUtf8Printable(options.hop));
            return false;
        }
        window.selectHopForUser(options.hop);
    }
    return true;
}

} // namespace

int run(const QStringList& args)
{
    installTranslations(QCoreApplication::instance());

    Options options;
    if (const auto status = parse(args, options))
        return *status;
    const bool screenshotMode = !options.screenshot.isEmpty();

    // A screenshot is taken with default settings, so it looks the same on every machine.
    QTemporaryDir scratch;
    std::unique_ptr<Settings> settings = screenshotMode
        ? std::make_unique<Settings>(scratch.filePath(QStringLiteral("hopscope.ini")))
        : std::make_unique<Settings>();
    Workspace workspace;
    LiveProbing live(&workspace);
    // A screenshot's history is its own, so an old day on this machine does not show in it,
    // unless HOPSCOPE_DATA_FILE names the history to show.
    const bool ownHistory = screenshotMode && qEnvironmentVariableIsEmpty("HOPSCOPE_DATA_FILE");
    HistoryService history(ownHistory ? scratch.filePath(QStringLiteral("history.sqlite")) : HistoryStore::defaultPath());
    MainWindow window(&workspace, settings.get(), &live, &history);
    // Without files the window shows its welcome page.
    if (screenshotMode)
        workspace.open(options.files);
    else
        window.openFiles(options.files);
    if (!applySelection(window, options))
        return kUsageError;

    if (!screenshotMode) {
        window.show();
        // Once the window is up: a run the last session left unfinished.
        QTimer::singleShot(0, &window, &MainWindow::offerResume);
        return QApplication::exec();
    }

    window.resize(options.size);
    window.show();
    int status = 0;
    bool shot = false;
    const auto shoot = [&] {
        if (std::exchange(shot, true))
            return;
        const QPixmap picture = window.grab();
        if (picture.isNull() || !picture.save(options.screenshot, "PNG")) {
            std::fprintf(stderr, "hopscope: could not write the screenshot to %s\n", qUtf8Printable(options.screenshot));
            status = kUsageError;
        } else {
            const char* when = options.files.isEmpty() ? "the welcome page"
                : live.firstRoundDone()                ? "after the first round of probes"
                                                       : "probes still running at the timeout";
            std::fprintf(stderr, "hopscope: screenshot saved to %s (%s)\n", qUtf8Printable(options.screenshot), when);
        }
        QCoreApplication::quit();
    };
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, &window, shoot);
    deadline.start(options.screenshotTimeout);
    if (live.firstRoundDone())  // also with no files: the welcome page has nothing to wait for
        QTimer::singleShot(0, &window, shoot);
    else
        // Emitted after the map has been given the round's last results.
        QObject::connect(&live, &LiveProbing::firstRoundFinished, &window, shoot);
    QApplication::exec();
    return status;
}

} // namespace hopscope::gui
