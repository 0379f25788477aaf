// The history service: results recorded on the GUI thread reach the store on its worker thread
// in batches, and series come back by a queued signal, tagged with the request's id.
#include "checkresult.h"
#include "historyservice.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <cmath>
#include <memory>

using namespace hopscope;

namespace {

const QString kFile = QStringLiteral("/envs/shop.yaml");

CheckResult result(const char* check, CheckStatus status, double latencyMs, qint64 timeMs)
{
    CheckResult r;
    r.environment = "qa";
    r.hop = "db";
    r.check = check;
    r.status = status;
    r.latencyMs = latencyMs;
    r.takenAt = std::chrono::system_clock::time_point(std::chrono::milliseconds(timeMs));
    return r;
}

SeriesKey key(const char* check)
{
    return {kFile, QStringLiteral("qa"), QStringLiteral("db"), QString::fromLatin1(check)};
}

int failures(const ChartSeries& chart)
{
    int count = 0;
    for (const ChartPoint& p : chart.points)
        count += p.failures;
    return count;
}

// What another reader of the file sees, on this thread: the service's worker is not involved.
ChartSeries readDirectly(const QString& path, const SeriesKey& series, qint64 fromMs, qint64 toMs)
{
    HistoryStore store;
    if (!store.open(path))
        qWarning() << store.error();
    return store.query(series, fromMs, toMs, 1000);
}

} // namespace

class TestHistoryService final : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    qint64 m_now = QDateTime::currentMSecsSinceEpoch();
    QString path(const char* name) const { return m_dir.filePath(QString::fromLatin1(name)); }

