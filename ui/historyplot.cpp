#include "historyplot.h"

#include "statusbadge.h"

#include <QCursor>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QEvent>
#include <QGraphicsLayout>
#include <QGraphicsSimpleTextItem>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QScatterSeries>
#include <QToolTip>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace hopscope {

namespace {

constexpr qint64 kDayMs = 24LL * 60 * 60 * 1000;
constexpr int kFailStatus = 2;

QString milliseconds(double ms)
{
    return QLocale().toString(ms, 'f', ms == std::floor(ms) ? 0 : 1);
}

QColor blend(const QColor& a, const QColor& b, double aWeight)
{
    const auto mix = [&](double x, double y) { return int(std::lround(x * aWeight + y * (1 - aWeight))); };
    return QColor(mix(a.red(), b.red()), mix(a.green(), b.green()), mix(a.blue(), b.blue()));
}

QList<QPointF> horizontal(qint64 fromMs, qint64 toMs, double y)
{
    return {QPointF(double(fromMs), y), QPointF(double(toMs), y)};
}

} // namespace

HistoryPlot::HistoryPlot(QWidget* parent)
    : QChartView(new QChart, parent),
      m_latency(new QLineSeries),
      m_failures(new QScatterSeries),
      m_warnings(new QScatterSeries),
      m_noAnswer(new QScatterSeries),
      m_warnLine(new QLineSeries),
      m_failLine(new QLineSeries),
      m_connections(new QLineSeries),
      m_connectionLimit(new QLineSeries),
      m_timeAxis(new QDateTimeAxis),
      m_latencyAxis(new QValueAxis),
      m_connectionsAxis(new QValueAxis)
{
    setAccessibleName(tr("Check history chart"));
    setRenderHint(QPainter::Antialiasing);
    setFrameShape(QFrame::NoFrame);
    setMinimumHeight(180);

    QChart* c = chart();
    c->setBackgroundRoundness(0);
    c->setMargins(QMargins(2, 4, 2, 2));
    c->layout()->setContentsMargins(0, 0, 0, 0);
    c->legend()->setAlignment(Qt::AlignBottom);
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    c->legend()->setFont(small);
    c->legend()->setMarkerShape(QLegend::MarkerShapeFromSeries);

    m_latencyAxis->setTitleText(tr("Latency (ms)"));
    m_latencyAxis->setLabelFormat(QStringLiteral("%.0f"));
    m_connectionsAxis->setTitleText(tr("Connections"));
    m_connectionsAxis->setLabelFormat(QStringLiteral("%.0f"));
    for (QAbstractAxis* axis : {static_cast<QAbstractAxis*>(m_latencyAxis), static_cast<QAbstractAxis*>(m_connectionsAxis),
                                static_cast<QAbstractAxis*>(m_timeAxis)}) {
        axis->setLabelsFont(small);
        axis->setTitleFont(small);
    }
    c->addAxis(m_timeAxis, Qt::AlignBottom);
    c->addAxis(m_latencyAxis, Qt::AlignLeft);
    c->addAxis(m_connectionsAxis, Qt::AlignLeft);  // instead of latency, for the connections check

    const QColor amber = statusbadge::color(HopStatus::Amber);
    const QColor red = statusbadge::color(HopStatus::Red);
    m_warnLine->setPen(QPen(amber, 1.5, Qt::DashLine));
    m_failLine->setPen(QPen(red, 1.5, Qt::DashLine));
    m_failures->setMarkerShape(QScatterSeries::MarkerShapeCircle);
    m_failures->setMarkerSize(9);
    m_failures->setColor(red);
    m_failures->setName(tr("Failed"));
    m_warnings->setMarkerShape(QScatterSeries::MarkerShapeTriangle);
    m_warnings->setMarkerSize(10);
    m_warnings->setColor(amber);
    m_warnings->setName(tr("Warned"));
    m_noAnswer->setMarkerShape(QScatterSeries::MarkerShapeRotatedRectangle);
    m_noAnswer->setMarkerSize(10);
    m_noAnswer->setColor(red);
    m_noAnswer->setName(tr("No answer"));
    m_latency->setName(tr("Latency"));
    m_connections->setName(tr("Connections in use"));
    m_connectionLimit->setName(tr("max_connections"));

    // Drawn in this order: lines under the markers.
    const struct {
        QXYSeries* series;
        const char* objectName;
        QValueAxis* axis;
    } layers[] = {
        {m_connectionLimit, "connectionLimit", m_connectionsAxis}, {m_connections, "connections", m_connectionsAxis},
        {m_warnLine, "warnLine", m_latencyAxis},  {m_failLine, "failLine", m_latencyAxis},
        {m_latency, "latency", m_latencyAxis},    {m_warnings, "warnings", m_latencyAxis},
        {m_failures, "failures", m_latencyAxis},  {m_noAnswer, "noAnswer", m_latencyAxis},
    };
    for (const auto& layer : layers) {
        layer.series->setObjectName(QLatin1String(layer.objectName));
        c->addSeries(layer.series);
        layer.series->attachAxis(m_timeAxis);
        layer.series->attachAxis(layer.axis);
    }
    for (QScatterSeries* markers : {m_failures, m_warnings, m_noAnswer})
        connect(markers, &QXYSeries::hovered, this, &HistoryPlot::showPointToolTip);
    // Bounds are named on the plot, at the line's end, rather than in a crowded legend.
    for (QLineSeries* line : {m_warnLine, m_failLine, m_connectionLimit}) {
        auto* label = new QGraphicsSimpleTextItem(c);
        label->setFont(small);
        label->setZValue(10);
        m_lineLabels.push_back({line, label});
    }
    connect(c, &QChart::plotAreaChanged, this, &HistoryPlot::placeLineLabels);

    applyPalette();
    setBounds({});
    setSeries({}, 0, 0);
}

