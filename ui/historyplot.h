#pragma once

#include "checkbounds.h"
#include "historystore.h"

#include <QChartView>

#include <vector>

class QDateTimeAxis;
class QGraphicsSimpleTextItem;
class QLineSeries;
class QScatterSeries;
class QValueAxis;
class QXYSeries;

namespace hopscope {

// The drawing of one check's history: latency over time, or for the Postgres connections
// check, connections in use against max_connections; failures (red circles), warnings (amber
// triangles) and probes that got no answer (red diamonds along the top) marked; the check's
// latency bounds as dashed lines. Background, text and grid take their colours from the
// widget's palette and follow its changes.
class HistoryPlot final : public QChartView {
    Q_OBJECT
public:
    explicit HistoryPlot(QWidget* parent = nullptr);

    // What the next setSeries() draws besides the points: bounds, and whether the check is
    // the connections check.
    void setBounds(const CheckBounds& bounds);
    // Draws `chart` over [fromMs, toMs].
    void setSeries(const ChartSeries& chart, qint64 fromMs, qint64 toMs);

    // About one point per pixel of the plot area when the view is `viewWidth` wide: what to
    // ask the store for.
    int pointBudget(int viewWidth) const;

    // The series by role, for the inspector's tests.
    QLineSeries* latency() const { return m_latency; }
    QScatterSeries* failures() const { return m_failures; }
    QScatterSeries* warnings() const { return m_warnings; }
    QScatterSeries* noAnswer() const { return m_noAnswer; }
    QLineSeries* warnLine() const { return m_warnLine; }
    QLineSeries* failLine() const { return m_failLine; }
    QLineSeries* connections() const { return m_connections; }
    QLineSeries* connectionLimit() const { return m_connectionLimit; }
    QValueAxis* connectionsAxis() const { return m_connectionsAxis; }

protected:
    void changeEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void applyPalette();
    double latencyScale(double highestLatency) const;
    void drawMarkers();
    void drawBound(QLineSeries* line, const std::optional<double>& bound, const QString& name);
    void updateLegend();
    void placeLineLabels();
    bool isOffScale(const QXYSeries* line) const;
    void updateTimeTicks();
    void showPointToolTip(const QPointF& point, bool entered);

    CheckBounds m_bounds;
    ChartSeries m_chart;
    qint64 m_fromMs = 0;
    qint64 m_toMs = 0;
    QLineSeries* m_latency;
    QScatterSeries* m_failures;
    QScatterSeries* m_warnings;
    QScatterSeries* m_noAnswer;
    QLineSeries* m_warnLine;
    QLineSeries* m_failLine;
    QLineSeries* m_connections;
    QLineSeries* m_connectionLimit;
    QDateTimeAxis* m_timeAxis;
    QValueAxis* m_latencyAxis;
    QValueAxis* m_connectionsAxis;
    struct LineLabel {
        QLineSeries* line;
        QGraphicsSimpleTextItem* text;
    };
    std::vector<LineLabel> m_lineLabels;
};

} // namespace hopscope
