// bench_chart: what the inspector's history chart costs to read and to redraw.
//
// Fills a temporary history store with one check's results at a 5 s interval over the last
// day (17,280; 1 % failures, a slow spell, a few probes without an answer), then for a chart
// over the last hour and one over the last day, each N times:
// - query: HistoryStore::query() at the plot's width in points, as the service's worker runs it;
// - round trip: HistoryService::requestSeries() until seriesReady() is back on this thread;
// - redraw: HistoryPlot::setSeries() with that answer, the chart's layout, and rendering the
//   view into an image: what a refresh costs the GUI thread (goal: under 16 ms).
// Prints the median and the worst of each, and of the redraw's CPU time (which other load on
// the machine does not inflate) and its rendering alone. Runs offscreen unless QT_QPA_PLATFORM says otherwise.
// Options: --runs N (default 50), --width PX (default 600), --height PX (default 300).
#include "historyplot.h"
#include "historyservice.h"
#include "historystore.h"

#include <QApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QImage>
#include <QPainter>
#include <QTemporaryDir>

#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <vector>

using namespace hopscope;

namespace {

constexpr qint64 kIntervalMs = 5'000;
constexpr qint64 kHourMs = 3'600'000;
constexpr qint64 kDayMs = 24 * kHourMs;

int argument(const QStringList& args, const QString& name, int fallback)
{
    const auto at = args.indexOf(name);
    return at >= 0 && at + 1 < args.size() ? args.at(at + 1).toInt() : fallback;
}

struct Figures {
    double median = 0;
    double worst = 0;
};

// This thread's CPU time: what a redraw costs whatever else the machine is doing.
double threadCpuMs()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) * 1e3 + double(now.tv_nsec) / 1e6;
}

Figures figures(std::vector<double> ms)
{
    std::sort(ms.begin(), ms.end());
    return ms.empty() ? Figures{} : Figures{ms[ms.size() / 2], ms.back()};
}

// A day of a web check's results ending at `now`, oldest first.
std::vector<Sample> aDay(const SeriesKey& key, qint64 now)
{
    std::vector<Sample> samples;
    quint32 random = 12345;
    const auto next = [&random] { return random = random * 1'103'515'245u + 12'345u; };
    for (qint64 t = now - kDayMs + kIntervalMs; t <= now; t += kIntervalMs) {
        Sample s;
        s.series = key;
        s.timeMs = t;
        const quint32 r = next() >> 8;
        const double hour = double(t % kDayMs) / kHourMs;
        s.latencyMs = 40 + 15 * std::sin(hour / 24 * 2 * std::numbers::pi) + (r % 1000) / 50.0 + (hour > 14 && hour < 14.5 ? 600 : 0);
        s.status = r % 100 == 0 ? 2 : s.latencyMs > 500 ? 1 : 0;
        if (r % 2000 == 1) {
            s.status = 3;
            s.latencyMs = ChartPoint::kNone;
        }
        samples.push_back(s);
    }
    return samples;
}

void print(const char* what, const char* range, const Figures& f, const char* unit = "ms")
{
    std::printf("%-11s %-9s median %7.2f %s, worst %7.2f %s\n", what, range, f.median, unit, f.worst, unit);
}

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    const int runs = std::max(1, argument(args, QStringLiteral("--runs"), 50));
    const int width = argument(args, QStringLiteral("--width"), 600);
    const int height = argument(args, QStringLiteral("--height"), 300);

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("history.sqlite"));
    const SeriesKey key{QStringLiteral("/envs/shop.yaml"), QStringLiteral("prod"), QStringLiteral("api"),
                        QStringLiteral("responds")};
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    HistoryStore store;
    if (!store.open(path) || !store.append(aDay(key, now))) {
        std::fprintf(stderr, "%s\n", qPrintable(store.error()));
        return 1;
    }

    HistoryPlot plot;
    CheckBounds bounds;
    bounds.warnAboveMs = 500;
    bounds.failAboveMs = 2000;
    plot.setBounds(bounds);
    plot.resize(width, height);
    plot.show();
    QCoreApplication::processEvents();
    const int points = plot.pointBudget(plot.width());
    std::printf("one check, a day at 5 s (%lld results); plot %d x %d px, %d points; %d runs each\n",
                store.counts().results, width, height, points, runs);

    HistoryService service(path);
    QImage image(plot.size(), QImage::Format_ARGB32_Premultiplied);
    for (const auto& [range, spanMs] : {std::pair{"last hour", kHourMs}, std::pair{"last day", kDayMs}}) {
        std::vector<double> queryMs;
        std::vector<double> roundTripMs;
        std::vector<double> redrawMs;
        std::vector<double> renderMs;
        std::vector<double> redrawCpuMs;
        ChartSeries chart;
        for (int run = 0; run < runs; ++run) {
            QElapsedTimer timer;
            timer.start();
            chart = store.query(key, now - spanMs, now, std::size_t(points));
            queryMs.push_back(double(timer.nsecsElapsed()) / 1e6);

            QEventLoop loop;
            timer.restart();
            const quint64 id = service.requestSeries(key, now - spanMs, now, points);
            const auto answered = QObject::connect(&service, &HistoryService::seriesReady, &loop,
                                                   [&loop, id](quint64 answer) {
                                                       if (answer == id)
                                                           loop.quit();
                                                   });
            loop.exec();
            roundTripMs.push_back(double(timer.nsecsElapsed()) / 1e6);
            QObject::disconnect(answered);

            // A refresh a few seconds later: the same points, the range moved on.
            const qint64 to = now + run * kIntervalMs;
            const double cpuBefore = threadCpuMs();
            timer.restart();
            plot.setSeries(chart, to - spanMs, to);
            QCoreApplication::sendPostedEvents();  // the chart lays itself out on a posted event
            const qint64 setNs = timer.nsecsElapsed();
            QPainter painter(&image);
            plot.render(&painter);
            painter.end();
            redrawMs.push_back(double(timer.nsecsElapsed()) / 1e6);
            redrawCpuMs.push_back(threadCpuMs() - cpuBefore);
            renderMs.push_back(double(timer.nsecsElapsed() - setNs) / 1e6);
        }
        std::printf("%s: %zu points drawn%s\n", range, chart.points.size(), chart.perMinute ? " (per-minute)" : "");
        print("query", range, figures(queryMs));
        print("round trip", range, figures(roundTripMs));
        print("redraw", range, figures(redrawMs));
        print("  CPU", range, figures(redrawCpuMs));
        print("  render", range, figures(renderMs));
    }
    if (!service.error().isEmpty()) {
        std::fprintf(stderr, "history service: %s\n", qPrintable(service.error()));
        return 1;
    }
    return 0;
}
