#include "condition.h"

#include <QObject>
#include <QTest>

#include <cstdint>
#include <string>

using namespace hopscope;
using namespace Qt::StringLiterals;

namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

// The AST in one line, so a table row can state a whole shape: kinds, ops, values and columns.
std::string describe(const Operand& op)
{
    const std::string at = "@" + std::to_string(op.column);
    switch (op.kind) {
    case Operand::Kind::Number: return "num:" + toString(op) + at;
    case Operand::Kind::String: return "str:" + op.text + at;
    case Operand::Kind::Bool: return std::string(op.boolean ? "bool:true" : "bool:false") + at;
    case Operand::Kind::Name: return "name:" + op.text + at;
    case Operand::Kind::Json: return "json:" + op.text + at;
    case Operand::Kind::Header: return "header:" + op.text + at;
    case Operand::Kind::Len: return "len(" + (op.inner ? describe(*op.inner) : std::string("?")) + ")" + at;
    }
    return "?";
}

std::string describe(const ConditionNode& node)
{
    if (node.kind == ConditionNode::Kind::Compare)
        return "(" + std::string(toString(node.op)) + " " + describe(node.left) + " " + describe(node.right) + ")";
    std::string out = node.kind == ConditionNode::Kind::And ? "(and" : "(or";
    for (const ConditionNode& child : node.children)
        out += " " + describe(child);
    return out + ")";
}

std::string nested(int depth)
{
    return std::string(static_cast<std::size_t>(depth), '(') + "a == 1" + std::string(static_cast<std::size_t>(depth), ')');
}

} // namespace

class TestCondition final : public QObject {
    Q_OBJECT

private slots:
    void parsesValid_data();
    void parsesValid();
    void rejectsInvalid_data();
    void rejectsInvalid();
    void numbers_data();
    void numbers();
    void referencedNames_data();
    void referencedNames();
    void toStringRoundTrips_data();
    void toStringRoundTrips();
    void compareOpNames();
    void nestingIsLimited();
    void survivesGarbage();
};

