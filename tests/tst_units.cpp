#include "units.h"

#include <QTest>

using namespace hopscope;
using namespace std::chrono_literals;

class TestUnits final : public QObject {
    Q_OBJECT
private slots:
    void duration_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("ms");  // -1: refused
        QTest::newRow("milliseconds") << "500ms" << qint64(500);
        QTest::newRow("seconds") << "3s" << qint64(3000);
        QTest::newRow("minutes") << "2m" << qint64(120000);
        QTest::newRow("hours") << "1h" << qint64(3600000);
        QTest::newRow("combined") << "1m30s" << qint64(90000);
        QTest::newRow("ms is not m+s") << "5ms" << qint64(5);
        QTest::newRow("zero refused") << "0s" << qint64(-1);
        QTest::newRow("no unit") << "15" << qint64(-1);
        QTest::newRow("unknown unit") << "3d" << qint64(-1);
        QTest::newRow("space") << "3 s" << qint64(-1);
        QTest::newRow("negative") << "-3s" << qint64(-1);
        QTest::newRow("empty") << "" << qint64(-1);
        QTest::newRow("overflow") << "99999999999999999999h" << qint64(-1);
        QTest::newRow("over a year") << "9000h" << qint64(-1);
        QTest::newRow("unit only") << "ms" << qint64(-1);
    }
    void duration()
    {
        QFETCH(QString, text);
        QFETCH(qint64, ms);
        const auto parsed = parseDuration(text.toStdString());
        if (ms < 0) {
            QVERIFY2(!parsed, qPrintable(text));
        } else {
            QVERIFY2(parsed, qPrintable(text));
            QCOMPARE(parsed->count(), ms);
        }
    }
    void formatRoundTrips()
    {
        for (auto d : {500ms, 3000ms, 120000ms, 3600000ms, 1500ms})
            QCOMPARE(parseDuration(formatDuration(d)).value(), d);
        QCOMPARE(formatDuration(90s), std::string("90s"));
    }
    void size_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("bytes");
        QTest::newRow("plain") << "65536" << qint64(65536);
        QTest::newRow("KiB") << "64KiB" << qint64(65536);
        QTest::newRow("MiB") << "1MiB" << qint64(1048576);
        QTest::newRow("MB decimal") << "10MB" << qint64(10000000);
        QTest::newRow("bytes") << "12B" << qint64(12);
        QTest::newRow("lowercase refused") << "1mib" << qint64(-1);
        QTest::newRow("no number") << "MiB" << qint64(-1);
    }
    void size()
    {
        QFETCH(QString, text);
        QFETCH(qint64, bytes);
        const auto parsed = parseSize(text.toStdString());
        if (bytes < 0)
            QVERIFY(!parsed);
        else
            QCOMPARE(qint64(parsed.value()), bytes);
    }
};

QTEST_APPLESS_MAIN(TestUnits)
#include "tst_units.moc"
