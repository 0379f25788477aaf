#pragma once

#include "downsample.h"

#include <QCoreApplication>
#include <QSqlDatabase>
#include <QString>

#include <map>
#include <tuple>
#include <vector>

namespace hopscope {

// Which check a result belongs to: the same check name on another hop, environment or
// environment file is another series.
struct SeriesKey {
    QString file;  // the environment file, as the workspace names it
    QString environment;
    QString hop;
    QString check;

    friend bool operator<(const SeriesKey& a, const SeriesKey& b)
    {
        return std::tie(a.file, a.environment, a.hop, a.check) < std::tie(b.file, b.environment, b.hop, b.check);
    }
};

// One check result as history keeps it.
struct Sample {
    SeriesKey series;
    qint64 timeMs = 0;                       // when it was taken: ms since the epoch, UTC
    int status = 0;                          // 0 pass, 1 warn, 2 fail, 3 error (CheckStatus order)
    double latencyMs = ChartPoint::kNone;    // NaN: the probe measured none
    double figure = ChartPoint::kNone;       // optional, e.g. connections in use
    double figureLimit = ChartPoint::kNone;  // optional, the figure's ceiling, e.g. max_connections
};

// What a chart gets back: raw results, or per-minute aggregates when the range reaches
// further back than raw results are kept.
struct ChartSeries {
    std::vector<ChartPoint> points;
    bool perMinute = false;
};

// Check results over time, in one SQLite file (WAL mode) that needs no setup. Raw results
// are kept for a day and per-minute aggregates (min, max, mean latency, count, failures) for
// 30 days; charts read either, downsampled to their width.
//
// Bounds, applied by prune():
// - raw results: the last kRawRetentionMs, and at most kMaxRawRowsPerSeries per series
//   (a day at a 5 s interval; a 1 s interval keeps the last 4.8 hours);
// - aggregates: the last kAggregateRetentionMs, so at most 43,200 rows per series;
// - a series with neither left is forgotten.
// A raw result takes about 22 bytes on disk and an aggregate minute about 33, so a series
// costs at most about 1.8 MB (0.2 MB of raw results at a 10 s interval, 1.4 MB of aggregates
// once a month old). Call prune() every few minutes: appends are not capped in between.
// Deleted pages are reused, so the file stops growing rather than shrinking.
//
// The file is Hopscope's data file (datafile.h): it also holds the runbook audit trail, and
// open() migrates older files to the current schema.
//
// Not thread-safe, as Qt's SQL connections are not: create, use and destroy a store on one
// thread (a worker, never the GUI thread). Several stores, on several threads, may share a file.
class HistoryStore final {
    Q_DECLARE_TR_FUNCTIONS(HistoryStore)
public:
    static constexpr qint64 kRawRetentionMs = 24LL * 60 * 60 * 1000;
    static constexpr qint64 kAggregateRetentionMs = 30 * kRawRetentionMs;
    static constexpr int kMaxRawRowsPerSeries = 17'280;

    HistoryStore();
    ~HistoryStore();
    HistoryStore(const HistoryStore&) = delete;
    HistoryStore& operator=(const HistoryStore&) = delete;

    // $HOPSCOPE_DATA_FILE, else history.sqlite in the user's application data directory.
    static QString defaultPath();

    // Opens or creates the file (and its directory) and migrates it to the current schema.
    // On failure error() names the file and the cause: a directory that cannot be created or
    // written, a file that is not a database, one written by a newer Hopscope, a lock.
    bool open(const QString& path = defaultPath());
    void close();
    bool isOpen() const { return m_db.isOpen(); }
    QString path() const { return m_path; }
    QString error() const { return m_error; }

    // Adds results in one transaction and folds them into their minutes' aggregates. A
    // result whose series already has one at the same millisecond is a replay and is ignored.
    bool append(const std::vector<Sample>& samples);

    // Deletes what the bounds above no longer allow, counting retention back from nowMs.
    bool prune(qint64 nowMs);

    // Points for a chart of one series between fromMs and toMs (inclusive), at most
    // maxPoints of them. Raw results when they still cover fromMs, per-minute aggregates
    // otherwise. Downsampling never drops a failure: a kept point counts the failures of
    // the results it stands for. Empty for an unknown series or on error (see error()).
    ChartSeries query(const SeriesKey& series, qint64 fromMs, qint64 toMs, std::size_t maxPoints);

    struct Counts {
        qint64 series = 0;
        qint64 results = 0;
        qint64 minutes = 0;
    };
    // How many rows each table holds, for tests, benchmarks and a status line.
    Counts counts();

private:
    // Sets error() to the file and the cause; always false.
    bool fail(const QString& cause);
    // The series' id, created when `create` is set; 0 when unknown, or on error with `cause` set.
    qint64 seriesId(const SeriesKey& key, bool create, QString& cause);

    QString m_connection;  // unique per instance: Qt names connections per process
    QString m_path;
    QString m_error;
    QSqlDatabase m_db;
    std::map<SeriesKey, qint64> m_seriesIds;  // a cache: prune() may delete series
};

} // namespace hopscope
