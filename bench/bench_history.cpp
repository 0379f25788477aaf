// bench_history: what a day of history costs to write, keep and draw.
//
// Appends a day of results at a 10 s interval for 300 checks (8,640 each, 2,592,000 in all) in
// batches of 1,000, in time order as the GUI's timer would hand them over; then prints the
// file's size, the time to read one check's full day for a chart of 800 points, and the time
// prune() takes with nothing to delete and with half a day to delete.
// Options: --series N, --per-series N, --batch N, --max-points N, --dir DIR (default: a
// temporary directory, removed afterwards).
#include "historystore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace hopscope;

namespace {

constexpr qint64 kStart = 1'709'251'200'000;  // 2024-03-01 00:00 UTC
constexpr qint64 kIntervalMs = 10'000;

int argument(const QStringList& args, const QString& name, int fallback)
{
    const auto at = args.indexOf(name);
    return at >= 0 && at + 1 < args.size() ? args.at(at + 1).toInt() : fallback;
}

double megabytes(const QString& file)
{
    return double(QFileInfo(file).size()) / 1e6;
}

SeriesKey seriesKey(int index)
{
    return {QStringLiteral("/envs/fleet.yaml"), QStringLiteral("env-%1").arg(index / 30),
            QStringLiteral("hop-%1").arg(index / 5 % 6), QStringLiteral("check %1").arg(index)};
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values.empty() ? 0 : values[values.size() / 2];
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const int seriesCount = argument(args, QStringLiteral("--series"), 300);
    const int perSeries = argument(args, QStringLiteral("--per-series"), 8640);
    const int batchSize = argument(args, QStringLiteral("--batch"), 1000);
    const int maxPoints = argument(args, QStringLiteral("--max-points"), 800);
    QTemporaryDir temporary;
    const auto dirAt = args.indexOf(QStringLiteral("--dir"));
    const QString dir = dirAt >= 0 && dirAt + 1 < args.size() ? args.at(dirAt + 1) : temporary.path();
    const QString path = dir + QStringLiteral("/history.sqlite");

    HistoryStore store;
    if (!store.open(path)) {
        std::fprintf(stderr, "%s\n", qPrintable(store.error()));
        return 1;
    }
    std::vector<SeriesKey> keys;
    for (int s = 0; s < seriesCount; ++s)
        keys.push_back(seriesKey(s));

    // Deterministic latencies around 20 ms with a spike now and then; 1 % failures.
    quint32 random = 12345;
    const auto next = [&random] { return random = random * 1'103'515'245u + 12'345u; };
    std::vector<Sample> batch;
    std::vector<double> batchMs;
    QElapsedTimer total;
    total.start();
    const qint64 count = qint64(seriesCount) * perSeries;
    for (qint64 i = 0; i < count; ++i) {
        Sample s;
        s.series = keys[std::size_t(i % seriesCount)];
        s.timeMs = kStart + (i / seriesCount) * kIntervalMs;
        const quint32 r = next() >> 8;
        s.latencyMs = 15 + (r % 1000) / 100.0 + (r % 500 == 0 ? 2000 : 0);
        s.status = r % 100 == 0 ? 2 : 0;
        batch.push_back(std::move(s));
        if (int(batch.size()) == batchSize || i + 1 == count) {
            QElapsedTimer one;
            one.start();
            if (!store.append(batch)) {
                std::fprintf(stderr, "%s\n", qPrintable(store.error()));
                return 1;
            }
            batchMs.push_back(double(one.nsecsElapsed()) / 1e6);
            batch.clear();
        }
    }
    const double appendS = double(total.nsecsElapsed()) / 1e9;
    const HistoryStore::Counts counts = store.counts();
    std::printf("append: %lld results for %d series in batches of %d: %.1f s, %.0f results/s;"
                " per batch median %.2f ms, max %.1f ms\n",
                count, seriesCount, batchSize, appendS, double(count) / appendS, median(batchMs),
                *std::max_element(batchMs.begin(), batchMs.end()));
    std::printf("rows: %lld series, %lld results, %lld minutes\n", counts.series, counts.results, counts.minutes);
    std::printf("file: %.1f MB, WAL %.1f MB, shm %.2f MB\n", megabytes(path),
                megabytes(path + QStringLiteral("-wal")), megabytes(path + QStringLiteral("-shm")));

    // A chart of a full day: each series once, so the first reads are not all cached pages.
    const qint64 end = kStart + qint64(perSeries) * kIntervalMs;
    std::vector<double> queryMs;
    std::size_t points = 0;
    for (int s = 0; s < std::min(seriesCount, 50); ++s) {
        QElapsedTimer one;
        one.start();
        const ChartSeries chart = store.query(keys[std::size_t(s * 7 % seriesCount)], kStart, end, std::size_t(maxPoints));
        queryMs.push_back(double(one.nsecsElapsed()) / 1e6);
        points = chart.points.size();
    }
    std::printf("query: a day of one series to %d points (%zu drawn): median %.2f ms, first %.2f ms, max %.2f ms\n",
                maxPoints, points, median(queryMs), queryMs.front(), *std::max_element(queryMs.begin(), queryMs.end()));

    QElapsedTimer timer;
    timer.start();
    store.prune(end);
    std::printf("prune, nothing to delete: %.0f ms\n", double(timer.nsecsElapsed()) / 1e6);
    timer.restart();
    store.prune(end + 12 * 3'600'000LL);
    const double pruneHalfMs = double(timer.nsecsElapsed()) / 1e6;
    std::printf("prune, half a day to delete: %.0f ms, leaving %lld results\n", pruneHalfMs, store.counts().results);
    timer.restart();
    const ChartSeries minutes = store.query(keys[0], kStart, end, std::size_t(maxPoints));
    std::printf("query: the same day from per-minute aggregates (%zu drawn): %.2f ms\n", minutes.points.size(),
                double(timer.nsecsElapsed()) / 1e6);
    std::printf("file after pruning: %.1f MB (freed pages are reused, not returned)\n", megabytes(path));
    return 0;
}
