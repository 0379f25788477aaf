#include "historystore.h"

#include "datafile.h"

#include <QDir>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QVariant>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <iterator>
#include <utility>

namespace hopscope {

namespace {

constexpr qint64 kMinuteMs = 60'000;
constexpr int kFailStatus = 2;

qint64 minuteOf(qint64 timeMs)
{
    return timeMs >= 0 ? timeMs / kMinuteMs : (timeMs - kMinuteMs + 1) / kMinuteMs;
}

QVariant orNull(double value)
{
    return std::isfinite(value) ? QVariant(value) : QVariant(QMetaType::fromType<double>());
}

QVariant microseconds(double ms)
{
    return std::isfinite(ms) ? QVariant(qint64(std::llround(ms * 1000))) : QVariant(QMetaType::fromType<qint64>());
}

double milliseconds(const QVariant& us)
{
    return us.isNull() ? ChartPoint::kNone : double(us.toLongLong()) / 1000;
}

double realOrNone(const QVariant& value)
{
    return value.isNull() ? ChartPoint::kNone : value.toDouble();
}

// One series-minute of a batch, folded into its stored row by an upsert.
struct MinuteSums {
    qint64 samples = 0, failures = 0, measured = 0, sumUs = 0;
    int worst = 0;
    QVariant minUs{QMetaType::fromType<qint64>()}, maxUs{QMetaType::fromType<qint64>()};
    double figure = ChartPoint::kNone, figureLimit = ChartPoint::kNone;
};

} // namespace

HistoryStore::HistoryStore()
{
    static std::atomic<quint64> instances{0};
    m_connection = QStringLiteral("hopscope-history-%1").arg(instances.fetch_add(1));
}

HistoryStore::~HistoryStore()
{
    close();
}

QString HistoryStore::defaultPath()
{
    // One override for every part that uses the file: tests and scripts point it at a temp file.
    if (const QString explicitPath = qEnvironmentVariable("HOPSCOPE_DATA_FILE"); !explicitPath.isEmpty())
        return explicitPath;
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/history.sqlite");
}

bool HistoryStore::fail(const QString& cause)
{
    m_error = m_path.isEmpty() ? cause : QStringLiteral("%1: %2").arg(QDir::toNativeSeparators(m_path), cause);
    return false;
}

bool HistoryStore::open(const QString& path)
{
    close();
    m_error.clear();
    m_path = path;
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    if (const QString cause = openDataFile(m_db, path); !cause.isEmpty()) {
        close();
        return fail(cause);
    }
    return true;
}

void HistoryStore::close()
{
    m_seriesIds.clear();
    m_db.close();
    // removeDatabase() wants no handle left on the connection, ours included.
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connection);
}

qint64 HistoryStore::seriesId(const SeriesKey& key, bool create, QString& cause)
{
    if (const auto it = m_seriesIds.find(key); it != m_seriesIds.end())
        return it->second;
    QSqlQuery q(m_db);
    const auto run = [&](const QString& sql) {
        q.prepare(sql);
        for (const QString& part : {key.file, key.environment, key.hop, key.check})
            q.addBindValue(part);
        if (q.exec())
            return true;
        cause = sqlCause(q.lastError());
        return false;
    };
    if (!run(QStringLiteral("SELECT id FROM series WHERE file = ? AND environment = ? AND hop = ? AND check_name = ?")))
        return 0;
    qint64 id = q.next() ? q.value(0).toLongLong() : 0;
    if (id == 0 && create) {
        if (!run(QStringLiteral("INSERT INTO series (file, environment, hop, check_name) VALUES (?, ?, ?, ?)")))
            return 0;
        id = q.lastInsertId().toLongLong();
    }
    if (id != 0)
        m_seriesIds.emplace(key, id);
    return id;
}

