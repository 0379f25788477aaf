// The inspector's history chart: what it draws for a store with known results, how it chooses
// checks and ranges, and what it says when there is nothing to draw. Runs offscreen; set
// HOPSCOPE_SCREENSHOT_DIR to also save the chart in a light and a dark palette.
#include "checkbounds.h"
#include "historychart.h"
#include "historyplot.h"
#include "historyservice.h"
#include "translations.h"

#include <QApplication>
#include <QComboBox>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QDir>
#include <QFile>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QScatterSeries>
#include <QSignalSpy>
#include <QStyle>
#include <QStyleFactory>
#include <QTemporaryDir>
#include <QTest>
#include <QValueAxis>

#include <cmath>
#include <memory>

using namespace hopscope;

namespace {

const QString kFile = QStringLiteral("/envs/shop.yaml");
constexpr qint64 kSecond = 1000;
constexpr qint64 kHour = 3600 * kSecond;

Condition condition(const char* text)
{
    Condition c;
    c.text = text;
    c.parsed = *parseCondition(text).root;
    return c;
}

Check httpCheck(const char* name, std::vector<const char*> expect = {}, std::vector<const char*> warn = {})
{
    Check check;
    check.name = name;
    check.kind = CheckKind::Http;
    check.probe = HttpProbe{};
    for (const char* text : expect)
        check.expect.push_back(condition(text));
    for (const char* text : warn)
        check.warn.push_back(condition(text));
    return check;
}

Check connectionsCheck()
{
    Check check;
    check.name = "connections";
    check.kind = CheckKind::Postgres;
    PostgresProbe probe;
    probe.builtin = PostgresProbe::Builtin::Connections;
    check.probe = probe;
    return check;
}

Environment environment(std::vector<Check> checks)
{
    Environment env;
    env.name = "qa";
    Hop hop;
    hop.id = "api";
    hop.kind = HopKind::TargetGroup;
    hop.checks = std::move(checks);
    env.hops.push_back(std::move(hop));
    return env;
}

SeriesKey key(const char* check)
{
    return {kFile, QStringLiteral("qa"), QStringLiteral("api"), QString::fromLatin1(check)};
}

// 48 minutes at 8 s, so the last hour still holds them all when a test runs a while later:
// latency around 40 ms with a slow stretch; two failures, one warning, one error without a
// latency. Plus a result 3 hours ago, outside the default range.
std::vector<Sample> apiHour(qint64 now)
{
    std::vector<Sample> samples;
    for (int i = 0; i < 360; ++i) {
        Sample s;
        s.series = key("responds");
        s.timeMs = now - (360 - i) * 8 * kSecond;
        s.latencyMs = 40 + 12 * std::sin(i / 9.0) + (i > 200 && i < 230 ? 380 : 0);
        s.status = i == 100 || i == 220 ? 2 : i == 215 ? 1 : i == 300 ? 3 : 0;
        if (s.status == 3)
            s.latencyMs = ChartPoint::kNone;
        samples.push_back(s);
    }
    Sample old;
    old.series = key("responds");
    old.timeMs = now - 3 * kHour;
    old.latencyMs = 30;
    samples.push_back(old);
    // A pool filling up, toward max_connections 100.
    for (int i = 0; i < 360; ++i) {
        Sample s;
        s.series = key("connections");
        s.timeMs = now - (360 - i) * 8 * kSecond;
        s.latencyMs = 4 + std::sin(i / 7.0);
        s.figure = 20 + i / 5;
        s.figureLimit = 100;
        s.status = s.figure >= 90 ? 1 : 0;
        samples.push_back(s);
    }
    return samples;
}

QList<double> ys(const QXYSeries* series)
{
    QList<double> values;
    for (const QPointF& p : series->points())
        values << p.y();
    return values;
}

QPalette darkPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0x2b, 0x2d, 0x30));
    p.setColor(QPalette::WindowText, QColor(0xe3, 0xe5, 0xe8));
    p.setColor(QPalette::Base, QColor(0x1e, 0x1f, 0x22));
    p.setColor(QPalette::AlternateBase, QColor(0x2b, 0x2d, 0x30));
    p.setColor(QPalette::Text, QColor(0xe3, 0xe5, 0xe8));
    p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9f, 0xa6));
    p.setColor(QPalette::Button, QColor(0x3c, 0x3f, 0x41));
    p.setColor(QPalette::ButtonText, QColor(0xe3, 0xe5, 0xe8));
    p.setColor(QPalette::Highlight, QColor(0x35, 0x74, 0xf0));
    return p;
}

} // namespace