void HistoryPlot::applyPalette()
{
    const QPalette pal = palette();
    const QColor window = pal.color(QPalette::Window);
    const QColor base = pal.color(QPalette::Base);
    const QColor text = pal.color(QPalette::Text);
    const QColor grid = blend(text, base, 0.14);
    const bool dark = base.lightnessF() < 0.5;

    QChart* c = chart();
    setBackgroundBrush(window);
    c->setBackgroundBrush(window);
    c->setBackgroundPen(Qt::NoPen);
    c->setPlotAreaBackgroundVisible(true);
    c->setPlotAreaBackgroundBrush(base);
    c->setPlotAreaBackgroundPen(QPen(grid, 1));
    c->legend()->setLabelColor(pal.color(QPalette::WindowText));
    for (QAbstractAxis* axis : c->axes()) {
        axis->setLabelsColor(pal.color(QPalette::WindowText));
        axis->setTitleBrush(pal.color(QPalette::PlaceholderText));
        axis->setGridLineColor(grid);
        axis->setMinorGridLineColor(grid);
        axis->setLinePenColor(grid);
    }
    // Mid-tones that hold their contrast: darker on a light plot, lighter on a dark one.
    m_latency->setPen(QPen(dark ? QColor(0x6c, 0xaa, 0xf5) : QColor(0x1f, 0x63, 0xc6), 1.6));
    const QColor violet = dark ? QColor(0xc5, 0x9c, 0xf0) : QColor(0x7b, 0x3f, 0xb5);
    m_connections->setPen(QPen(violet, 1.6));
    m_connectionLimit->setPen(QPen(violet, 1.4, Qt::DashDotLine));
    for (const LineLabel& label : m_lineLabels) {
        // Amber and red text need more contrast on a light plot than the lines do.
        const QColor ink = label.line->pen().color();
        label.text->setBrush(dark ? ink : ink.darker(140));
    }
    // A darker rim keeps touching markers apart without blanking the line beneath them.
    for (QScatterSeries* markers : {m_failures, m_warnings, m_noAnswer})
        markers->setPen(QPen(markers->color().darker(dark ? 170 : 140), 1));
}

void HistoryPlot::changeEvent(QEvent* event)
{
    QChartView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyPalette();
}

void HistoryPlot::resizeEvent(QResizeEvent* event)
{
    QChartView::resizeEvent(event);
    updateTimeTicks();
}

void HistoryPlot::updateTimeTicks()
{
    const int ticks = std::clamp(width() / 110, 3, 9);  // about a label per 110 px
    if (ticks != m_timeAxis->tickCount())
        m_timeAxis->setTickCount(ticks);
}

int HistoryPlot::pointBudget(int viewWidth) const
{
    // The axes' share of the width, as last laid out; a plot not yet shown has none to go by.
    const qreal plotWidth = chart()->plotArea().width();
    const int axes = plotWidth > 1 && plotWidth < width() ? width() - int(plotWidth) : 90;
    return std::clamp(viewWidth - axes, 50, 4000);
}

