#pragma once

#include <QtGlobal>

#include <cstddef>
#include <limits>
#include <span>
#include <vector>

// Downsampling for the inspector's charts: a day of results must draw as fast as a minute, so
// a series is cut to about one point per pixel before it reaches the chart. Pure functions on
// values; the history store feeds them from SQL.
namespace hopscope {

// A point to downsample by shape: x is time, y the value (NaN when the sample has none, such
// as a probe that errored before it could measure latency). A flagged point is one the chart
// must show, a failure: downsampling prefers it over any unflagged point of its bucket.
struct SeriesPoint {
    double x = 0;
    double y = 0;
    bool flagged = false;
};

// What the chart draws at one x: one result, or the results it stands for after downsampling.
struct ChartPoint {
    static constexpr double kNone = std::numeric_limits<double>::quiet_NaN();

    qint64 timeMs = 0;            // the result's time, or the start of the first minute it covers
    double latencyMs = kNone;     // the result's latency, or the mean over the results it stands for
    double minLatencyMs = kNone;  // lowest and highest latency among them
    double maxLatencyMs = kNone;
    double figure = kNone;        // e.g. connections in use: the result's, or the highest
    double figureLimit = kNone;   // e.g. max_connections: the result's, or the highest
    int samples = 0;              // results this point stands for
    int measured = 0;             // of which had a latency (the weight of latencyMs as a mean)
    int failures = 0;             // of which failed or errored (status 2 or 3)
    int worstStatus = 0;          // 0 pass, 1 warn, 2 fail, 3 error: the worst among them
};

// Largest-Triangle-Three-Buckets (Steinarsson 2013): the indices, ascending, of at most
// `threshold` points that keep the series' visual shape. The first and the last point are
// always kept; the points between are split by index into threshold - 2 buckets and each
// bucket keeps the point making the largest triangle with the point kept before it and the
// mean of the next bucket. A flagged point beats every unflagged one of its bucket; a point
// with a NaN y is kept only when its bucket has nothing else. All indices when the series
// has at most `threshold` points; with a threshold below 3, the first and the last point
// (threshold 2), the first (1) or none (0).
std::vector<std::size_t> largestTriangleThreeBuckets(std::span<const SeriesPoint> points, std::size_t threshold);

// Raw results (one ChartPoint each) cut to at most `maxPoints` by LTTB on latency, failures
// flagged. Nothing is lost by the cut: every kept point stands for the results since the
// point kept before it (the last kept point also for any after it), so it carries their
// count, failures, worst status and latency range, while its time and latency stay its own.
std::vector<ChartPoint> downsampleResults(std::span<const ChartPoint> results, std::size_t maxPoints);

// Min/max per bucket, for points that already summarise (per-minute aggregates): at most
// `buckets` points, each merging a run of consecutive points into one with the lowest
// minimum, highest maximum, weighted mean latency, summed counts and failures, and the
// worst status. With three buckets or more, the first and the last point stay their own
// buckets so the series keeps its extent; the others are split by index. All points when
// there are at most `buckets`.
std::vector<ChartPoint> minMaxPerBucket(std::span<const ChartPoint> points, std::size_t buckets);

} // namespace hopscope
