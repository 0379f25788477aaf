#include "datafile.h"
#include "historystore.h"

#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <set>

using namespace hopscope;

namespace {

constexpr qint64 kT0 = 1'709'251'200'000;  // 2024-03-01 00:00 UTC
constexpr qint64 kSecond = 1000;
constexpr qint64 kMinute = 60 * kSecond;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;

SeriesKey key(const QString& environment = QStringLiteral("qa"), const QString& file = QStringLiteral("/envs/shop.yaml"))
{
    return {file, environment, QStringLiteral("db"), QStringLiteral("accepts connections")};
}

Sample sample(const SeriesKey& series, qint64 timeMs, double latencyMs, int status = 0)
{
    Sample s;
    s.series = series;
    s.timeMs = timeMs;
    s.latencyMs = latencyMs;
    s.status = status;
    return s;
}

// Appends in batches of 1,000, as the GUI's timer does.
void appendAll(HistoryStore& store, const std::vector<Sample>& samples)
{
    for (std::size_t at = 0; at < samples.size(); at += 1000) {
        const auto end = samples.begin() + qsizetype(std::min(samples.size(), at + 1000));
        QVERIFY2(store.append({samples.begin() + qsizetype(at), end}), qPrintable(store.error()));
    }
}

struct Totals {
    int samples = 0;
    int failures = 0;
};
Totals totals(const ChartSeries& chart)
{
    Totals t;
    for (const ChartPoint& p : chart.points) {
        t.samples += p.samples;
        t.failures += p.failures;
    }
    return t;
}

// Runs one statement on a second connection to the file, as another process would, and
// returns the first value it gives.
QVariant onSideConnection(const QString& path, const QString& sql)
{
    QVariant value;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("peek"));
        db.setDatabaseName(path);
        QSqlQuery q(db);
        if (!db.open() || !q.exec(sql))
            qWarning() << "side connection:" << q.lastError().text();
        else if (q.next())
            value = q.value(0);
    }
    QSqlDatabase::removeDatabase(QStringLiteral("peek"));
    return value;
}

} // namespace

class TestHistoryStore final : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString path(const char* name) const { return m_dir.filePath(QString::fromLatin1(name)); }