void TestCondition::parsesValid_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("shape");

    QTest::newRow("status") << u"status == 200"_s << u"(== name:status@1 num:200@11)"_s;
    QTest::newRow("no spaces") << u"latency_ms<500"_s << u"(< name:latency_ms@1 num:500@12)"_s;
    QTest::newRow("all ops") << u"a != 1 && b <= 2 && c >= 3 && d > 4"_s
                             << u"(and (!= name:a@1 num:1@6) (<= name:b@11 num:2@16) (>= name:c@21 num:3@26) "
                                "(> name:d@31 num:4@35))"_s;
    QTest::newRow("negative decimal") << u"x > -1.5"_s << u"(> name:x@1 num:-1.5@5)"_s;
    QTest::newRow("double quotes") << u"body contains \"ok\""_s << u"(contains name:body@1 str:ok@15)"_s;
    QTest::newRow("single quotes") << u"body contains 'ok'"_s << u"(contains name:body@1 str:ok@15)"_s;
    QTest::newRow("quote hugs word") << u"body contains'ok'"_s << u"(contains name:body@1 str:ok@14)"_s;
    QTest::newRow("escapes") << u"body == 'it\\'s \\\"x\\\" \\\\ \\n\\t'"_s
                             << u"(== name:body@1 str:it's \"x\" \\ \n\t@9)"_s;
    QTest::newRow("bool") << u"connected == true"_s << u"(== name:connected@1 bool:true@14)"_s;
    QTest::newRow("false left") << u"false != connected"_s << u"(!= bool:false@1 name:connected@10)"_s;
    QTest::newRow("json pointer") << u"json(/items/0/name) == 'web'"_s
                                  << u"(== json:/items/0/name@1 str:web@24)"_s;
    QTest::newRow("json both sides") << u"json(/running) == json(/desired)"_s
                                     << u"(== json:/running@1 json:/desired@19)"_s;
    QTest::newRow("json whole") << u"json() == 1"_s << u"(== json:@1 num:1@11)"_s;
    QTest::newRow("json slash is whole") << u"json(/) == 1"_s << u"(== json:@1 num:1@12)"_s;
    QTest::newRow("json parens and escapes") << u"json(/a(b)/c~1d~0) == 1"_s
                                             << u"(== json:/a(b)/c~1d~0@1 num:1@23)"_s;
    QTest::newRow("json spaces trimmed") << u"json( /a ) == 1"_s << u"(== json:/a@1 num:1@15)"_s;
    QTest::newRow("header") << u"header(Content-Type) contains 'json'"_s
                            << u"(contains header:Content-Type@1 str:json@31)"_s;
    QTest::newRow("len name") << u"len(answers) > 0"_s << u"(> len(name:answers@5)@1 num:0@16)"_s;
    QTest::newRow("len json") << u"len( json(/items) ) >= 2"_s << u"(>= len(json:/items@6)@1 num:2@24)"_s;
    QTest::newRow("len header") << u"len(header(ETag)) == 34"_s << u"(== len(header:ETag@5)@1 num:34@22)"_s;
    QTest::newRow("matches") << u"body matches '^ok\\\\s'"_s << u"(matches name:body@1 str:^ok\\s@14)"_s;
    QTest::newRow("value named like a function") << u"json == len"_s << u"(== name:json@1 name:len@9)"_s;
    QTest::newRow("and chain flattens") << u"a == 1 && b == 2 && c == 3"_s
                                        << u"(and (== name:a@1 num:1@6) (== name:b@11 num:2@16) (== name:c@21 num:3@26))"_s;
    QTest::newRow("and binds tighter") << u"a == 1 || b == 2 && c == 3"_s
                                       << u"(or (== name:a@1 num:1@6) (and (== name:b@11 num:2@16) (== name:c@21 num:3@26)))"_s;
    QTest::newRow("and binds tighter left") << u"a == 1 && b == 2 || c == 3"_s
                                            << u"(or (and (== name:a@1 num:1@6) (== name:b@11 num:2@16)) (== name:c@21 num:3@26))"_s;
    QTest::newRow("parens override") << u"(a == 1 || b == 2) && c == 3"_s
                                     << u"(and (or (== name:a@2 num:1@7) (== name:b@12 num:2@17)) (== name:c@23 num:3@28))"_s;
    QTest::newRow("redundant parens") << u"((status == 200))"_s << u"(== name:status@3 num:200@13)"_s;
    QTest::newRow("whitespace") << u"\t status\n==\r\n200  "_s << u"(== name:status@3 num:200@14)"_s;
    // Columns count characters: "é" is two bytes but one column.
    QTest::newRow("utf8 columns") << u"body contains 'é' && x == 1"_s
                                  << u"(and (contains name:body@1 str:é@15) (== name:x@22 num:1@27))"_s;
    QTest::newRow("depth 32") << qs(nested(32)) << u"(== name:a@33 num:1@38)"_s;
}

void TestCondition::parsesValid()
{
    QFETCH(QString, text);
    QFETCH(QString, shape);
    const ConditionParse parse = parseCondition(text.toStdString());
    QVERIFY2(parse.root.has_value(), qPrintable(qs(parse.error)));
    QCOMPARE(qs(parse.error), QString());
    QCOMPARE(qs(describe(*parse.root)), shape);
}

