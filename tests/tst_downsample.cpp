#include "downsample.h"

#include <QTest>

#include <cmath>
#include <numeric>

using namespace hopscope;

namespace {

constexpr double NaN = ChartPoint::kNone;

// y at x = 0, 1, 2, ...; the indices in `flagged` are failures.
std::vector<SeriesPoint> series(const QList<double>& ys, const QList<int>& flagged = {})
{
    std::vector<SeriesPoint> out;
    for (int i = 0; i < ys.size(); ++i)
        out.push_back({double(i), ys.at(i), flagged.contains(i)});
    return out;
}

// One raw result per latency, a second apart; `failed` indices have status 2.
std::vector<ChartPoint> results(const QList<double>& latencies, const QList<int>& failed = {})
{
    std::vector<ChartPoint> out;
    for (int i = 0; i < latencies.size(); ++i) {
        ChartPoint p;
        p.timeMs = i * 1000;
        p.latencyMs = p.minLatencyMs = p.maxLatencyMs = latencies.at(i);
        p.samples = 1;
        p.measured = std::isfinite(latencies.at(i)) ? 1 : 0;
        p.failures = failed.contains(i) ? 1 : 0;
        p.worstStatus = failed.contains(i) ? 2 : 0;
        out.push_back(p);
    }
    return out;
}

// A minute's aggregate: `samples` results, `measured` of them with latency around `mean`.
ChartPoint minute(int index, int samples, int measured, double mean, double max, int failures = 0, int worst = 0)
{
    ChartPoint p;
    p.timeMs = qint64(index) * 60'000;
    p.samples = samples;
    p.measured = measured;
    if (measured > 0) {
        p.latencyMs = mean;
        p.minLatencyMs = mean - 5;
        p.maxLatencyMs = max;
    }
    p.failures = failures;
    p.worstStatus = worst;
    return p;
}

QList<int> asList(const std::vector<std::size_t>& indices)
{
    QList<int> out;
    for (const std::size_t i : indices)
        out << int(i);
    return out;
}

// The hand-worked series: x = 0..6. With threshold 4 the inner points 1..5 fall into two
// buckets, [1, 3) and [3, 6) (bucket b starts at 1 + b * 5 / 2).
//
// Bucket [1, 3): corner a = (0, 0); the next bucket's mean is ((3+4+5)/3, (2+8+3)/3) = (4, 13/3).
//   Twice the area for candidate b is |(ax - cx)(by - ay) - (ax - bx)(cy - ay)|:
//   1: |(-4)(5) - (-1)(13/3)| = 15.67     2: |(-4)(1) - (-2)(13/3)| = 4.67      -> 1
// Bucket [3, 6): a = (1, 5); c is the last point (6, 0):
//   3: |(-5)(-3) - (-2)(-5)| = 5    4: |(-5)(3) - (-3)(-5)| = 30    5: |(-5)(-2) - (-4)(-5)| = 10  -> 4
const QList<double> kShape{0, 5, 1, 2, 8, 3, 0};

} // namespace