class TestHistoryChart final : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_path;
    qint64 m_now = 0;
    Environment m_env = environment({httpCheck("responds", {"status == 200", "latency_ms < 2000"}, {"latency_ms <= 500"}),
                                     connectionsCheck(), httpCheck("never ran")});

    const Hop& hop() const { return m_env.hops.front(); }

    // A shown chart of `service`; by default wide enough for every point of the fixture's hour.
    std::unique_ptr<HistoryChart> shownChart(HistoryService& service, QSize size = {760, 420})
    {
        auto chart = std::make_unique<HistoryChart>(&service);
        chart->resize(size);
        chart->show();
        if (!QTest::qWaitForWindowExposed(chart.get()))
            qWarning("the chart's window was not exposed");
        return chart;
    }

    // A shown chart of `check` (the hop's first when empty), its first answer drawn; null if
    // no answer came.
    std::unique_ptr<HistoryChart> chartOf(HistoryService& service, const char* check = "", QSize size = {760, 420})
    {
        auto chart = shownChart(service, size);
        QSignalSpy updated(chart.get(), &HistoryChart::updated);
        chart->showHop(kFile, m_env, hop(), QString::fromLatin1(check));
        if (!QTest::qWaitFor([&updated] { return updated.count() == 1; }))
            return nullptr;
        return chart;
    }