void TestCondition::rejectsInvalid_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("error");

    const QString op = u"expected an operator (==, !=, <, <=, >, >=, contains, matches) after "_s;
    QTest::newRow("empty") << QString() << 1 << u"empty condition"_s;
    QTest::newRow("blank") << u"   "_s << 1 << u"empty condition"_s;
    QTest::newRow("bare name") << u"connected"_s << 10 << (op + u"\"connected\""_s);
    QTest::newRow("missing operator") << u"status 200"_s << 8 << (op + u"\"status\""_s);
    QTest::newRow("missing operator after json") << u"json(/a b) 1"_s << 12 << (op + u"\"json(/a b)\""_s);
    QTest::newRow("ran out after op") << u"status =="_s << 10 << u"expected a value after \"==\""_s;
    QTest::newRow("op then op") << u"status == < 3"_s << 11 << u"expected a value after \"==\", found \"<\""_s;
    QTest::newRow("ran out after and") << u"status == 200 &&"_s << 17 << u"expected a value after \"&&\""_s;
    QTest::newRow("starts with op") << u"== 200"_s << 1 << u"expected a value at the start"_s;
    QTest::newRow("contains glued") << u"body containsx"_s << 6 << (op + u"\"body\""_s);
    QTest::newRow("stray close") << u"status == 200)"_s << 14 << u"unexpected \")\""_s;
    QTest::newRow("unclosed paren") << u"(status == 200"_s << 15 << u"expected \")\" to close the \"(\" at column 1"_s;
    QTest::newRow("empty parens") << u"()"_s << 2 << u"expected a value after \"(\""_s;
    QTest::newRow("trailing garbage") << u"status == 200 ok"_s << 15 << u"unexpected \"ok\""_s;
    QTest::newRow("unterminated string") << u"body contains 'ok"_s << 15 << u"unterminated string"_s;
    QTest::newRow("unterminated after backslash") << u"body == 'ok\\"_s << 9 << u"unterminated string"_s;
    QTest::newRow("bad escape") << u"body == 'a\\qb'"_s << 11 << u"unknown escape"_s;
    QTest::newRow("single equals") << u"status = 200"_s << 8 << u"did you mean \"==\""_s;
    QTest::newRow("single amp") << u"a == 1 & b == 2"_s << 8 << u"did you mean \"&&\""_s;
    QTest::newRow("bang") << u"!connected"_s << 1 << u"did you mean \"!=\""_s;
    QTest::newRow("unknown char") << u"status == 200 ; rm"_s << 15 << u"unexpected \";\""_s;
    QTest::newRow("units are not numbers") << u"latency_ms < 500ms"_s << 14 << u"malformed number \"500ms\""_s;
    QTest::newRow("two dots") << u"version == 1.2.3"_s << 12 << u"malformed number \"1.2.3\""_s;
    QTest::newRow("trailing dot") << u"x == 1."_s << 6 << u"malformed number \"1.\""_s;
    QTest::newRow("no exponents") << u"x == 1e5"_s << 6 << u"malformed number \"1e5\""_s;
    QTest::newRow("out of range") << (u"x == 1"_s + QString(400, u'0')) << 6 << u"is out of range"_s;
    QTest::newRow("json relative") << u"json(status) == 'ok'"_s << 6
                                   << u"json() takes a JSON pointer starting with \"/\""_s;
    QTest::newRow("json unclosed") << u"json(/a == 1"_s << 13 << u"expected \")\" to close json("_s;
    QTest::newRow("json bad tilde") << u"json(/a~2) == 1"_s << 8 << u"~0"_s;
    QTest::newRow("header empty") << u"header() == 'x'"_s << 8 << u"header() takes a header name"_s;
    QTest::newRow("header bad char") << u"header(Content Type) == 'x'"_s << 15 << u"header names are letters"_s;
    QTest::newRow("header unclosed") << u"header(ETag == 'x'"_s << 19 << u"expected \")\" to close header("_s;
    QTest::newRow("header ran out") << u"header(ETag"_s << 12 << u"expected \")\" to close header("_s;
    QTest::newRow("len of literal") << u"len('abc') == 3"_s << 5 << u"len() takes an observed value"_s;
    QTest::newRow("len of len") << u"len(len(x)) == 3"_s << 5 << u"len() takes an observed value"_s;
    QTest::newRow("len unclosed") << u"len(x == 3"_s << 7 << u"expected \")\" to close len("_s;
    QTest::newRow("unknown function") << u"count(x) == 3"_s << 1 << u"unknown function \"count\""_s;
    QTest::newRow("bad regex") << u"body matches '(ok'"_s << 14 << u"invalid regular expression"_s;
    QTest::newRow("bad regex in or") << u"status == 200 || body matches \"[a-\""_s << 31
                                     << u"invalid regular expression"_s;
    QTest::newRow("utf8 column") << u"body == 'é' x"_s << 13 << u"unexpected \"x\""_s;
    QTest::newRow("utf8 garbage") << u"body == 1 é"_s << 11 << u"unexpected \"é\""_s;
    QTest::newRow("depth 33") << qs(nested(33)) << 33 << u"too many nested parentheses (at most 32)"_s;
}