void HistoryPlot::setBounds(const CheckBounds& bounds)
{
    const bool wasConnections = m_bounds.connections;
    m_bounds = bounds;
    const bool connections = bounds.connections;
    m_latency->setVisible(!connections);
    m_latencyAxis->setVisible(!connections);
    m_connections->setVisible(connections);
    m_connectionLimit->setVisible(connections);
    m_connectionsAxis->setVisible(connections);
    if (connections == wasConnections)
        return;
    // Markers sit on the value the check is about: latency, or connections in use.
    for (QScatterSeries* markers : {m_failures, m_warnings, m_noAnswer}) {
        markers->detachAxis(wasConnections ? m_connectionsAxis : m_latencyAxis);
        markers->attachAxis(connections ? m_connectionsAxis : m_latencyAxis);
    }
}

void HistoryPlot::drawBound(QLineSeries* line, const std::optional<double>& bound, const QString& name)
{
    line->setVisible(bound.has_value());
    if (!bound) {
        line->clear();
        return;
    }
    line->setName(name.arg(milliseconds(*bound)));
    line->replace(horizontal(m_fromMs, m_toMs, *bound));
}

double HistoryPlot::latencyScale(double highest) const
{
    // The nearer bound is always in view, to show how close latency runs to it; the farther
    // one once latency reaches half of it, so that 40 ms is not flattened under a 2 s bound.
    double top = highest;
    const std::optional<double> bounds[] = {m_bounds.warnAboveMs, m_bounds.failAboveMs};
    std::optional<double> nearest;
    for (const auto& bound : bounds) {
        if (!bound)
            continue;
        nearest = nearest ? std::min(*nearest, *bound) : *bound;
        if (highest >= *bound / 2)
            top = std::max(top, *bound);
    }
    if (nearest)
        top = std::max(top, *nearest);
    return top > 0 ? top * 1.12 : 1;
}

void HistoryPlot::setSeries(const ChartSeries& chart, qint64 fromMs, qint64 toMs)
{
    m_chart = chart;
    m_fromMs = fromMs;
    m_toMs = toMs;

    QList<QPointF> latency;
    QList<QPointF> inUse;
    QList<QPointF> limit;
    latency.reserve(qsizetype(chart.points.size()));
    double highest = 0;
    double highestFigure = 0;
    for (const ChartPoint& p : chart.points) {
        const auto t = double(p.timeMs);
        if (std::isfinite(p.latencyMs)) {
            latency.append({t, p.latencyMs});
            highest = std::max(highest, p.latencyMs);
        }
        if (std::isfinite(p.figure)) {
            inUse.append({t, p.figure});
            highestFigure = std::max(highestFigure, p.figure);
        }
        if (std::isfinite(p.figureLimit)) {
            limit.append({t, p.figureLimit});
            highestFigure = std::max(highestFigure, p.figureLimit);
        }
    }

    // Each change of a range maps every point of the series on that axis again, and Qt Charts
    // outlines a whole line each time: empty the long lines, set the ranges, then the points.
    for (QLineSeries* line : {m_latency, m_connections, m_connectionLimit})
        line->clear();
    m_timeAxis->setFormat(toMs - fromMs > kDayMs ? QStringLiteral("MMM d") : QStringLiteral("HH:mm"));
    m_timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(fromMs), QDateTime::fromMSecsSinceEpoch(toMs));
    m_latencyAxis->setRange(0, latencyScale(highest));
    m_latencyAxis->applyNiceNumbers();
    // Loopback answers in under a millisecond: whole numbers would label that scale 0, 0, 1, 1.
    const double top = m_latencyAxis->max();
    m_latencyAxis->setLabelFormat(top < 2 ? QStringLiteral("%.2f") : top < 10 ? QStringLiteral("%.1f") : QStringLiteral("%.0f"));
    m_connectionsAxis->setRange(0, highestFigure > 0 ? highestFigure * 1.1 : 10);
    m_connectionsAxis->applyNiceNumbers();

    m_latency->replace(latency);
    m_connections->replace(inUse);
    m_connectionLimit->replace(limit);
    if (!limit.isEmpty())
        m_connectionLimit->setName(tr("max_connections %1").arg(QLocale().toString(limit.last().y(), 'f', 0)));
    drawBound(m_warnLine, m_bounds.warnAboveMs, tr("Warn > %1 ms"));
    drawBound(m_failLine, m_bounds.failAboveMs, tr("Fail > %1 ms"));
    drawMarkers();

    // Qt Charts (6.4) can leave the time axis without labels and grid after its range and the
    // series' points change together; a change of tick count lays it out again.
    const int ticks = m_timeAxis->tickCount();
    m_timeAxis->setTickCount(ticks + 1);
    m_timeAxis->setTickCount(ticks);
    updateTimeTicks();
    updateLegend();
    placeLineLabels();
}

