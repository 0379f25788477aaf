#include "downsample.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace hopscope {

namespace {

// Folds `other` into `into` as results it now also stands for. Time and latency stay
// `into`'s own: the caller decides whether the latency is a representative or a mean.
void absorb(ChartPoint& into, const ChartPoint& other)
{
    // std::fmin/fmax ignore a NaN operand, so a result without latency leaves the range alone.
    into.minLatencyMs = std::fmin(into.minLatencyMs, other.minLatencyMs);
    into.maxLatencyMs = std::fmax(into.maxLatencyMs, other.maxLatencyMs);
    into.figure = std::fmax(into.figure, other.figure);
    into.figureLimit = std::fmax(into.figureLimit, other.figureLimit);
    into.samples += other.samples;
    into.failures += other.failures;
    into.worstStatus = std::max(into.worstStatus, other.worstStatus);
}

void absorbWithMean(ChartPoint& into, const ChartPoint& other)
{
    const int measured = into.measured + other.measured;
    if (other.measured > 0) {
        into.latencyMs = into.measured > 0
            ? (into.latencyMs * into.measured + other.latencyMs * other.measured) / measured
            : other.latencyMs;
    }
    into.measured = measured;
    absorb(into, other);
}

} // namespace

std::vector<std::size_t> largestTriangleThreeBuckets(std::span<const SeriesPoint> points, std::size_t threshold)
{
    const std::size_t n = points.size();
    std::vector<std::size_t> kept;
    if (n <= threshold) {
        kept.resize(n);
        std::iota(kept.begin(), kept.end(), std::size_t{0});
        return kept;
    }
    if (threshold < 3) {
        if (threshold >= 1)
            kept.push_back(0);
        if (threshold == 2)
            kept.push_back(n - 1);
        return kept;
    }

    // Integer bucket bounds, so the last bucket ends exactly before the last point.
    const std::size_t buckets = threshold - 2;
    const auto bucketBegin = [&](std::size_t b) { return 1 + b * (n - 2) / buckets; };

    kept.reserve(threshold);
    kept.push_back(0);
    // The triangle's first corner: the last kept point that has a value.
    bool haveAnchor = std::isfinite(points[0].y);
    double anchorX = points[0].x;
    double anchorY = points[0].y;

    for (std::size_t b = 0; b < buckets; ++b) {
        // The mean of the next bucket stands in for the point not chosen there yet; after
        // the last bucket that is the last point itself.
        const std::size_t nextBegin = bucketBegin(b + 1);
        const std::size_t nextEnd = b + 1 < buckets ? bucketBegin(b + 2) : n;
        double sumX = 0, sumY = 0, allX = 0;
        std::size_t valued = 0;
        for (std::size_t i = nextBegin; i < nextEnd; ++i) {
            allX += points[i].x;
            if (std::isfinite(points[i].y)) {
                sumX += points[i].x;
                sumY += points[i].y;
                ++valued;
            }
        }
        const double meanX = valued ? sumX / double(valued) : allX / double(nextEnd - nextBegin);
        const double meanY = valued ? sumY / double(valued) : anchorY;  // flat when nothing is known
        if (!haveAnchor) {
            anchorX = points[kept.back()].x;
            anchorY = meanY;
        }

        // Rank: flagged first, then having a value, then the larger triangle; ties keep the
        // earlier. A NaN area (nothing known to measure against) never wins a comparison.
        std::size_t best = bucketBegin(b);
        bool bestFlagged = false, bestValued = false;
        double bestArea = 0;
        for (std::size_t i = bucketBegin(b); i < nextBegin; ++i) {
            const SeriesPoint& p = points[i];
            const bool hasValue = std::isfinite(p.y);
            const double area = std::abs((anchorX - meanX) * (p.y - anchorY) - (anchorX - p.x) * (meanY - anchorY));
            const bool better = p.flagged != bestFlagged ? p.flagged
                              : hasValue != bestValued   ? hasValue
                                                         : area > bestArea;
            if (i == bucketBegin(b) || better) {
                best = i;
                bestFlagged = p.flagged;
                bestValued = hasValue;
                bestArea = area;
            }
        }
        kept.push_back(best);
        if (bestValued) {
            haveAnchor = true;
            anchorX = points[best].x;
            anchorY = points[best].y;
        }
    }
    kept.push_back(n - 1);
    return kept;
}

std::vector<ChartPoint> downsampleResults(std::span<const ChartPoint> results, std::size_t maxPoints)
{
    if (results.size() <= maxPoints)
        return {results.begin(), results.end()};

    std::vector<SeriesPoint> shape;
    shape.reserve(results.size());
    for (const ChartPoint& r : results)
        shape.push_back({double(r.timeMs), r.latencyMs, r.failures > 0});
    const std::vector<std::size_t> kept = largestTriangleThreeBuckets(shape, maxPoints);

    std::vector<ChartPoint> out;
    out.reserve(kept.size());
    std::size_t from = 0;  // the first result not yet stood for
    for (std::size_t i = 0; i < kept.size(); ++i) {
        const std::size_t k = kept[i];
        const std::size_t to = i + 1 < kept.size() ? k + 1 : results.size();
        ChartPoint point = results[k];
        for (std::size_t j = from; j < to; ++j) {
            if (j != k)
                absorb(point, results[j]);
        }
        out.push_back(point);
        from = to;
    }
    return out;
}

std::vector<ChartPoint> minMaxPerBucket(std::span<const ChartPoint> points, std::size_t buckets)
{
    const std::size_t n = points.size();
    if (n <= buckets)
        return {points.begin(), points.end()};

    std::vector<ChartPoint> out;
    out.reserve(buckets);
    // Merges [begin, end) into `count` runs split by index.
    const auto mergeRuns = [&](std::size_t begin, std::size_t end, std::size_t count) {
        for (std::size_t r = 0; r < count; ++r) {
            const std::size_t runBegin = begin + r * (end - begin) / count;
            const std::size_t runEnd = begin + (r + 1) * (end - begin) / count;
            ChartPoint merged = points[runBegin];
            for (std::size_t i = runBegin + 1; i < runEnd; ++i)
                absorbWithMean(merged, points[i]);
            out.push_back(merged);
        }
    };
    if (buckets < 3) {
        mergeRuns(0, n, buckets);
    } else {
        out.push_back(points.front());
        mergeRuns(1, n - 1, buckets - 2);
        out.push_back(points.back());
    }
    return out;
}

} // namespace hopscope
