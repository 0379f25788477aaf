#include "historychart.h"

#include "historyplot.h"
#include "historyservice.h"

#include <QComboBox>
#include <QDateTime>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QResizeEvent>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

namespace hopscope {

namespace {

constexpr qint64 kHourMs = 60LL * 60 * 1000;

QString milliseconds(double ms)
{
    return QLocale().toString(ms, 'f', ms < 10 ? 1 : 0);
}

} // namespace

qint64 HistoryChart::rangeMs(Range range)
{
    switch (range) {
    case Range::LastHour: return kHourMs;
    case Range::SixHours: return 6 * kHourMs;
    case Range::Day: return 24 * kHourMs;
    case Range::Week: return 7 * 24 * kHourMs;
    case Range::Month: return 30 * 24 * kHourMs;
    }
    return kHourMs;
}

HistoryChart::HistoryChart(HistoryService* service, QWidget* parent)
    : QWidget(parent),
      m_service(service),
      m_checks(new QComboBox(this)),
      m_ranges(new QComboBox(this)),
      m_summary(new QLabel(this)),
      m_empty(new QLabel(this)),
      m_plot(new HistoryPlot(this))
{
    Q_ASSERT(service);
    setAccessibleName(tr("Check history"));

    m_checks->setAccessibleName(tr("Check to chart"));
    m_checks->setToolTip(tr("Which of the hop's checks to chart"));
    m_checks->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_checks->setMinimumContentsLength(12);
    m_ranges->setAccessibleName(tr("Time range"));
    const std::pair<Range, QString> ranges[] = {
        {Range::LastHour, tr("Last hour")},   {Range::SixHours, tr("Last 6 hours")}, {Range::Day, tr("Last 24 hours")},
        {Range::Week, tr("Last 7 days")},     {Range::Month, tr("Last 30 days")},
    };
    for (const auto& [range, label] : ranges)
        m_ranges->addItem(label, int(range));

    m_summary->setForegroundRole(QPalette::PlaceholderText);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setAccessibleName(tr("History summary"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_empty->setMargin(16);
    m_empty->setAutoFillBackground(true);
    m_empty->raise();  // over the plot

    auto* choosers = new QHBoxLayout;
    choosers->addWidget(m_checks, 1);
    choosers->addWidget(m_ranges);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(choosers);
    layout->addWidget(m_summary);
    // The sentence covers the plot rather than replacing it: the plot keeps its size and
    // layout while hidden, which Qt Charts (6.4) needs to draw its time axis.
    auto* overlay = new QGridLayout;
    overlay->addWidget(m_plot, 0, 0);
    overlay->addWidget(m_empty, 0, 0);
    layout->addLayout(overlay, 1);

    connect(m_checks, &QComboBox::currentIndexChanged, this, &HistoryChart::query);
    connect(m_ranges, &QComboBox::currentIndexChanged, this, &HistoryChart::query);
    connect(m_service, &HistoryService::seriesReady, this, &HistoryChart::onSeriesReady);
    m_refreshTimer.setSingleShot(true);
    m_refreshTimer.setInterval(kRefreshIntervalMs);
    connect(&m_refreshTimer, &QTimer::timeout, this, [this] {
        if (m_pending != 0)
            m_dirty = true;  // asked again when the answer comes
        else
            query();
    });
    clear();
}

void HistoryChart::showHop(const QString& file, const Environment& environment, const Hop& hop, const QString& check)
{
    const QString environmentName = QString::fromStdString(environment.name);
    const QString hopId = QString::fromStdString(hop.id);
    const bool sameHop = file == m_file && environmentName == m_environment && hopId == m_hop;
    const QString wanted = check.isEmpty() && sameHop ? this->check() : check;
    m_file = file;
    m_environment = environmentName;
    m_hop = hopId;
    {
        const QSignalBlocker blocker(m_checks);
        m_checks->clear();
        m_bounds.clear();
        for (const Check& c : hop.checks) {
            const QString name = QString::fromStdString(c.name);
            m_checks->addItem(name, name);
            m_bounds.push_back(checkBounds(c));
        }
        m_checks->setCurrentIndex(std::max(0, m_checks->findData(wanted)));
    }
    m_checks->setEnabled(!hop.checks.empty());
    m_ranges->setEnabled(!hop.checks.empty());
    if (hop.checks.empty()) {
        m_pending = 0;
        showEmpty(tr("This hop has no checks."));
        return;
    }
    query();
}

void HistoryChart::setCheck(const QString& check)
{
    if (const int at = m_checks->findData(check); at >= 0)
        m_checks->setCurrentIndex(at);
}

QString HistoryChart::check() const
{
    return m_checks->currentData().toString();
}

void HistoryChart::setRange(Range range)
{
    m_ranges->setCurrentIndex(m_ranges->findData(int(range)));
}

HistoryChart::Range HistoryChart::range() const
{
    return Range(m_ranges->currentData().toInt());
}

void HistoryChart::clear()
{
    m_file.clear();
    m_environment.clear();
    m_hop.clear();
    {
        const QSignalBlocker blocker(m_checks);
        m_checks->clear();
    }
    m_bounds.clear();
    m_pending = 0;
    m_dirty = false;
    m_refreshTimer.stop();
    m_checks->setEnabled(false);
    m_ranges->setEnabled(false);
    showEmpty(tr("Select a hop to see the history of its checks."));
}

void HistoryChart::refresh()
{
    if (!m_hop.isEmpty() && !m_refreshTimer.isActive())
        m_refreshTimer.start();
}

bool HistoryChart::isShowingPlot() const
{
    return m_empty->isHidden();
}

QString HistoryChart::emptyText() const
{
    return isShowingPlot() ? QString() : m_empty->text();
}

QString HistoryChart::summaryText() const
{
    return m_summary->text();
}

void HistoryChart::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    // Points are fetched per pixel: a much wider chart deserves more, a narrower one fewer.
    const int before = event->oldSize().width();
    if (before > 0 && std::abs(event->size().width() - before) > before / 4)
        refresh();
}

void HistoryChart::query()
{
    m_refreshTimer.stop();
    m_dirty = false;
    const int index = m_checks->currentIndex();
    if (m_hop.isEmpty() || index < 0)
        return;
    m_plot->setBounds(m_bounds[std::size_t(index)]);
    m_toMs = QDateTime::currentMSecsSinceEpoch();
    m_fromMs = m_toMs - rangeMs(range());
    const SeriesKey series{m_file, m_environment, m_hop, check()};
    m_pending = m_service->requestSeries(series, m_fromMs, m_toMs, m_plot->pointBudget(m_plot->width()));
}

void HistoryChart::onSeriesReady(quint64 id, const SeriesKey&, const ChartSeries& chart, const QString& error)
{
    if (id != m_pending)
        return;  // a newer request for this chart is on its way
    m_pending = 0;
    if (!error.isEmpty()) {
        showEmpty(tr("History is not available: %1").arg(error));
    } else if (chart.points.empty()) {
        showEmpty(tr("No history yet for this check in this time range."));
    } else {
        m_plot->setSeries(chart, m_fromMs, m_toMs);
        m_empty->hide();
        const QString summary = summarize(chart);
        m_summary->setText(summary);
        m_summary->setVisible(true);
        m_plot->setAccessibleDescription(summary);
    }
    if (m_dirty) {
        m_dirty = false;
        m_refreshTimer.start();
    }
    emit updated();
}

void HistoryChart::showEmpty(const QString& text)
{
    m_empty->setText(text);
    m_empty->show();
    m_summary->clear();
    m_summary->setVisible(false);
}

QString HistoryChart::summarize(const ChartSeries& chart) const
{
    int samples = 0;
    int failures = 0;
    double lowest = std::numeric_limits<double>::infinity();
    double highest = -lowest;
    const ChartPoint* latestFigure = nullptr;
    for (const ChartPoint& p : chart.points) {
        samples += p.samples;
        failures += p.failures;
        lowest = std::fmin(lowest, std::isfinite(p.minLatencyMs) ? p.minLatencyMs : p.latencyMs);
        highest = std::fmax(highest, std::isfinite(p.maxLatencyMs) ? p.maxLatencyMs : p.latencyMs);
        if (std::isfinite(p.figure))
            latestFigure = &p;
    }
    QStringList parts{tr("%Ln result(s)", nullptr, samples),
                      failures > 0 ? tr("%1 failed").arg(QLocale().toString(failures)) : tr("none failed")};
    if (lowest <= highest)
        parts << tr("%1–%2 ms").arg(milliseconds(lowest), milliseconds(highest));
    if (latestFigure && std::isfinite(latestFigure->figureLimit)) {
        parts << tr("latest %1 of %2 connections")
                     .arg(QLocale().toString(latestFigure->figure, 'f', 0), QLocale().toString(latestFigure->figureLimit, 'f', 0));
    }
    if (chart.perMinute)
        parts << tr("per-minute averages");
    return parts.join(QStringLiteral(" · "));
}

} // namespace hopscope