void HistoryPlot::drawMarkers()
{
    // A failure without a value (the probe got no answer) sits along the top of the plot.
    const bool connections = m_bounds.connections;
    const double top = (connections ? m_connectionsAxis : m_latencyAxis)->max() * 0.97;
    QList<QPointF> failed;
    QList<QPointF> warned;
    QList<QPointF> unanswered;
    for (const ChartPoint& p : m_chart.points) {
        const auto t = double(p.timeMs);
        const double value = connections ? p.figure : p.latencyMs;
        if (p.failures == 0 && p.worstStatus < kFailStatus) {
            if (p.worstStatus > 0)
                warned.append({t, std::isfinite(value) ? value : top});
        } else if (std::isfinite(value)) {
            failed.append({t, value});
        } else {
            unanswered.append({t, top});
        }
    }
    m_failures->replace(failed);
    m_warnings->replace(warned);
    m_noAnswer->replace(unanswered);
}

bool HistoryPlot::isOffScale(const QXYSeries* line) const
{
    const QValueAxis* axis = line == m_connectionLimit ? m_connectionsAxis : m_latencyAxis;
    return line->count() > 0 && line->at(0).y() > axis->max();
}

void HistoryPlot::placeLineLabels()
{
    const QRectF area = chart()->plotArea();
    for (const LineLabel& label : m_lineLabels) {
        const bool shown = label.line->isVisible() && label.line->count() > 0 && !isOffScale(label.line);
        label.text->setVisible(shown);
        if (!shown)
            continue;
        label.text->setText(label.line->name());
        const QRectF box = label.text->boundingRect();
        const QPointF end = chart()->mapToPosition(label.line->points().constLast(), label.line);
        // Above the line, right-aligned in the plot; below it when there is no room above.
        const qreal above = end.y() - box.height() - 1;
        label.text->setPos(area.right() - box.width() - 4, above >= area.top() ? above : end.y() + 1);
    }
}

void HistoryPlot::updateLegend()
{
    for (QLegendMarker* marker : chart()->legend()->markers()) {
        const auto* series = qobject_cast<QXYSeries*>(marker->series());
        // A labelled line is named in the legend only when it is above the scale.
        const bool labelled = std::any_of(m_lineLabels.begin(), m_lineLabels.end(),
                                          [&](const LineLabel& label) { return label.line == series; });
        const bool drawn = series && series->isVisible() && series->count() > 0;
        marker->setVisible(drawn && (!labelled || isOffScale(series)));
    }
    // A marker shown again keeps the place it had when hidden, on top of its neighbour's,
    // until the legend lays itself out again.
    chart()->legend()->layout()->invalidate();
}

void HistoryPlot::showPointToolTip(const QPointF& point, bool entered)
{
    if (!entered) {
        QToolTip::hideText();
        return;
    }
    const auto at = std::find_if(m_chart.points.begin(), m_chart.points.end(),
                                 [&](const ChartPoint& p) { return double(p.timeMs) == point.x(); });
    if (at == m_chart.points.end())
        return;
    const QString when = QLocale().toString(QDateTime::fromMSecsSinceEpoch(at->timeMs), QLocale::ShortFormat);
    const QString latency = std::isfinite(at->latencyMs) ? tr("%1 ms").arg(milliseconds(at->latencyMs)) : tr("no answer");
    const QString what = at->failures == 0 ? tr("warned")
                         : at->samples > 1 ? tr("%1 of %2 results failed").arg(at->failures).arg(at->samples)
                                           : tr("failed");
    QToolTip::showText(QCursor::pos(), QStringLiteral("%1 · %2 · %3").arg(when, what, latency), this);
}

} // namespace hopscope