class TestDownsample final : public QObject {
    Q_OBJECT
private slots:
    void largestTriangleThreeBuckets_data()
    {
        QTest::addColumn<QList<double>>("ys");
        QTest::addColumn<QList<int>>("flagged");
        QTest::addColumn<int>("threshold");
        QTest::addColumn<QList<int>>("expected");

        QTest::newRow("shape kept by hand") << kShape << QList<int>{} << 4 << QList<int>{0, 1, 4, 6};
        // Bucket [3, 6) would keep 4, but 5 failed.
        QTest::newRow("a failure beats a larger triangle") << kShape << QList<int>{5} << 4 << QList<int>{0, 1, 5, 6};
        // Keeping 2 moves the next corner to (2, 1): areas 5, 30, 11 for 3, 4, 5.
        QTest::newRow("a failure moves the next corner") << kShape << QList<int>{2} << 4 << QList<int>{0, 2, 4, 6};
        // Without y4 the next mean is (4, 2.5): areas 17.5 and 1 keep 1; then 5 (area 10) over 3 (5).
        QTest::newRow("a NaN is passed over") << QList<double>{0, 5, 1, 2, NaN, 3, 0} << QList<int>{} << 4
                                              << QList<int>{0, 1, 5, 6};
        // A bucket of NaNs keeps its first point, and the corner stays (0, 0): areas 12, 48, 18.
        QTest::newRow("a bucket of NaNs") << QList<double>{0, NaN, NaN, 2, 8, 3, 0} << QList<int>{} << 4
                                          << QList<int>{0, 1, 4, 6};
        // No first value: the corner is (0, 13/3), level with the next mean, so areas are
        // 4 |y - 13/3|: 2.67 for 1, 13.33 for 2. Then as "a failure moves the next corner".
        QTest::newRow("first point without a value") << QList<double>{NaN, 5, 1, 2, 8, 3, 0} << QList<int>{} << 4
                                                     << QList<int>{0, 2, 4, 6};
        // Nothing known in the next bucket: it stands in at its mean x (4), level with the
        // corner (0, 3), so areas are 4 |y - 3|: 4 for 1, 6 for 2. The next bucket keeps its first.
        QTest::newRow("a next bucket without values") << QList<double>{3, 4, 1.5, NaN, NaN, NaN, 0} << QList<int>{}
                                                      << 4 << QList<int>{0, 2, 3, 6};
        // Bucket [1, 3) keeps 1 (areas 37.67 and 4.67 against the mean (4, 7/3)); from the corner
        // (1, 10) towards (6, 0) the areas are |60 - 5y - 10x|: 0, 15, 10 for 3, 4, 5. Measured
        // from (0, 0) instead they would be 6y, and 3 would win.
        QTest::newRow("the corner moves to the kept point") << QList<double>{0, 10, 0, 6, 1, 0, 0} << QList<int>{}
                                                            << 4 << QList<int>{0, 1, 4, 6};
        // One bucket [1, 6) against the corners (0, 0) and (6, 0): area 6y, highest at y = 8.
        QTest::newRow("threshold 3") << kShape << QList<int>{} << 3 << QList<int>{0, 4, 6};
        // Corner (0, 1), next mean (6.5, 13.25): area 12.25 x keeps 4; then the spike's 245 beats 0.
        QTest::newRow("a one-point spike") << QList<double>{1, 1, 1, 1, 1, 1, 50, 1, 1, 1} << QList<int>{} << 4
                                           << QList<int>{0, 4, 6, 9};
        QTest::newRow("threshold = size") << kShape << QList<int>{} << 7 << QList<int>{0, 1, 2, 3, 4, 5, 6};
        QTest::newRow("threshold > size") << kShape << QList<int>{} << 100 << QList<int>{0, 1, 2, 3, 4, 5, 6};
        QTest::newRow("threshold 2: first and last") << kShape << QList<int>{3} << 2 << QList<int>{0, 6};
        QTest::newRow("threshold 1: first") << kShape << QList<int>{} << 1 << QList<int>{0};
        QTest::newRow("threshold 0: none") << kShape << QList<int>{} << 0 << QList<int>{};
        QTest::newRow("empty") << QList<double>{} << QList<int>{} << 4 << QList<int>{};
        QTest::newRow("one point") << QList<double>{NaN} << QList<int>{} << 3 << QList<int>{0};
    }
    void largestTriangleThreeBuckets()
    {
        QFETCH(QList<double>, ys);
        QFETCH(QList<int>, flagged);
        QFETCH(int, threshold);
        QFETCH(QList<int>, expected);
        const auto points = series(ys, flagged);
        QCOMPARE(asList(hopscope::largestTriangleThreeBuckets(points, std::size_t(threshold))), expected);
    }

