#pragma once

#include "historystore.h"

#include <QObject>
#include <QString>
#include <QTimer>

#include <vector>

class QThread;

namespace hopscope {

struct CheckResult;

// Check history for the GUI: a HistoryStore on a thread of its own, so SQLite never blocks the
// event loop. Results are buffered where they are recorded and written in one transaction at
// most every kFlushIntervalMs; charts ask for series and get them back by a queued signal.
//
// The store is opened on the worker after construction. When it cannot be opened the service
// keeps working without history: error() says why, records are dropped and every answer is
// empty and carries the error.
//
// Lives on the thread that creates it (the GUI thread); call record() and requestSeries() there.
class HistoryService final : public QObject {
    Q_OBJECT
public:
    static constexpr int kFlushIntervalMs = 500;
    static constexpr int kPruneIntervalMs = 5 * 60 * 1000;

    explicit HistoryService(const QString& path = HistoryStore::defaultPath(), QObject* parent = nullptr);
    // Writes what is buffered, then stops and waits for the worker.
    ~HistoryService() override;

    // The store's last error: opening, writing or reading it. Empty while all is well.
    QString error() const { return m_error; }

    // One result of a check in `file` (the environment file, as the workspace names it).
    void record(const QString& file, const CheckResult& result);
    // Hands what is buffered to the worker now rather than at the next flush.
    void flush();

    // Asks for a chart's points; the answer comes as seriesReady() with the returned id, which
    // grows with each request: a chart keeps its latest id and ignores answers to older ones.
    // The answer includes every result recorded before the request.
    quint64 requestSeries(const hopscope::SeriesKey& series, qint64 fromMs, qint64 toMs, int maxPoints);

    // How a result is kept: its status in CheckStatus order, its latency (none when the probe
    // errored before an answer, as that time is a timeout, not a latency) and, for the
    // Postgres connections check, connections in use against max_connections.
    static Sample toSample(const QString& file, const CheckResult& result);

signals:
    // `error` is empty unless the store could not answer.
    void seriesReady(quint64 id, const hopscope::SeriesKey& series, const hopscope::ChartSeries& chart,
                     const QString& error);
    // The store failed to open, write or read; also in error().
    void errorOccurred(const QString& error);

private:
    class Worker;

    void setError(const QString& error);

    QThread* m_thread;
    Worker* m_worker;
    QTimer m_flushTimer;
    std::vector<Sample> m_buffer;
    QString m_error;
    quint64 m_lastRequest = 0;
    bool m_unavailable = false;  // the store did not open: records are dropped
};

} // namespace hopscope