private slots:
    void recordsComeBackFromRequestSeries()
    {
        HistoryService service(path("roundtrip.sqlite"));
        QSignalSpy ready(&service, &HistoryService::seriesReady);
        for (int i = 0; i < 10; ++i) {
            const CheckStatus status = i == 4 ? CheckStatus::Fail : i == 7 ? CheckStatus::Error : CheckStatus::Pass;
            service.record(kFile, result("accepts connections", status, 10.0 + i, m_now - (10 - i) * 1000));
        }
        // Another check of the same hop is another series.
        service.record(kFile, result("migrations", CheckStatus::Pass, 99, m_now - 500));

        const quint64 id = service.requestSeries(key("accepts connections"), m_now - 60'000, m_now, 100);
        QTRY_COMPARE(ready.count(), 1);
        const QList<QVariant> answer = ready.takeFirst();
        QCOMPARE(answer.at(0).toULongLong(), id);
        QCOMPARE(answer.at(1).value<SeriesKey>().check, QStringLiteral("accepts connections"));
        const auto chart = answer.at(2).value<ChartSeries>();
        QVERIFY2(answer.at(3).toString().isEmpty(), qPrintable(answer.at(3).toString()));
        QCOMPARE(chart.points.size(), std::size_t(10));
        QCOMPARE(failures(chart), 2);
        QCOMPARE(chart.points[4].worstStatus, 2);
        QCOMPARE(chart.points[5].latencyMs, 15.0);
        // An errored probe got no answer: its time until giving up is not a latency.
        QCOMPARE(chart.points[7].worstStatus, 3);
        QVERIFY(std::isnan(chart.points[7].latencyMs));
        QVERIFY(service.error().isEmpty());
    }

    void answersArriveOnTheServiceThread()
    {
        HistoryService service(path("thread.sqlite"));
        QThread* answeredOn = nullptr;
        connect(&service, &HistoryService::seriesReady, this, [&answeredOn] { answeredOn = QThread::currentThread(); });
        service.requestSeries(key("accepts connections"), m_now - 1000, m_now, 10);
        QTRY_VERIFY(answeredOn != nullptr);
        QCOMPARE(answeredOn, QThread::currentThread());
    }

    void recordsAreBufferedThenWrittenInABatch()
    {
        const QString file = path("batch.sqlite");
        HistoryService service(file);
        for (int i = 0; i < 5; ++i)
            service.record(kFile, result("accepts connections", CheckStatus::Pass, 5, m_now - i * 1000));
        // Nothing reaches the worker until this thread's event loop runs the flush timer.
        QVERIFY(readDirectly(file, key("accepts connections"), m_now - 10'000, m_now).points.empty());
        QTRY_COMPARE(readDirectly(file, key("accepts connections"), m_now - 10'000, m_now).points.size(), std::size_t(5));
    }

    void destructorWritesWhatIsBuffered()
    {
        const QString file = path("shutdown.sqlite");
        {
            HistoryService service(file);
            for (int i = 0; i < 3; ++i)
                service.record(kFile, result("accepts connections", CheckStatus::Warn, 7, m_now - i * 1000));
        }
        const ChartSeries chart = readDirectly(file, key("accepts connections"), m_now - 10'000, m_now);
        QCOMPARE(chart.points.size(), std::size_t(3));
        QCOMPARE(chart.points.front().worstStatus, 1);
    }

    void staleAnswersAreTellable()
    {
        HistoryService service(path("stale.sqlite"));
        service.record(kFile, result("accepts connections", CheckStatus::Pass, 3, m_now - 1000));
        QSignalSpy ready(&service, &HistoryService::seriesReady);
        const quint64 older = service.requestSeries(key("accepts connections"), m_now - 60'000, m_now, 10);
        const quint64 newer = service.requestSeries(key("accepts connections"), m_now - 3'600'000, m_now, 10);
        QVERIFY(newer > older);
        QTRY_COMPARE(ready.count(), 2);
        // Both are answered, in order, each with its own id: a chart keeps `newer` and drops the other.
        QCOMPARE(ready.at(0).at(0).toULongLong(), older);
        QCOMPARE(ready.at(1).at(0).toULongLong(), newer);
    }

    void unopenableFileLeavesServiceWithoutHistory()
    {
        // A path below a regular file: its directory can never be created.
        const QString blocker = path("not-a-directory");
        QFile file(blocker);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();

        HistoryService service(blocker + QStringLiteral("/history.sqlite"));
        QSignalSpy failed(&service, &HistoryService::errorOccurred);
        QTRY_COMPARE(failed.count(), 1);
        QVERIFY(!service.error().isEmpty());
        QCOMPARE(failed.at(0).at(0).toString(), service.error());

        service.record(kFile, result("accepts connections", CheckStatus::Pass, 3, m_now));
        service.flush();
        QSignalSpy ready(&service, &HistoryService::seriesReady);
        const quint64 id = service.requestSeries(key("accepts connections"), m_now - 1000, m_now, 10);
        QTRY_COMPARE(ready.count(), 1);
        QCOMPARE(ready.at(0).at(0).toULongLong(), id);
        QVERIFY(ready.at(0).at(2).value<ChartSeries>().points.empty());
        QCOMPARE(ready.at(0).at(3).toString(), service.error());
    }

    void connectionsCheckKeepsItsFigures()
    {
        CheckResult r = result("connections", CheckStatus::Warn, 4.5, m_now);
        r.observed = {{"connections", 155}, {"max_connections", 250}, {"reserved_connections", 3}};
        const Sample s = HistoryService::toSample(kFile, r);
        QCOMPARE(s.series.file, kFile);
        QCOMPARE(s.series.environment, QStringLiteral("qa"));
        QCOMPARE(s.series.hop, QStringLiteral("db"));
        QCOMPARE(s.series.check, QStringLiteral("connections"));
        QCOMPARE(s.timeMs, m_now);
        QCOMPARE(s.status, 1);
        QCOMPARE(s.latencyMs, 4.5);
        QCOMPARE(s.figure, 155.0);
        QCOMPARE(s.figureLimit, 250.0);

        const Sample other = HistoryService::toSample(kFile, result("responds", CheckStatus::Fail, 80, m_now));
        QCOMPARE(other.status, 2);
        QCOMPARE(other.latencyMs, 80.0);
        QVERIFY(std::isnan(other.figure));
        QVERIFY(std::isnan(other.figureLimit));
    }
};

QTEST_GUILESS_MAIN(TestHistoryService)
#include "tst_historyservice.moc"
