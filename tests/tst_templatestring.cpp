#include "templatestring.h"

#include <QTest>

using namespace hopscope;

class TestTemplateString final : public QObject {
    Q_OBJECT
private slots:
    void scan_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("names");
        QTest::addColumn<int>("errorOffset");  // -1: none
        QTest::newRow("none") << "plain" << QStringList{} << -1;
        QTest::newRow("one") << "${lb}/health" << QStringList{QStringLiteral("lb")} << -1;
        QTest::newRow("two") << "postgresql://app:${db_password}@${host}/app"
                             << QStringList{QStringLiteral("db_password"), QStringLiteral("host")} << -1;
        QTest::newRow("escaped") << "$${literal}" << QStringList{} << -1;
        QTest::newRow("dash") << "${app-db}" << QStringList{QStringLiteral("app-db")} << -1;
        QTest::newRow("unclosed") << "abc ${lb" << QStringList{} << 4;
        QTest::newRow("empty name") << "x${}" << QStringList{} << 1;
        QTest::newRow("digit start") << "${1x}" << QStringList{} << 0;
        QTest::newRow("lone dollar is text") << "cost $5" << QStringList{} << -1;
    }
    void scan()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, names);
        QFETCH(int, errorOffset);
        const TemplateScan s = scanTemplate(text.toStdString());
        QStringList got;
        for (const auto& r : s.refs)
            got << QString::fromStdString(r.name);
        QCOMPARE(got, names);
        QCOMPARE(s.errorOffset ? int(*s.errorOffset) : -1, errorOffset);
    }
    void renderKeepsValuesWhole()
    {
        // A hostile value is substituted as text; rendering never interprets it.
        const auto lookup = [](const std::string& name) -> std::optional<std::string> {
            if (name == "svc")
                return std::string("x; rm -rf / $(reboot) ${lb}");
            return std::nullopt;
        };
        QCOMPARE(renderTemplate("deploy ${svc}!", lookup), std::string("deploy x; rm -rf / $(reboot) ${lb}!"));
        QCOMPARE(renderTemplate("${unknown} stays", lookup), std::string("${unknown} stays"));
        QCOMPARE(renderTemplate("$${svc}", lookup), std::string("${svc}"));
        QCOMPARE(renderTemplate("a ${svc", lookup), std::string("a ${svc"));
    }
};

QTEST_APPLESS_MAIN(TestTemplateString)
#include "tst_templatestring.moc"