void TestCondition::rejectsInvalid()
{
    QFETCH(QString, text);
    QFETCH(int, column);
    QFETCH(QString, error);
    const ConditionParse parse = parseCondition(text.toStdString());
    if (parse.root)
        QFAIL(qPrintable(u"parsed as "_s + qs(toString(*parse.root))));
    QVERIFY2(qs(parse.error).contains(error), qPrintable(qs(parse.error)));
    QCOMPARE(parse.errorColumn, column);
}

void TestCondition::numbers_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<double>("value");
    QTest::newRow("int") << u"x == 200"_s << 200.0;
    QTest::newRow("zero") << u"x == 0"_s << 0.0;
    QTest::newRow("negative") << u"x == -42"_s << -42.0;
    QTest::newRow("decimal") << u"x == 0.25"_s << 0.25;
    QTest::newRow("big") << u"x == 9007199254740993"_s << 9007199254740992.0;
}

void TestCondition::numbers()
{
    QFETCH(QString, text);
    QFETCH(double, value);
    const ConditionParse parse = parseCondition(text.toStdString());
    QVERIFY2(parse.root, qPrintable(qs(parse.error)));
    QCOMPARE(parse.root->right.kind, Operand::Kind::Number);
    QCOMPARE(parse.root->right.number, value);
}

void TestCondition::referencedNames_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("names");
    QTest::newRow("one") << u"status == 200"_s << QStringList{u"status"_s};
    QTest::newRow("literal left") << u"200 == status"_s << QStringList{u"status"_s};
    QTest::newRow("dedup in order") << u"latency_ms < 500 && status == 200 || latency_ms < 10"_s
                                    << QStringList{u"latency_ms"_s, u"status"_s};
    QTest::newRow("functions") << u"json(/a) == header(X) && len(answers) > 0 && json(/b) == 1"_s
                               << QStringList{u"json"_s, u"header"_s, u"answers"_s};
    QTest::newRow("len of json") << u"len(json(/items)) > 0"_s << QStringList{u"json"_s};
    QTest::newRow("two names") << u"connections_in_use < max_connections"_s
                               << QStringList{u"connections_in_use"_s, u"max_connections"_s};
    QTest::newRow("only literals") << u"1 == 1"_s << QStringList{};
}

void TestCondition::referencedNames()
{
    QFETCH(QString, text);
    QFETCH(QStringList, names);
    const ConditionParse parse = parseCondition(text.toStdString());
    QVERIFY2(parse.root, qPrintable(qs(parse.error)));
    QStringList got;
    for (const std::string& name : hopscope::referencedNames(*parse.root))
        got << qs(name);
    QCOMPARE(got, names);
}

void TestCondition::toStringRoundTrips_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("printed");
    QTest::newRow("simple") << u"status==200"_s << u"status == 200"_s;
    QTest::newRow("quotes") << u"body contains 'say \"hi\"\\n'"_s << u"body contains \"say \\\"hi\\\"\\n\""_s;
    QTest::newRow("functions") << u"len(json(/a)) >= header(X-Count)"_s << u"len(json(/a)) >= header(X-Count)"_s;
    QTest::newRow("grouping kept") << u"(a == 1 || b == 2) && c == 3"_s << u"(a == 1 || b == 2) && c == 3"_s;
    QTest::newRow("precedence") << u"a == 1 || (b == 2 && c == 3)"_s << u"a == 1 || b == 2 && c == 3"_s;
    QTest::newRow("decimal") << u"x < 0.5 && y == -3 && z != false"_s << u"x < 0.5 && y == -3 && z != false"_s;
}

