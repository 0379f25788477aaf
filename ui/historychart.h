#pragma once

#include "checkbounds.h"
#include "environment.h"
#include "historystore.h"

#include <QTimer>
#include <QWidget>

#include <vector>

class QComboBox;
class QLabel;

namespace hopscope {

class HistoryPlot;
class HistoryService;

// One hop's check history for the inspector: a chooser for the check and the time range, a
// line of figures, and the plot, or a sentence saying why there is none. Reads from the
// HistoryService, never from SQLite on this thread; answers to superseded requests are dropped.
class HistoryChart final : public QWidget {
    Q_OBJECT
public:
    enum class Range { LastHour, SixHours, Day, Week, Month };
    static qint64 rangeMs(Range range);

    explicit HistoryChart(HistoryService* service, QWidget* parent = nullptr);

    // Charts `check` of `hop` (the first check when empty or unknown; when the same hop is
    // shown again with no check named, the chosen one stays).
    void showHop(const QString& file, const Environment& environment, const Hop& hop, const QString& check = {});
    void setCheck(const QString& check);
    QString check() const;
    void setRange(Range range);
    Range range() const;
    void clear();

    // Asks again, up to now: call it whenever results arrive for the shown hop. Calls are
    // coalesced to at most one query per kRefreshIntervalMs and one in flight.
    void refresh();
    static constexpr int kRefreshIntervalMs = 250;

    HistoryPlot* plot() const { return m_plot; }
    QComboBox* checkChooser() const { return m_checks; }
    QComboBox* rangeChooser() const { return m_ranges; }
    bool isShowingPlot() const;
    // What shows instead of the plot: no hop, no history yet, or the store's error.
    QString emptyText() const;
    QString summaryText() const;

signals:
    // An answer was drawn (or the empty state shown): for tests and screenshots.
    void updated();

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void query();
    void onSeriesReady(quint64 id, const SeriesKey& series, const ChartSeries& chart, const QString& error);
    void showEmpty(const QString& text);
    QString summarize(const ChartSeries& chart) const;

    HistoryService* m_service;
    QComboBox* m_checks;
    QComboBox* m_ranges;
    QLabel* m_summary;
    QLabel* m_empty;
    HistoryPlot* m_plot;
    QTimer m_refreshTimer;

    QString m_file;
    QString m_environment;
    QString m_hop;
    std::vector<CheckBounds> m_bounds;  // per entry of m_checks
    quint64 m_pending = 0;              // the request whose answer is awaited; others are stale
    qint64 m_fromMs = 0;
    qint64 m_toMs = 0;
    bool m_dirty = false;               // refresh() came while a query was in flight
};

} // namespace hopscope