    void everyFailureInItsOwnBucketSurvives()
    {
        // 10,000 points into 100 buckets of about 100: failures 1,000 apart never share one.
        QList<double> ys;
        QList<int> failed;
        for (int i = 0; i < 10'000; ++i) {
            ys << 50 + 40 * std::sin(i / 50.0);
            if (i % 1000 == 500)
                failed << i;
        }
        const QList<int> kept = asList(hopscope::largestTriangleThreeBuckets(series(ys, failed), 102));
        QCOMPARE(kept.size(), 102);
        QCOMPARE(kept.front(), 0);
        QCOMPARE(kept.back(), 9'999);
        for (const int f : failed)
            QVERIFY2(kept.contains(f), qPrintable(QString::number(f)));
    }

    void keptResultsStandForTheSkippedOnes()
    {
        // No failures: kShape keeps 0, 1, 4, 6 (above). The point at 4 stands for 2, 3 and 4;
        // the one at 6 for 5 and 6.
        const auto out = downsampleResults(results(kShape), 4);
        QCOMPARE(out.size(), std::size_t(4));
        QCOMPARE(out[1].timeMs, 1000);
        QCOMPARE(out[1].samples, 1);
        QCOMPARE(out[2].timeMs, 4000);
        QCOMPARE(out[2].latencyMs, 8.0);  // its own value, not a mean
        QCOMPARE(out[2].samples, 3);
        QCOMPARE(out[2].minLatencyMs, 1.0);
        QCOMPARE(out[2].maxLatencyMs, 8.0);
        QCOMPARE(out[3].timeMs, 6000);
        QCOMPARE(out[3].samples, 2);
        QCOMPARE(out[3].minLatencyMs, 0.0);
        QCOMPARE(out[3].maxLatencyMs, 3.0);
    }

    void failedResultsAreKept()
    {
        // 3 failed: it is kept instead of 4, whose spike the last point now counts (4, 5, 6).
        const auto out = downsampleResults(results(kShape, {3}), 4);
        QCOMPARE(out.size(), std::size_t(4));
        QCOMPARE(out[2].timeMs, 3000);
        QCOMPARE(out[2].samples, 2);  // 2 and 3
        QCOMPARE(out[2].failures, 1);
        QCOMPARE(out[2].worstStatus, 2);
        QCOMPARE(out[3].samples, 3);
        QCOMPARE(out[3].failures, 0);
        QCOMPARE(out[3].maxLatencyMs, 8.0);

        // One point left: it stands for all seven and both failures.
        const auto one = downsampleResults(results(kShape, {3, 5}), 1);
        QCOMPARE(one.size(), std::size_t(1));
        QCOMPARE(one[0].timeMs, 0);
        QCOMPARE(one[0].samples, 7);
        QCOMPARE(one[0].failures, 2);
        QCOMPARE(one[0].maxLatencyMs, 8.0);
    }

    void failuresSharingABucketAreAllCounted()
    {
        // Five consecutive failures in 1,000 results cut to 50 points: at most one is drawn per
        // bucket, but the points still count all five, and the spike's maximum survives.
        QList<double> latencies;
        for (int i = 0; i < 1000; ++i)
            latencies << (i == 700 ? 5000.0 : 20.0 + i % 7);
        const QList<int> failed{400, 401, 402, 403, 404};
        const auto out = downsampleResults(results(latencies, failed), 50);
        QVERIFY(out.size() <= 50);
        QCOMPARE(out.front().timeMs, 0);
        QCOMPARE(out.back().timeMs, 999'000);
        int samples = 0, failures = 0;
        double highest = 0;
        for (const ChartPoint& p : out) {
            samples += p.samples;
            failures += p.failures;
            highest = std::max(highest, p.maxLatencyMs);
        }
        QCOMPARE(samples, 1000);
        QCOMPARE(failures, 5);
        QCOMPARE(highest, 5000.0);
    }

    void minMaxPerBucketMergesRuns()
    {
        // Seven minutes into four buckets: the first and last alone, then [1, 3) and [3, 6).
        const std::vector<ChartPoint> minutes{
            minute(0, 10, 10, 10, 15),
            minute(1, 10, 0, NaN, NaN, 10, 3),  // every probe errored: no latency at all
            minute(2, 10, 10, 20, 25),
            minute(3, 10, 10, 40, 45),
            minute(4, 30, 30, 80, 500),  // a spike
            minute(5, 10, 10, 60, 65, 1, 2),
            minute(6, 10, 10, 70, 75),
        };
        const auto out = minMaxPerBucket(minutes, 4);
        QCOMPARE(out.size(), std::size_t(4));
        QCOMPARE(out[0].timeMs, 0);
        QCOMPARE(out[0].samples, 10);

        QCOMPARE(out[1].timeMs, 60'000);
        QCOMPARE(out[1].samples, 20);
        QCOMPARE(out[1].measured, 10);
        QCOMPARE(out[1].latencyMs, 20.0);  // the errored minute does not drag the mean to NaN
        QCOMPARE(out[1].minLatencyMs, 15.0);
        QCOMPARE(out[1].maxLatencyMs, 25.0);
        QCOMPARE(out[1].failures, 10);
        QCOMPARE(out[1].worstStatus, 3);

        QCOMPARE(out[2].timeMs, 180'000);
        QCOMPARE(out[2].samples, 50);
        QCOMPARE(out[2].latencyMs, 68.0);  // (40*10 + 80*30 + 60*10) / 50, weighted by measured
        QCOMPARE(out[2].minLatencyMs, 35.0);
        QCOMPARE(out[2].maxLatencyMs, 500.0);
        QCOMPARE(out[2].failures, 1);
        QCOMPARE(out[2].worstStatus, 2);

        QCOMPARE(out[3].timeMs, 360'000);
        QCOMPARE(out[3].latencyMs, 70.0);
    }

    void minMaxPerBucketEdges_data()
    {
        QTest::addColumn<int>("buckets");
        QTest::addColumn<QList<qint64>>("times");
        QTest::addColumn<QList<int>>("samples");

        // Seven minutes of 1 result each; with fewer than three buckets there is no room for
        // the first and last to stand alone, so the runs split by index: [0, 3) and [3, 7).
        QTest::newRow("more buckets than points") << 10 << QList<qint64>{0, 1, 2, 3, 4, 5, 6}
                                                  << QList<int>{1, 1, 1, 1, 1, 1, 1};
        QTest::newRow("three buckets") << 3 << QList<qint64>{0, 1, 6} << QList<int>{1, 5, 1};
        QTest::newRow("two buckets") << 2 << QList<qint64>{0, 3} << QList<int>{3, 4};
        QTest::newRow("one bucket") << 1 << QList<qint64>{0} << QList<int>{7};
        QTest::newRow("no buckets") << 0 << QList<qint64>{} << QList<int>{};
    }
    void minMaxPerBucketEdges()
    {
        QFETCH(int, buckets);
        QFETCH(QList<qint64>, times);
        QFETCH(QList<int>, samples);
        std::vector<ChartPoint> minutes;
        for (int i = 0; i < 7; ++i)
            minutes.push_back(minute(i, 1, 1, 10, 15));
        QList<qint64> gotTimes;
        QList<int> gotSamples;
        for (const ChartPoint& p : minMaxPerBucket(minutes, std::size_t(buckets))) {
            gotTimes << p.timeMs / 60'000;
            gotSamples << p.samples;
        }
        QCOMPARE(gotTimes, times);
        QCOMPARE(gotSamples, samples);
        QVERIFY(minMaxPerBucket({}, 5).empty());
    }
};

QTEST_GUILESS_MAIN(TestDownsample)
#include "tst_downsample.moc"