private slots:
    void initTestCase()
    {
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        installTranslations(qApp);  // the English plural forms
        m_path = m_dir.filePath(QStringLiteral("history.sqlite"));
        m_now = QDateTime::currentMSecsSinceEpoch();
        HistoryStore store;
        QVERIFY2(store.open(m_path), qPrintable(store.error()));
        QVERIFY2(store.append(apiHour(m_now)), qPrintable(store.error()));
    }

    void latencyCeiling_data()
    {
        QTest::addColumn<QStringList>("conditions");
        QTest::addColumn<double>("ceiling");  // NaN: none
        const double none = std::nan("");
        QTest::newRow("below") << QStringList{QStringLiteral("latency_ms < 500")} << 500.0;
        QTest::newRow("at most, reversed") << QStringList{QStringLiteral("800 >= latency_ms")} << 800.0;
        QTest::newRow("within &&") << QStringList{QStringLiteral("status == 200 && latency_ms <= 300")} << 300.0;
        QTest::newRow("lowest of several")
            << QStringList{QStringLiteral("latency_ms < 800"), QStringLiteral("latency_ms < 300")} << 300.0;
        QTest::newRow("under || it need not hold")
            << QStringList{QStringLiteral("latency_ms < 500 || status == 204")} << none;
        QTest::newRow("a floor is no ceiling") << QStringList{QStringLiteral("latency_ms > 5")} << none;
        QTest::newRow("another value") << QStringList{QStringLiteral("status < 400")} << none;
        QTest::newRow("no conditions") << QStringList{} << none;
    }
    void latencyCeiling()
    {
        QFETCH(QStringList, conditions);
        QFETCH(double, ceiling);
        std::vector<Condition> parsed;
        for (const QString& text : conditions)
            parsed.push_back(condition(text.toUtf8().constData()));
        const std::optional<double> found = hopscope::latencyCeiling(parsed);
        QCOMPARE(found.has_value(), !std::isnan(ceiling));
        if (found)
            QCOMPARE(*found, ceiling);
    }

    void drawsLatencyFailuresAndThresholds()
    {
        HistoryService service(m_path);
        const auto chart = chartOf(service);
        QVERIFY(chart);
        QVERIFY(chart->isShowingPlot());
        QCOMPARE(chart->check(), QStringLiteral("responds"));
        QCOMPARE(chart->range(), HistoryChart::Range::LastHour);
        QCOMPARE(chart->checkChooser()->count(), 3);

        HistoryPlot* plot = chart->plot();
        QVERIFY(plot->pointBudget(plot->width()) >= 360);
        QCOMPARE(plot->latency()->count(), 359);  // the errored result has no latency
        QCOMPARE(plot->failures()->count(), 2);
        QVERIFY(std::abs(ys(plot->failures()).at(1) - (40 + 12 * std::sin(220 / 9.0) + 380)) < 0.001);  // kept in µs
        QCOMPARE(plot->warnings()->count(), 1);
        // The error got no answer: it sits along the top of the plot.
        const auto* latencyAxis = qobject_cast<QValueAxis*>(plot->latency()->attachedAxes().at(1));
        QVERIFY(latencyAxis);
        QCOMPARE(ys(plot->noAnswer()), QList<double>{latencyAxis->max() * 0.97});
        // The nearer bound is in view; the red one, four times the highest latency, is not.
        QVERIFY(latencyAxis->max() >= 500);
        QVERIFY(latencyAxis->max() < 2000);

        QVERIFY(plot->warnLine()->isVisible());
        QCOMPARE(ys(plot->warnLine()), (QList<double>{500, 500}));
        QCOMPARE(plot->warnLine()->name(), QStringLiteral("Warn > 500 ms"));
        QVERIFY(plot->failLine()->isVisible());
        QCOMPARE(ys(plot->failLine()), (QList<double>{2000, 2000}));
        QCOMPARE(plot->failLine()->name(), QStringLiteral("Fail > 2,000 ms"));
        // Bounds are named on the plot, or in the legend when above the scale.
        QLegend* legend = plot->chart()->legend();
        QVERIFY(!legend->markers(plot->warnLine()).constFirst()->isVisible());
        QVERIFY(legend->markers(plot->failLine()).constFirst()->isVisible());
        QVERIFY(plot->latency()->isVisible());
        QVERIFY(!plot->connections()->isVisible());
        QVERIFY(!plot->connectionsAxis()->isVisible());
        QVERIFY2(chart->summaryText().startsWith(QStringLiteral("360 results · 3 failed")), qPrintable(chart->summaryText()));
    }

    void rangeChooserQueriesAgain()
    {
        HistoryService service(m_path);
        const auto chart = chartOf(service, "responds");
        QVERIFY(chart);
        QCOMPARE(chart->plot()->latency()->count(), 359);

        QSignalSpy updated(chart.get(), &HistoryChart::updated);
        chart->rangeChooser()->setCurrentIndex(chart->rangeChooser()->findText(QStringLiteral("Last 6 hours")));
        QTRY_COMPARE(updated.count(), 1);
        QCOMPARE(chart->range(), HistoryChart::Range::SixHours);
        QCOMPARE(chart->plot()->latency()->count(), 360);  // the result 3 hours ago
        const auto* time = qobject_cast<QDateTimeAxis*>(chart->plot()->latency()->attachedAxes().at(0));
        QVERIFY(time);
        QVERIFY(std::abs(time->min().msecsTo(time->max()) - 6 * kHour) < kSecond);
    }

    void connectionsCheckDrawsItsPool()
    {
        HistoryService service(m_path);
        const auto chart = chartOf(service, "connections");
        QVERIFY(chart);
        HistoryPlot* plot = chart->plot();
        QVERIFY(plot->connections()->isVisible());
        QVERIFY(plot->connectionsAxis()->isVisible());
        QVERIFY(!plot->latency()->isVisible());  // the query's time says little about the pool
        QCOMPARE(plot->connections()->count(), 360);
        QCOMPARE(ys(plot->connections()).last(), 91.0);
        // Warnings sit on the pool's line, where it reached 90.
        QCOMPARE(plot->warnings()->count(), 10);
        QCOMPARE(plot->warnings()->attachedAxes().value(1), plot->connectionsAxis());
        for (const double y : ys(plot->warnings()))
            QVERIFY(y >= 90);
        QVERIFY(ys(plot->connectionLimit()).count(100.0) == plot->connectionLimit()->count());
        QVERIFY(plot->connectionsAxis()->max() >= 100);
        QVERIFY(!plot->warnLine()->isVisible());
        QVERIFY(!plot->failLine()->isVisible());
        QVERIFY2(chart->summaryText().contains(QStringLiteral("latest 91 of 100 connections")), qPrintable(chart->summaryText()));
    }

    void saysWhyThereIsNothingToDraw()
    {
        HistoryService service(m_path);
        auto chart = shownChart(service);
        QVERIFY(!chart->isShowingPlot());
        QCOMPARE(chart->emptyText(), QStringLiteral("Select a hop to see the history of its checks."));
        QVERIFY(!chart->checkChooser()->isEnabled());

        QSignalSpy updated(chart.get(), &HistoryChart::updated);
        chart->showHop(kFile, m_env, hop(), QStringLiteral("never ran"));
        QTRY_COMPARE(updated.count(), 1);
        QVERIFY(!chart->isShowingPlot());
        QCOMPARE(chart->emptyText(), QStringLiteral("No history yet for this check in this time range."));
        QVERIFY(chart->summaryText().isEmpty());

        Hop unchecked;
        unchecked.id = "dns";
        chart->showHop(kFile, m_env, unchecked);
        QCOMPARE(chart->emptyText(), QStringLiteral("This hop has no checks."));

        chart->showHop(kFile, m_env, hop());
        QTRY_COMPARE(updated.count(), 2);
        QVERIFY(chart->isShowingPlot());
        chart->clear();
        QVERIFY(!chart->isShowingPlot());
        QCOMPARE(chart->checkChooser()->count(), 0);
    }

    void saysWhyHistoryIsUnavailable()
    {
        QFile blocker(m_dir.filePath(QStringLiteral("a-file")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        HistoryService service(blocker.fileName() + QStringLiteral("/history.sqlite"));
        const auto chart = chartOf(service);
        QVERIFY(chart);
        QVERIFY(!chart->isShowingPlot());
        QVERIFY2(chart->emptyText().startsWith(QStringLiteral("History is not available: ")), qPrintable(chart->emptyText()));
        QVERIFY(chart->emptyText().contains(blocker.fileName()));
    }

    void keepsOnlyTheLatestAnswer()
    {
        HistoryService service(m_path);
        auto chart = shownChart(service);
        QSignalSpy updated(chart.get(), &HistoryChart::updated);
        QSignalSpy answers(&service, &HistoryService::seriesReady);
        chart->showHop(kFile, m_env, hop(), QStringLiteral("responds"));
        chart->setCheck(QStringLiteral("connections"));  // before the first answer
        QTRY_COMPARE(answers.count(), 2);
        QCOMPARE(updated.count(), 1);
        QVERIFY(chart->plot()->connections()->isVisible());
        QCOMPARE(chart->plot()->connections()->count(), 360);
    }

    void refreshIsCoalesced()
    {
        HistoryService service(m_path);
        const auto chart = chartOf(service);
        QVERIFY(chart);
        QSignalSpy answers(&service, &HistoryService::seriesReady);
        for (int i = 0; i < 100; ++i)
            chart->refresh();
        QTRY_COMPARE(answers.count(), 1);
        // Nothing more is asked: a bounded wait is the only way to see that nothing happens.
        QTest::qWait(3 * HistoryChart::kRefreshIntervalMs);
        QCOMPARE(answers.count(), 1);
    }

    void screenshots()
    {
        const QString dir = qEnvironmentVariable("HOPSCOPE_SCREENSHOT_DIR");
        if (dir.isEmpty())
            QSKIP("set HOPSCOPE_SCREENSHOT_DIR to save the chart as PNGs");
        QDir().mkpath(dir);
        HistoryService service(m_path);
        const QPalette light = QApplication::style()->standardPalette();
        for (const auto& [name, palette] : {std::pair{"light", light}, std::pair{"dark", darkPalette()}}) {
            QApplication::setPalette(palette);
            for (const char* check : {"responds", "connections", "never ran"}) {
                const auto chart = chartOf(service, check, {460, 340});  // an inspector's width
                QVERIFY(chart);
                const QString file = QStringLiteral("%1/historychart-%2-%3.png")
                                         .arg(dir, QString::fromLatin1(check).replace(QLatin1Char(' '), QLatin1Char('-')),
                                              QString::fromLatin1(name));
                QCoreApplication::processEvents();  // the chart's layout, posted by the update
                QVERIFY(chart->grab().save(file));
                qInfo("saved %s", qPrintable(file));
            }
        }
        QApplication::setPalette(light);
    }
};

QTEST_MAIN(TestHistoryChart)
#include "tst_historychart.moc"
