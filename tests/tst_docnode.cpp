#include "docnode.h"

#include <QTemporaryDir>
#include <QTest>

#include <chrono>
#include <fstream>

#include <unistd.h>

using namespace hopscope;

namespace {

std::optional<DocNode> parse(const QString& text, DocFormat format, Diagnostics& diag, const DocLimits& limits = {})
{
    const QByteArray utf8 = text.toUtf8();
    return parseDocument(std::string_view(utf8.constData(), std::size_t(utf8.size())), format, diag, limits);
}

} // namespace

class TestDocNode final : public QObject {
    Q_OBJECT
private slots:
    void positionsAreOneBased()
    {
        Diagnostics diag(QStringLiteral("t.yaml").toStdString());
        const auto root = parse(QStringLiteral("a: 1\nlist:\n  - x\n  - \"y\"\n"), DocFormat::Yaml, diag);
        QVERIFY(root);
        QVERIFY(root->isMap());
        QCOMPARE(root->entries.at(1).keyPos, (SourcePos{2, 1}));
        const DocNode* list = root->find("list");
        QVERIFY(list && list->isSequence());
        QCOMPARE(list->items.at(1).pos, (SourcePos{4, 5}));
        QVERIFY(list->items.at(1).quoted);
        QVERIFY(!list->items.at(0).quoted);
    }
    void jsonAndYamlGiveTheSameTree()
    {
        Diagnostics d1("a.yaml"), d2("a.json");
        const auto y = parse(QStringLiteral("name: qa\nport: 80\nok: true\n"), DocFormat::Yaml, d1);
        const auto j = parse(QStringLiteral("{\n\t\"name\": \"qa\",\n\t\"port\": 80,\n\t\"ok\": true\n}"), DocFormat::Json, d2);
        QVERIFY(y && j);
        QCOMPARE(y->entries.size(), j->entries.size());
        for (std::size_t i = 0; i < y->entries.size(); ++i) {
            QCOMPARE(y->entries[i].key, j->entries[i].key);
            QCOMPARE(y->entries[i].value.scalar, j->entries[i].value.scalar);
        }
        QCOMPARE(j->entries.at(1).keyPos, (SourcePos{3, 2}));
    }
    void syntaxErrors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("json");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("message");
        QTest::newRow("json missing comma") << "{\n  \"a\": 1\n  \"b\": 2\n}" << true << 3 << 3 << "not valid JSON";
        QTest::newRow("json trailing comma") << "{\"a\": [1, 2,]}" << true << 1 << 13 << "not valid JSON";
        QTest::newRow("yaml bad indent") << "a:\n  b: 1\n c: 2\n" << false << 3 << 2 << "not valid YAML";
        QTest::newRow("yaml duplicate key") << "a: 1\nb: 2\na: 3\n" << false << 3 << 1 << "duplicate key \"a\" (first given at line 1)";
        QTest::newRow("two documents") << "a: 1\n---\nb: 2\n" << false << 2 << 1 << "second one";
        QTest::newRow("nul byte") << QStringLiteral("a: 1\n") + QChar(0) << false << 2 << 1 << "NUL byte";
    }
    void syntaxErrors()
    {
        QFETCH(QString, text);
        QFETCH(bool, json);
        QFETCH(int, line);
        QFETCH(int, column);
        QFETCH(QString, message);
        Diagnostics diag("t");
        parse(text, json ? DocFormat::Json : DocFormat::Yaml, diag);
        QVERIFY(diag.hasErrors());
        const Diagnostic& d = diag.list().front();
        QVERIFY2(QString::fromStdString(d.message).contains(message), d.message.c_str());
        QCOMPARE(d.pos.line, line);
        QCOMPARE(d.pos.column, column);
    }
    void aliasBombIsRefusedQuickly()
    {
        // Nine levels of nine aliases: 387 million nodes if expanded.
        QString text = QStringLiteral("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 10; ++i) {
            text += QStringLiteral("a%1: &a%1 [").arg(i);
            for (int j = 0; j < 9; ++j)
                text += QStringLiteral("*a%1%2").arg(i - 1).arg(j < 8 ? QStringLiteral(", ") : QString());
            text += QStringLiteral("]\n");
        }
        Diagnostics diag("bomb.yaml");
        const auto start = std::chrono::steady_clock::now();
        QVERIFY(!parse(text, DocFormat::Yaml, diag));
        const auto took = std::chrono::steady_clock::now() - start;
        QVERIFY(diag.hasErrors());
        QVERIFY2(diag.list().front().message.find("aliases") != std::string::npos, diag.list().front().message.c_str());
        // Generous bound: the point is "seconds, not hours"; expansion stops at DocLimits::maxNodes.
        QVERIFY(took < std::chrono::seconds(10));
    }
    void deepNestingIsRefused()
    {
        Diagnostics diag("deep.json");
        const QString text = QString(5000, QLatin1Char('[')) + QString(5000, QLatin1Char(']'));
        QVERIFY(!parse(text, DocFormat::Yaml, diag));
        QVERIFY(diag.hasErrors());
        Diagnostics diag2("deep.yaml");
        const QString nested = QString(100, QLatin1Char('[')) + QString(100, QLatin1Char(']'));
        QVERIFY(!parse(nested, DocFormat::Yaml, diag2));
        QVERIFY2(diag2.list().front().message.find("nesting") != std::string::npos, diag2.list().front().message.c_str());
    }
    void files()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Diagnostics missing("x");
        QVERIFY(!parseDocumentFile(dir.filePath(QStringLiteral("nope.yaml")).toStdString(), missing));
        QCOMPARE(missing.list().front().message, std::string("no such file"));

        Diagnostics isDir("x");
        QVERIFY(!parseDocumentFile(dir.path().toStdString(), isDir));
        QVERIFY(isDir.hasErrors());

        const std::string big = dir.filePath(QStringLiteral("big.yaml")).toStdString();
        {
            std::ofstream out(big);
            out << "a: \"" << std::string(11 * 1024 * 1024, 'x') << "\"\n";
        }
        Diagnostics tooBig("x");
        QVERIFY(!parseDocumentFile(big, tooBig));
        QVERIFY2(tooBig.list().front().message.find("over 10 MB") != std::string::npos, tooBig.list().front().message.c_str());

        if (::geteuid() != 0) {
            const std::string locked = dir.filePath(QStringLiteral("locked.yaml")).toStdString();
            std::ofstream(locked) << "a: 1\n";
            QFile::setPermissions(QString::fromStdString(locked), QFileDevice::Permissions{});
            Diagnostics unreadable("x");
            QVERIFY(!parseDocumentFile(locked, unreadable));
            QVERIFY(unreadable.list().front().message.find("cannot be read") != std::string::npos);
        }
    }
};

QTEST_APPLESS_MAIN(TestDocNode)
#include "tst_docnode.moc"