bool HistoryStore::append(const std::vector<Sample>& samples)
{
    m_error.clear();
    if (!isOpen())
        return fail(tr("the history file is not open"));
    if (samples.empty())
        return true;
    const QString cause = inWriteTransaction(m_db, [&]() -> QString {
        QSqlQuery insert(m_db);
        insert.prepare(QStringLiteral("INSERT INTO results (series_id, t, status, latency_us, figure, figure_limit)"
                                      " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"));
        // Sum the batch per series and minute first: one upsert per minute, not per result.
        std::map<std::pair<qint64, qint64>, MinuteSums> minutes;
        for (const Sample& s : samples) {
            QString failed;
            const qint64 id = seriesId(s.series, true, failed);
            if (id == 0)
                return failed;
            const QVariant latencyUs = microseconds(s.latencyMs);
            const QVariant values[] = {id, s.timeMs, s.status, latencyUs, orNull(s.figure), orNull(s.figureLimit)};
            for (int i = 0; i < int(std::size(values)); ++i)
                insert.bindValue(i, values[i]);
            if (!insert.exec())
                return sqlCause(insert.lastError());
            if (insert.numRowsAffected() == 0)
                continue;  // a replay: counted already

            MinuteSums& m = minutes[{id, minuteOf(s.timeMs)}];
            ++m.samples;
            m.failures += s.status >= kFailStatus ? 1 : 0;
            m.worst = std::max(m.worst, s.status);
            if (!latencyUs.isNull()) {
                const qint64 us = latencyUs.toLongLong();
                ++m.measured;
                m.sumUs += us;
                m.minUs = m.minUs.isNull() ? us : std::min(m.minUs.toLongLong(), us);
                m.maxUs = m.maxUs.isNull() ? us : std::max(m.maxUs.toLongLong(), us);
            }
            m.figure = std::fmax(m.figure, s.figure);
            m.figureLimit = std::fmax(m.figureLimit, s.figureLimit);
        }

        // SQLite's min() and max() of a NULL are NULL, hence the coalesce: a minute's first
        // latency or figure may come in a later batch.
        QSqlQuery upsert(m_db);
        upsert.prepare(QStringLiteral(
            "INSERT INTO minutes (series_id, minute, samples, failures, worst_status, measured,"
            " latency_min_us, latency_max_us, latency_sum_us, figure, figure_limit)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (series_id, minute) DO UPDATE SET"
            " samples = samples + excluded.samples,"
            " failures = failures + excluded.failures,"
            " worst_status = max(worst_status, excluded.worst_status),"
            " measured = measured + excluded.measured,"
            " latency_min_us = coalesce(min(latency_min_us, excluded.latency_min_us), latency_min_us, excluded.latency_min_us),"
            " latency_max_us = coalesce(max(latency_max_us, excluded.latency_max_us), latency_max_us, excluded.latency_max_us),"
            " latency_sum_us = latency_sum_us + excluded.latency_sum_us,"
            " figure = coalesce(max(figure, excluded.figure), figure, excluded.figure),"
            " figure_limit = coalesce(max(figure_limit, excluded.figure_limit), figure_limit, excluded.figure_limit)"));
        for (const auto& [key, m] : minutes) {
            const QVariant values[] = {key.first, key.second, m.samples, m.failures, m.worst, m.measured,
                                       m.minUs, m.maxUs, m.sumUs, orNull(m.figure), orNull(m.figureLimit)};
            for (int i = 0; i < int(std::size(values)); ++i)
                upsert.bindValue(i, values[i]);
            if (!upsert.exec())
                return sqlCause(upsert.lastError());
        }
        return {};
    });
    if (cause.isEmpty())
        return true;
    m_seriesIds.clear();  // it may hold ids of series the rollback removed
    return fail(cause);
}

bool HistoryStore::prune(qint64 nowMs)
{
    m_error.clear();
    if (!isOpen())
        return fail(tr("the history file is not open"));
    const qint64 rawCutoff = nowMs - kRawRetentionMs;
    // Whole minutes only: a minute goes once it has ended before the aggregate cutoff.
    const qint64 minuteCutoff = minuteOf(nowMs - kAggregateRetentionMs);
    const QString cause = inWriteTransaction(m_db, [&]() -> QString {
        std::vector<qint64> ids;
        QSqlQuery q(m_db);
        q.setForwardOnly(true);
        if (!q.exec(QStringLiteral("SELECT id FROM series")))
            return sqlCause(q.lastError());
        while (q.next())
            ids.push_back(q.value(0).toLongLong());
        q.finish();

        // Per series, so every statement walks the (series_id, t) key instead of the table.
        QSqlQuery deleteRaw(m_db), oldestKept(m_db), moveSince(m_db), deleteMinutes(m_db);
        deleteRaw.prepare(QStringLiteral("DELETE FROM results WHERE series_id = ? AND t < ?"));
        oldestKept.prepare(QStringLiteral("SELECT t FROM results WHERE series_id = ? ORDER BY t DESC LIMIT 1 OFFSET ?"));
        moveSince.prepare(QStringLiteral("UPDATE series SET raw_since = max(raw_since, ?) WHERE id = ?"));
        deleteMinutes.prepare(QStringLiteral("DELETE FROM minutes WHERE series_id = ? AND minute < ?"));
        QString failed;
        const auto run = [&](QSqlQuery& query, std::initializer_list<QVariant> values) {
            int i = 0;
            for (const QVariant& v : values)
                query.bindValue(i++, v);
            if (!query.exec())
                failed = sqlCause(query.lastError());
            return failed.isEmpty();
        };
        for (const qint64 id : ids) {
            qint64 since = rawCutoff;
            if (!run(deleteRaw, {id, rawCutoff}) || !run(oldestKept, {id, kMaxRawRowsPerSeries - 1}))
                return failed;
            // More rows than the cap allows: the oldest go, and raw results start later.
            if (oldestKept.next()) {
                since = std::max(since, oldestKept.value(0).toLongLong());
                oldestKept.finish();
                if (!run(deleteRaw, {id, since}))
                    return failed;
            }
            if (!run(moveSince, {since, id}) || !run(deleteMinutes, {id, minuteCutoff}))
                return failed;
        }
        q.prepare(QStringLiteral("DELETE FROM series WHERE"
                                 " NOT EXISTS (SELECT 1 FROM results WHERE series_id = series.id)"
                                 " AND NOT EXISTS (SELECT 1 FROM minutes WHERE series_id = series.id)"));
        return q.exec() ? QString() : sqlCause(q.lastError());
    });
    m_seriesIds.clear();  // forgotten series get new ids when they come back
    return cause.isEmpty() || fail(cause);
}