private slots:
    void aDayDrawsInChartWidth()
    {
        // A day at 10 s: 8,640 results. Isolated failures 997 results apart, a burst of five
        // and one 5 s spike.
        HistoryStore store;
        QVERIFY2(store.open(path("day.sqlite")), qPrintable(store.error()));
        std::vector<Sample> samples;
        std::set<qint64> isolatedFailures;
        for (int i = 0; i < 8640; ++i) {
            const bool isolated = i % 997 == 500;
            const bool burst = i >= 4000 && i < 4005;
            const qint64 t = kT0 + i * 10 * kSecond;
            if (isolated)
                isolatedFailures.insert(t);
            samples.push_back(sample(key(), t, i == 6000 ? 5000.0 : 20.0 + i % 13, isolated || burst ? 2 : 0));
        }
        appendAll(store, samples);

        const ChartSeries chart = store.query(key(), kT0, kT0 + kDay, 800);
        QVERIFY2(store.error().isEmpty(), qPrintable(store.error()));
        QVERIFY(!chart.perMinute);
        QVERIFY(chart.points.size() <= 800);
        QVERIFY(chart.points.size() > 700);
        QCOMPARE(chart.points.front().timeMs, kT0);
        QCOMPARE(chart.points.back().timeMs, kT0 + 8639 * 10 * kSecond);
        QCOMPARE(totals(chart).samples, 8640);
        QCOMPARE(totals(chart).failures, int(isolatedFailures.size()) + 5);
        double highest = 0;
        for (const ChartPoint& p : chart.points) {
            highest = std::max(highest, p.maxLatencyMs);
            if (p.failures > 0)
                isolatedFailures.erase(p.timeMs);
        }
        QCOMPARE(highest, 5000.0);
        QVERIFY2(isolatedFailures.empty(), "every isolated failure is drawn at its own time");
    }

    void minutesAggregateOnInsert()
    {
        HistoryStore store;
        QVERIFY2(store.open(path("minutes.sqlite")), qPrintable(store.error()));
        // Three days at 10 s; each minute's six latencies are 10..15 ms. Minute 100 has an
        // errored probe without latency; every result reports 40 of 100 connections in use
        // (minute 7 peaks at 95).
        std::vector<Sample> samples;
        for (int i = 0; i < 3 * 8640; ++i) {
            const bool errored = i == 600;
            Sample s = sample(key(), kT0 + i * 10 * kSecond, errored ? ChartPoint::kNone : 10.0 + i % 6, errored ? 3 : 0);
            s.figure = i == 45 ? 95 : 40;
            s.figureLimit = 100;
            samples.push_back(s);
        }
        appendAll(store, samples);
        QVERIFY2(store.prune(kT0 + 3 * kDay), qPrintable(store.error()));

        // The range starts before raw results do, so it is drawn from minutes.
        const ChartSeries all = store.query(key(), kT0, kT0 + 3 * kDay, 10'000);
        QVERIFY(all.perMinute);
        QCOMPARE(all.points.size(), std::size_t(3 * 24 * 60));
        const ChartPoint& m0 = all.points[0];
        QCOMPARE(m0.timeMs, kT0);
        QCOMPARE(m0.samples, 6);
        QCOMPARE(m0.minLatencyMs, 10.0);
        QCOMPARE(m0.maxLatencyMs, 15.0);
        QCOMPARE(m0.latencyMs, 12.5);
        QCOMPARE(m0.figure, 40.0);
        QCOMPARE(m0.figureLimit, 100.0);
        QCOMPARE(all.points[7].figure, 95.0);
        const ChartPoint& m100 = all.points[100];
        QCOMPARE(m100.samples, 6);
        QCOMPARE(m100.measured, 5);
        QCOMPARE(m100.failures, 1);
        QCOMPARE(m100.worstStatus, 3);
        QCOMPARE(m100.latencyMs, (11.0 + 12 + 13 + 14 + 15) / 5);  // 600 % 6 == 0: the 10 ms one errored

        const ChartSeries chart = store.query(key(), kT0, kT0 + 3 * kDay, 800);
        QVERIFY(chart.perMinute);
        QVERIFY(chart.points.size() <= 800);
        QCOMPARE(chart.points.front().timeMs, kT0);
        QCOMPARE(chart.points.back().timeMs, kT0 + 3 * kDay - kMinute);
        QCOMPARE(totals(chart).samples, 3 * 8640);
        QCOMPARE(totals(chart).failures, 1);

        // The last day is still raw.
        const ChartSeries lastDay = store.query(key(), kT0 + 2 * kDay, kT0 + 3 * kDay, 100'000);
        QVERIFY(!lastDay.perMinute);
        QCOMPARE(lastDay.points.size(), std::size_t(8640));
        QCOMPARE(lastDay.points.front().figure, 40.0);
    }

    void pruneKeepsADayOfResultsAndThirtyDaysOfMinutes()
    {
        HistoryStore store;
        QVERIFY2(store.open(path("prune.sqlite")), qPrintable(store.error()));
        // One result an hour for 40 days (961 of them, both ends included), plus a series that
        // stopped 31 days ago.
        std::vector<Sample> samples;
        for (int i = 0; i <= 40 * 24; ++i)
            samples.push_back(sample(key(), kT0 + i * kHour, 5, i == 950 ? 2 : 0));
        samples.push_back(sample(key(QStringLiteral("gone")), kT0 + 9 * kDay, 5));
        appendAll(store, samples);
        QCOMPARE(store.counts().series, 2);

        const qint64 now = kT0 + 40 * kDay;
        QVERIFY2(store.prune(now), qPrintable(store.error()));
        const HistoryStore::Counts counts = store.counts();
        QCOMPARE(counts.results, 25);         // now - 24 h up to now, both ends
        QCOMPARE(counts.minutes, 30 * 24 + 1);  // one minute an hour from now - 30 days
        QCOMPARE(counts.series, 1);           // "gone" had nothing left

        const ChartSeries raw = store.query(key(), now - kDay, now, 800);
        QVERIFY(!raw.perMinute);
        QCOMPARE(raw.points.size(), std::size_t(25));
        QCOMPARE(raw.points.front().timeMs, now - kDay);
        QCOMPARE(totals(raw).failures, 1);

        // A millisecond further back than raw results reach: minutes, from 30 days back.
        const ChartSeries longer = store.query(key(), now - kDay - 1, now, 800);
        QVERIFY(longer.perMinute);
        const ChartSeries month = store.query(key(), kT0, now, 800);
        QVERIFY(month.perMinute);
        QCOMPARE(month.points.front().timeMs, now - 30 * kDay);
        QCOMPARE(totals(month).samples, 30 * 24 + 1);
        QVERIFY(store.query(key(QStringLiteral("gone")), kT0, now, 800).points.empty());
        // A forgotten series that comes back is a series again.
        QVERIFY(store.append({sample(key(QStringLiteral("gone")), now, 5)}));
        QCOMPARE(store.counts().series, 2);
    }

    void pruneCapsRawResultsPerSeries()
    {
        HistoryStore store;
        QVERIFY2(store.open(path("cap.sqlite")), qPrintable(store.error()));
        // A 1 s interval for 20,000 s (5.6 h): within the day, but over the per-series cap.
        const int total = 20'000;
        std::vector<Sample> samples;
        for (int i = 0; i < total; ++i)
            samples.push_back(sample(key(), kT0 + i * kSecond, 7));
        appendAll(store, samples);
        const qint64 now = kT0 + total * kSecond;
        QVERIFY2(store.prune(now), qPrintable(store.error()));
        QCOMPARE(store.counts().results, HistoryStore::kMaxRawRowsPerSeries);

        const qint64 oldestKept = kT0 + (total - HistoryStore::kMaxRawRowsPerSeries) * kSecond;
        const ChartSeries raw = store.query(key(), oldestKept, now, 100'000);
        QVERIFY(!raw.perMinute);
        QCOMPARE(raw.points.size(), std::size_t(HistoryStore::kMaxRawRowsPerSeries));
        QCOMPARE(raw.points.front().timeMs, oldestKept);
        // Before that only minutes are complete.
        const ChartSeries all = store.query(key(), kT0, now, 100'000);
        QVERIFY(all.perMinute);
        QCOMPARE(totals(all).samples, total);
    }

    void replayedResultsCountOnce()
    {
        HistoryStore store;
        QVERIFY2(store.open(path("replay.sqlite")), qPrintable(store.error()));
        const std::vector<Sample> batch{sample(key(), kT0, 10), sample(key(), kT0 + kSecond, 20, 2)};
        QVERIFY(store.append(batch));
        QVERIFY(store.append(batch));
        QCOMPARE(store.counts().results, 2);
        QVERIFY2(store.prune(kT0 + 3 * kDay), qPrintable(store.error()));  // raw gone: read minutes
        const ChartSeries chart = store.query(key(), kT0, kT0 + kMinute, 10);
        QVERIFY(chart.perMinute);
        QCOMPARE(chart.points.size(), std::size_t(1));
        QCOMPARE(chart.points[0].samples, 2);
        QCOMPARE(chart.points[0].failures, 1);
        QCOMPARE(chart.points[0].latencyMs, 15.0);
    }

    void aMinuteSpanningBatches()
    {
        // The minute's row is made by a batch with no latency and completed by later ones.
        HistoryStore store;
        QVERIFY2(store.open(path("batches.sqlite")), qPrintable(store.error()));
        QVERIFY(store.append({sample(key(), kT0, ChartPoint::kNone, 3)}));
        QVERIFY(store.append({sample(key(), kT0 + 10 * kSecond, 30)}));
        QVERIFY(store.append({sample(key(), kT0 + 20 * kSecond, 10, 1)}));
        QVERIFY2(store.prune(kT0 + 3 * kDay), qPrintable(store.error()));
        const ChartSeries chart = store.query(key(), kT0, kT0 + kMinute, 10);
        QVERIFY(chart.perMinute);
        QCOMPARE(chart.points.size(), std::size_t(1));
        const ChartPoint& m = chart.points[0];
        QCOMPARE(m.samples, 3);
        QCOMPARE(m.measured, 2);
        QCOMPARE(m.minLatencyMs, 10.0);
        QCOMPARE(m.maxLatencyMs, 30.0);
        QCOMPARE(m.latencyMs, 20.0);
        QCOMPARE(m.failures, 1);
        QCOMPARE(m.worstStatus, 3);
    }

    void aFailedBatchLeavesNothingBehind()
    {
        const QString file = path("rollback.sqlite");
        HistoryStore store;
        QVERIFY2(store.open(file), qPrintable(store.error()));
        QVERIFY(store.append({sample(key(), kT0, 1)}));
        // Fault injection: the file refuses results with status 99.
        onSideConnection(file, QStringLiteral("CREATE TRIGGER refuse BEFORE INSERT ON results WHEN NEW.status = 99"
                                              " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"));
        const SeriesKey fresh = key(QStringLiteral("staging"));
        QVERIFY(!store.append({sample(fresh, kT0, 2), sample(fresh, kT0 + 1, 3, 99)}));
        QVERIFY2(store.error().contains(QStringLiteral("refused by the test")), qPrintable(store.error()));
        QCOMPARE(store.counts().series, 1);  // the new series went with the rollback
        QCOMPARE(store.counts().results, 1);
        // ... and comes back whole with the next batch.
        QVERIFY2(store.append({sample(fresh, kT0, 2)}), qPrintable(store.error()));
        QCOMPARE(store.counts().series, 2);
        QCOMPARE(store.query(fresh, kT0, kT0, 10).points.size(), std::size_t(1));
    }

    void dataSurvivesReopening()
    {
        const QString file = path("reopen.sqlite");
        {
            HistoryStore store;
            QVERIFY2(store.open(file), qPrintable(store.error()));
            QVERIFY(store.append({sample(key(), kT0, 12.5), sample(key(), kT0 + kMinute, 30, 2)}));
        }
        HistoryStore store;
        QVERIFY2(store.open(file), qPrintable(store.error()));
        const ChartSeries chart = store.query(key(), kT0, kT0 + kHour, 10);
        QCOMPARE(chart.points.size(), std::size_t(2));
        QCOMPARE(chart.points[0].latencyMs, 12.5);
        QCOMPARE(chart.points[1].worstStatus, 2);
        // Appending after reopening finds the series again instead of making a second one.
        QVERIFY(store.append({sample(key(), kT0 + 2 * kMinute, 1)}));
        QCOMPARE(store.counts().series, 1);
    }

    void fileIsInWalModeAtTheCurrentSchema()
    {
        const QString file = path("wal.sqlite");
        HistoryStore store;
        QVERIFY2(store.open(file), qPrintable(store.error()));
        QCOMPARE(onSideConnection(file, QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));
        QCOMPARE(onSideConnection(file, QStringLiteral("PRAGMA user_version")).toInt(), dataFileSchemaVersion());
    }

    void storesOnOneFileShareIt()
    {
        // Each store has its own connection: a second one must not take over the first's.
        const QString file = path("shared.sqlite");
        HistoryStore writer, reader;
        QVERIFY2(writer.open(file), qPrintable(writer.error()));
        QVERIFY2(reader.open(file), qPrintable(reader.error()));
        QVERIFY2(writer.append({sample(key(), kT0, 3)}), qPrintable(writer.error()));
        QCOMPARE(reader.query(key(), kT0, kT0, 10).points.size(), std::size_t(1));
        QVERIFY2(writer.append({sample(key(), kT0 + 1, 4)}), qPrintable(writer.error()));
        QCOMPARE(writer.query(key(), kT0, kT0 + 1, 10).points.size(), std::size_t(2));
    }

    void seriesDoNotMix()
    {
        HistoryStore store;
        QVERIFY2(store.open(path("mix.sqlite")), qPrintable(store.error()));
        const SeriesKey qa = key(), staging = key(QStringLiteral("staging"));
        const SeriesKey otherFile = key(QStringLiteral("qa"), QStringLiteral("/envs/other.yaml"));
        QVERIFY(store.append({sample(qa, kT0, 10), sample(staging, kT0, 900, 2), sample(otherFile, kT0, 50),
                              sample(qa, kT0 + kSecond, 11)}));
        const auto only = [&](const SeriesKey& k) { return store.query(k, kT0, kT0 + kMinute, 10).points; };
        QCOMPARE(only(qa).size(), std::size_t(2));
        QCOMPARE(only(qa)[0].latencyMs, 10.0);
        QCOMPARE(only(staging).size(), std::size_t(1));
        QCOMPARE(only(staging)[0].latencyMs, 900.0);
        QCOMPARE(only(staging)[0].failures, 1);
        QCOMPARE(only(otherFile).size(), std::size_t(1));
        QCOMPARE(only(otherFile)[0].latencyMs, 50.0);
        QVERIFY(only(key(QStringLiteral("prod"))).empty());
        QVERIFY(store.error().isEmpty());
    }

    void notADatabase()
    {
        const QString file = path("garbage.sqlite");
        QFile garbage(file);
        QVERIFY(garbage.open(QIODevice::WriteOnly));
        garbage.write(QByteArray("this is a text file, not SQLite\n").repeated(200));
        garbage.close();
        HistoryStore store;
        QVERIFY(!store.open(file));
        QVERIFY(!store.isOpen());
        QVERIFY2(store.error().startsWith(file + QStringLiteral(": ")), qPrintable(store.error()));
        QVERIFY2(store.error().contains(QStringLiteral("not a database")), qPrintable(store.error()));
        QVERIFY(!store.append({sample(key(), kT0, 1)}));
        QVERIFY2(store.error().contains(QStringLiteral("not open")), qPrintable(store.error()));
    }

    void directoryThatCannotBeMade()
    {
        // A file where the directory should be; permissions would not stop root.
        QFile blocker(path("blocker"));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        HistoryStore store;
        QVERIFY(!store.open(path("blocker") + QStringLiteral("/sub/history.sqlite")));
        QVERIFY2(store.error().contains(QStringLiteral("cannot create the directory")), qPrintable(store.error()));
        QVERIFY2(store.error().contains(path("blocker")), qPrintable(store.error()));
    }

    void fileFromANewerHopscope()
    {
        const QString file = path("newer.sqlite");
        {
            HistoryStore store;
            QVERIFY2(store.open(file), qPrintable(store.error()));
        }
        onSideConnection(file, QStringLiteral("PRAGMA user_version = 99"));
        HistoryStore store;
        QVERIFY(!store.open(file));
        QVERIFY2(store.error().contains(QStringLiteral("newer Hopscope (schema version 99")), qPrintable(store.error()));
    }

    void defaultPathIsInAppData()
    {
        QVERIFY(HistoryStore::defaultPath().endsWith(QStringLiteral("/history.sqlite")));
    }
};

QTEST_GUILESS_MAIN(TestHistoryStore)
#include "tst_historystore.moc"