void TestCondition::toStringRoundTrips()
{
    QFETCH(QString, text);
    QFETCH(QString, printed);
    const ConditionParse first = parseCondition(text.toStdString());
    QVERIFY2(first.root, qPrintable(qs(first.error)));
    QCOMPARE(qs(toString(*first.root)), printed);
    const ConditionParse again = parseCondition(printed.toStdString());
    QVERIFY2(again.root, qPrintable(qs(again.error)));
    // Columns differ between the two texts; compare everything else.
    QCOMPARE(qs(toString(*again.root)), printed);
}

void TestCondition::compareOpNames()
{
    QCOMPARE(QLatin1StringView(toString(CompareOp::Eq)), QLatin1StringView("=="));
    QCOMPARE(QLatin1StringView(toString(CompareOp::Ne)), QLatin1StringView("!="));
    QCOMPARE(QLatin1StringView(toString(CompareOp::Lt)), QLatin1StringView("<"));
    QCOMPARE(QLatin1StringView(toString(CompareOp::Le)), QLatin1StringView("<="));
    QCOMPARE(QLatin1StringView(toString(CompareOp::Gt)), QLatin1StringView(">"));
    QCOMPARE(QLatin1StringView(toString(CompareOp::Ge)), QLatin1StringView(">="));
    QCOMPARE(QLatin1StringView(toString(CompareOp::Contains)), QLatin1StringView("contains"));
    QCOMPARE(QLatin1StringView(toString(CompareOp::Matches)), QLatin1StringView("matches"));
}

void TestCondition::nestingIsLimited()
{
    // Hostile input: far deeper than any stack frame budget would allow without the guard.
    const std::string deep(200000, '(');
    const ConditionParse parse = parseCondition(deep);
    QVERIFY(!parse.root);
    QCOMPARE(parse.errorColumn, 33);
    QVERIFY(qs(parse.error).contains(u"at most 32"_s));

    // Long flat chains are not nesting and must not recurse per element.
    std::string chain = "a == 1";
    for (int i = 0; i < 20000; ++i)
        chain += " && a == 1";
    const ConditionParse flat = parseCondition(chain);
    QVERIFY2(flat.root, qPrintable(qs(flat.error)));
    QCOMPARE(flat.root->children.size(), std::size_t(20001));
}

void TestCondition::survivesGarbage()
{
    // A deterministic mini-fuzz: every input either parses or fails at a column inside the text (or just past it).
    const std::string alphabet = "ab_19 -.=!<>&|()'\"\\/~jsonlenheadercontainsmatches\xc3\xa9\t";
    std::uint32_t seed = 12345;
    auto next = [&seed] { seed = seed * 1664525u + 1013904223u; return seed >> 8; };
    int parsed = 0;
    for (int round = 0; round < 20000; ++round) {
        std::string text;
        const std::size_t length = next() % 24;
        for (std::size_t i = 0; i < length; ++i)
            text += alphabet[next() % alphabet.size()];
        const ConditionParse parse = parseCondition(text);
        if (parse.root) {
            ++parsed;
            QVERIFY(parse.error.empty());
            continue;
        }
        QVERIFY2(!parse.error.empty(), text.c_str());
        QVERIFY2(parse.errorColumn >= 1 && parse.errorColumn <= int(text.size()) + 1, text.c_str());
    }
    QVERIFY(parsed < 20000);
}

QTEST_APPLESS_MAIN(TestCondition)
#include "tst_condition.moc"
