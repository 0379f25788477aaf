#include "historyservice.h"

#include "checkresult.h"

#include <QDateTime>
#include <QThread>

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>

namespace hopscope {

// Everything that touches SQLite, on the service's thread. Created on the GUI thread and moved;
// the store and the prune timer are created and destroyed on the worker thread itself.
class HistoryService::Worker final : public QObject {
public:
    explicit Worker(HistoryService* service) : m_service(service) {}

    void open(const QString& path)
    {
        m_store = std::make_unique<HistoryStore>();
        if (!m_store->open(path)) {
            const QString error = m_store->error();
            m_store.reset();
            report([error](HistoryService* s) {
                s->m_unavailable = true;
                s->m_buffer.clear();
                s->setError(error);
            });
            return;
        }
        prune();
        m_pruneTimer = new QTimer(this);
        connect(m_pruneTimer, &QTimer::timeout, this, &Worker::prune);
        m_pruneTimer->start(kPruneIntervalMs);
    }

    void close()
    {
        delete m_pruneTimer;  // here: a timer is stopped on its own thread
        m_pruneTimer = nullptr;
        m_store.reset();
    }

    void append(const std::vector<Sample>& samples)
    {
        if (m_store && !m_store->append(samples))
            reportError(m_store->error());
    }

    void query(quint64 id, const SeriesKey& series, qint64 fromMs, qint64 toMs, int maxPoints)
    {
        ChartSeries chart;
        QString error;
        if (m_store) {
            chart = m_store->query(series, fromMs, toMs, std::size_t(std::max(maxPoints, 2)));
            error = m_store->error();
        } else {
            error = HistoryService::tr("history is not available");
        }
        report([id, series, chart = std::move(chart), error](HistoryService* s) {
            if (!error.isEmpty() && !s->m_unavailable)
                s->setError(error);
            emit s->seriesReady(id, series, chart, s->m_unavailable ? s->m_error : error);
        });
    }

private:
    void prune()
    {
        if (m_store && !m_store->prune(QDateTime::currentMSecsSinceEpoch()))
            reportError(m_store->error());
    }

    void reportError(const QString& error)
    {
        report([error](HistoryService* s) { s->setError(error); });
    }

    // Runs `what` on the service's thread; dropped if the service is gone by then.
    template <typename F>
    void report(F what)
    {
        HistoryService* service = m_service;
        QMetaObject::invokeMethod(service, [service, what = std::move(what)] { what(service); }, Qt::QueuedConnection);
    }

    HistoryService* m_service;
    std::unique_ptr<HistoryStore> m_store;
    QTimer* m_pruneTimer = nullptr;
};

HistoryService::HistoryService(const QString& path, QObject* parent)
    : QObject(parent), m_thread(new QThread(this)), m_worker(new Worker(this))
{
    m_thread->setObjectName(QStringLiteral("history"));
    m_worker->moveToThread(m_thread);
    m_thread->start();
    QMetaObject::invokeMethod(m_worker, [w = m_worker, path] { w->open(path); }, Qt::QueuedConnection);

    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(kFlushIntervalMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &HistoryService::flush);
}

HistoryService::~HistoryService()
{
    // One last event after everything queued: write the rest, close the file on its own thread,
    // and end the thread's loop only then.
    QMetaObject::invokeMethod(
        m_worker,
        [w = m_worker, batch = std::move(m_buffer)] {
            w->append(batch);
            w->close();
            QThread::currentThread()->quit();
        },
        Qt::QueuedConnection);
    m_thread->wait();
    delete m_worker;
}

void HistoryService::setError(const QString& error)
{
    if (error == m_error)
        return;
    m_error = error;
    if (!error.isEmpty())
        emit errorOccurred(error);
}

void HistoryService::record(const QString& file, const CheckResult& result)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (m_unavailable)
        return;
    m_buffer.push_back(toSample(file, result));
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void HistoryService::flush()
{
    m_flushTimer.stop();
    if (m_buffer.empty())
        return;
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, batch = std::exchange(m_buffer, {})] { w->append(batch); }, Qt::QueuedConnection);
}

quint64 HistoryService::requestSeries(const SeriesKey& series, qint64 fromMs, qint64 toMs, int maxPoints)
{
    flush();  // the worker handles events in order: the batch is written before the query runs
    const quint64 id = ++m_lastRequest;
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, id, series, fromMs, toMs, maxPoints] { w->query(id, series, fromMs, toMs, maxPoints); },
        Qt::QueuedConnection);
    return id;
}

Sample HistoryService::toSample(const QString& file, const CheckResult& result)
{
    Sample s;
    s.series = {file, QString::fromStdString(result.environment), QString::fromStdString(result.hop),
                QString::fromStdString(result.check)};
    using std::chrono::milliseconds;
    s.timeMs = result.takenAt.time_since_epoch().count() != 0
                   ? std::chrono::duration_cast<milliseconds>(result.takenAt.time_since_epoch()).count()
                   : QDateTime::currentMSecsSinceEpoch();
    s.status = static_cast<int>(result.status);
    if (result.status != CheckStatus::Error)
        s.latencyMs = result.latencyMs;
    // The Postgres connections check is the one that observes both (probes/postgresbuiltins.cpp).
    const nlohmann::json& o = result.observed;
    const auto inUse = o.find("connections");
    const auto limit = o.find("max_connections");
    if (inUse != o.end() && limit != o.end() && inUse->is_number() && limit->is_number()) {
        s.figure = inUse->get<double>();
        s.figureLimit = limit->get<double>();
    }
    return s;
}

} // namespace hopscope