ChartSeries HistoryStore::query(const SeriesKey& key, qint64 fromMs, qint64 toMs, std::size_t maxPoints)
{
    m_error.clear();
    ChartSeries out;
    if (!isOpen()) {
        fail(tr("the history file is not open"));
        return out;
    }
    QString cause;
    const qint64 id = seriesId(key, false, cause);
    if (id == 0) {
        if (!cause.isEmpty())
            fail(cause);
        return out;
    }

    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    const auto run = [&](const QString& sql, std::initializer_list<qint64> values) {
        q.prepare(sql);
        for (const qint64 v : values)
            q.addBindValue(v);
        return q.exec() || fail(sqlCause(q.lastError()));
    };
    if (!run(QStringLiteral("SELECT raw_since FROM series WHERE id = ?"), {id}) || !q.next())
        return out;
    out.perMinute = fromMs < q.value(0).toLongLong();
    q.finish();

    std::vector<ChartPoint> points;
    if (!out.perMinute) {
        if (!run(QStringLiteral("SELECT t, status, latency_us, figure, figure_limit FROM results"
                                " WHERE series_id = ? AND t BETWEEN ? AND ? ORDER BY t"),
                 {id, fromMs, toMs}))
            return out;
        while (q.next()) {
            ChartPoint p;
            p.timeMs = q.value(0).toLongLong();
            p.worstStatus = q.value(1).toInt();
            p.latencyMs = p.minLatencyMs = p.maxLatencyMs = milliseconds(q.value(2));
            p.figure = realOrNone(q.value(3));
            p.figureLimit = realOrNone(q.value(4));
            p.samples = 1;
            p.measured = std::isfinite(p.latencyMs) ? 1 : 0;
            p.failures = p.worstStatus >= kFailStatus ? 1 : 0;
            points.push_back(p);
        }
        out.points = downsampleResults(points, maxPoints);
        return out;
    }

    if (!run(QStringLiteral("SELECT minute, samples, failures, worst_status, measured, latency_min_us,"
                            " latency_max_us, latency_sum_us, figure, figure_limit FROM minutes"
                            " WHERE series_id = ? AND minute BETWEEN ? AND ? ORDER BY minute"),
             {id, minuteOf(fromMs), minuteOf(toMs)}))
        return out;
    while (q.next()) {
        ChartPoint p;
        p.timeMs = q.value(0).toLongLong() * kMinuteMs;
        p.samples = q.value(1).toInt();
        p.failures = q.value(2).toInt();
        p.worstStatus = q.value(3).toInt();
        p.measured = q.value(4).toInt();
        p.minLatencyMs = milliseconds(q.value(5));
        p.maxLatencyMs = milliseconds(q.value(6));
        if (p.measured > 0)
            p.latencyMs = milliseconds(q.value(7)) / p.measured;
        p.figure = realOrNone(q.value(8));
        p.figureLimit = realOrNone(q.value(9));
        points.push_back(p);
    }
    out.points = minMaxPerBucket(points, maxPoints);
    return out;
}

HistoryStore::Counts HistoryStore::counts()
{
    m_error.clear();
    Counts c;
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("SELECT (SELECT count(*) FROM series), (SELECT count(*) FROM results),"
                               " (SELECT count(*) FROM minutes)"))
        || !q.next()) {
        fail(sqlCause(q.lastError()));
        return c;
    }
    c.series = q.value(0).toLongLong();
    c.results = q.value(1).toLongLong();
    c.minutes = q.value(2).toLongLong();
    return c;
}

} // namespace hopscope
