#include "condition.h"

#include <QRegularExpression>
#include <QString>

#include <algorithm>
#include <charconv>

namespace hopscope {

namespace {

// Hostile input must not overflow the stack; nobody groups a health check 32 levels deep.
constexpr int kMaxDepth = 32;
constexpr std::string_view kLenTakes = "len() takes an observed value, json(...) or header(...)";

// Thrown inside the parser only; parseCondition turns it into a ConditionParse.
struct Fault {
    std::string message;
    std::size_t offset;  // bytes into the condition text
};

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isWordChar(char c) { return isAlpha(c) || isDigit(c); }
bool isHeaderChar(char c) { return (isWordChar(c) && c != '_') || c == '-'; }
bool isContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Columns count characters (UTF-8 code points), as an editor shows them, not bytes.
int columnOf(std::string_view text, std::size_t offset)
{
    return 1 + static_cast<int>(std::count_if(text.begin(), text.begin() + std::min(offset, text.size()),
                                              [](char c) { return !isContinuation(c); }));
}

// Source text for a message, cut short (at a character boundary) so one bad token cannot flood it.
std::string quoted(std::string_view text)
{
    std::size_t cut = std::min<std::size_t>(text.size(), 40);
    while (cut < text.size() && cut > 0 && isContinuation(text[cut]))
        --cut;
    return '"' + std::string(text.substr(0, cut)) + (cut < text.size() ? "...\"" : "\"");
}

enum class Tok { End, Number, String, Word, JsonCall, HeaderCall, LParen, RParen, Compare, AndAnd, OrOr };

struct Token {
    Tok kind = Tok::End;
    std::string text;  // unescaped string, word, JSON pointer or header name
    double number = 0;
    CompareOp op = CompareOp::Eq;
    std::size_t begin = 0;  // source bytes [begin, end)
    std::size_t end = 0;
};

class Lexer final {
public:
    explicit Lexer(std::string_view src) : m_src(src) {}

    Token next()
    {
        m_pos = skipSpaces(m_pos);
        const std::size_t start = m_pos;
        const char c = peek(0);
        if (m_pos >= m_src.size())
            return make(Tok::End, start);
        if (isDigit(c) || (c == '-' && isDigit(peek(1))))
            return number(start);
        if (c == '"' || c == '\'')
            return string(start);
        if (isAlpha(c))
            return word(start);
        return symbol(start);
    }

private:
    char peek(std::size_t ahead) const { return m_pos + ahead < m_src.size() ? m_src[m_pos + ahead] : '\0'; }
    std::size_t skipSpaces(std::size_t pos) const
    {
        while (pos < m_src.size() && isSpace(m_src[pos]))
            ++pos;
        return pos;
    }
    Token make(Tok kind, std::size_t start, std::string text = {}) const
    {
        return {kind, std::move(text), 0, CompareOp::Eq, start, m_pos};
    }

    Token number(std::size_t start)
    {
        m_pos += m_src[m_pos] == '-' ? 1 : 0;
        while (isDigit(peek(0)) || (peek(0) == '.' && isDigit(peek(1))))
            ++m_pos;
        // "500ms" or "1.2.3" is a typo, not a number followed by something else.
        while (isWordChar(peek(0)) || peek(0) == '.')
            ++m_pos;
        const std::string_view text = m_src.substr(start, m_pos - start);
        Token t = make(Tok::Number, start);
        const auto res = std::from_chars(text.data(), text.data() + text.size(), t.number, std::chars_format::fixed);
        if (res.ptr != text.data() + text.size() || text.back() == '.' || std::count(text.begin(), text.end(), '.') > 1)
            throw Fault{"malformed number " + quoted(text), start};
        if (res.ec != std::errc())
            throw Fault{"number " + quoted(text) + " is out of range", start};
        return t;
    }

    Token string(std::size_t start)
    {
        const char quote = m_src[m_pos++];
        std::string value;
        for (; m_pos < m_src.size() && m_src[m_pos] != quote; ++m_pos) {
            if (m_src[m_pos] != '\\') {
                value += m_src[m_pos];
                continue;
            }
            const char e = peek(1);
            if (e != '"' && e != '\'' && e != '\\' && e != 'n' && e != 't')
                throw m_pos + 1 >= m_src.size()
                    ? Fault{"unterminated string", start}
                    : Fault{"unknown escape in string (use \\\", \\', \\\\, \\n or \\t)", m_pos};
            value += e == 'n' ? '\n' : e == 't' ? '\t' : e;
            ++m_pos;
        }
        if (m_pos >= m_src.size())
            throw Fault{"unterminated string", start};
        ++m_pos;
        return make(Tok::String, start, std::move(value));
    }

    Token word(std::size_t start)
    {
        while (isWordChar(peek(0)))
            ++m_pos;
        const std::string_view w = m_src.substr(start, m_pos - start);
        if (w == "contains" || w == "matches") {
            Token t = make(Tok::Compare, start);
            t.op = w == "contains" ? CompareOp::Contains : CompareOp::Matches;
            return t;
        }
        // json() and header() take raw text ("/a b/0", "Content-Type"), so each is lexed whole.
        const std::size_t paren = skipSpaces(m_pos);
        if ((w == "json" || w == "header") && paren < m_src.size() && m_src[paren] == '(')
            return call(w == "json" ? Tok::JsonCall : Tok::HeaderCall, start, paren + 1);
        return make(Tok::Word, start, std::string(w));
    }

    Token call(Tok kind, std::size_t start, std::size_t arg)
    {
        int depth = 1;
        for (m_pos = arg; m_pos < m_src.size(); ++m_pos) {
            depth += m_src[m_pos] == '(' ? 1 : m_src[m_pos] == ')' ? -1 : 0;
            if (depth == 0)
                break;
        }
        if (m_pos >= m_src.size())
            throw Fault{kind == Tok::JsonCall ? "expected \")\" to close json(" : "expected \")\" to close header(", m_pos};
        std::size_t first = skipSpaces(arg), last = m_pos++;
        while (last > first && isSpace(m_src[last - 1]))
            --last;
        std::string text(m_src.substr(first, last - first));
        if (kind == Tok::JsonCall)
            checkPointer(text, first);
        else
            checkHeader(text, first);
        return make(kind, start, std::move(text));
    }

    static void checkPointer(std::string& pointer, std::size_t at)
    {
        if (pointer == "/")  // people write json(/) meaning the whole document
            pointer.clear();
        if (!pointer.empty() && pointer[0] != '/')
            throw Fault{"json() takes a JSON pointer starting with \"/\", such as json(/items/0/name)", at};
        for (std::size_t i = 0; i < pointer.size(); ++i) {
            if (pointer[i] == '~' && (i + 1 >= pointer.size() || (pointer[i + 1] != '0' && pointer[i + 1] != '1')))
                throw Fault{"in a JSON pointer \"~\" is written ~0, and a \"/\" inside a key ~1", at + i};
        }
    }

    static void checkHeader(const std::string& name, std::size_t at)
    {
        if (name.empty())
            throw Fault{"header() takes a header name, such as header(Content-Type)", at};
        const auto bad = std::find_if_not(name.begin(), name.end(), isHeaderChar);
        if (bad != name.end())
            throw Fault{"header names are letters, digits and \"-\", such as header(Content-Type)",
                        at + static_cast<std::size_t>(bad - name.begin())};
    }

    Token symbol(std::size_t start)
    {
        static constexpr struct { std::string_view text; Tok kind; CompareOp op; } kSymbols[] = {
            {"==", Tok::Compare, CompareOp::Eq}, {"!=", Tok::Compare, CompareOp::Ne}, {"<=", Tok::Compare, CompareOp::Le},
            {">=", Tok::Compare, CompareOp::Ge}, {"<", Tok::Compare, CompareOp::Lt},  {">", Tok::Compare, CompareOp::Gt},
            {"&&", Tok::AndAnd, {}}, {"||", Tok::OrOr, {}}, {"(", Tok::LParen, {}}, {")", Tok::RParen, {}}};
        const std::string_view rest = m_src.substr(start);
        for (const auto& symbol : kSymbols) {
            if (rest.starts_with(symbol.text)) {
                m_pos += symbol.text.size();
                Token t = make(symbol.kind, start);
                t.op = symbol.op;
                return t;
            }
        }
        const char c = rest[0];
        if (c == '=' || c == '!' || c == '&' || c == '|') {
            const std::string meant = c == '=' || c == '!' ? std::string{c, '='} : std::string{c, c};
            throw Fault{'"' + std::string{c} + "\" is not an operator; did you mean \"" + meant + "\"?", start};
        }
        std::size_t end = 1;
        while (end < rest.size() && isContinuation(rest[end]))
            ++end;
        throw Fault{"unexpected " + quoted(rest.substr(0, end)), start};
    }

    std::string_view m_src;
    std::size_t m_pos = 0;
};

// Recursive descent: or := and ("||" and)*;  and := primary ("&&" primary)*;
// primary := "(" or ")" | operand OP operand. Only parentheses recurse, and they are counted.
class Parser final {
public:
    explicit Parser(std::string_view src) : m_src(src), m_lexer(src) { advance(); }

    ConditionNode parse()
    {
        if (m_tok.kind == Tok::End)
            throw Fault{"empty condition", 0};
        ConditionNode root = parseJoined(Tok::OrOr, 0);
        if (m_tok.kind == Tok::RParen)
            throw Fault{"unexpected \")\" with no matching \"(\"", m_tok.begin};
        if (m_tok.kind != Tok::End)
            throw Fault{"unexpected " + quoted(source(m_tok)) + "; join comparisons with && or ||", m_tok.begin};
        return root;
    }

private:
    void advance()
    {
        m_prevEnd = m_tok.end;
        m_tok = m_lexer.next();
    }
    void expect(Tok kind, const std::string& message)
    {
        if (m_tok.kind != kind)
            throw Fault{message, m_tok.begin};
        advance();
    }
    std::string_view source(const Token& t) const { return m_src.substr(t.begin, t.end - t.begin); }

    // Operands come left to right, so columns are counted on from the last one: a long && chain stays linear.
    int columnAt(std::size_t offset)
    {
        if (offset < m_columnOffset)
            m_columnOffset = 0, m_column = 1;
        for (; m_columnOffset < offset && m_columnOffset < m_src.size(); ++m_columnOffset)
            m_column += isContinuation(m_src[m_columnOffset]) ? 0 : 1;
        return m_column;
    }

    // One loop serves both levels, so a chain "a && b && c" becomes one node with three children.
    ConditionNode parseJoined(Tok joiner, int depth)
    {
        auto next = [&] { return joiner == Tok::OrOr ? parseJoined(Tok::AndAnd, depth) : parsePrimary(depth); };
        ConditionNode first = next();
        if (m_tok.kind != joiner)
            return first;
        ConditionNode node;
        node.kind = joiner == Tok::OrOr ? ConditionNode::Kind::Or : ConditionNode::Kind::And;
        node.children.push_back(std::move(first));
        while (m_tok.kind == joiner) {
            m_context = "after " + quoted(source(m_tok));
            advance();
            node.children.push_back(next());
        }
        return node;
    }

    ConditionNode parsePrimary(int depth)
    {
        if (m_tok.kind != Tok::LParen)
            return parseCompare();
        if (depth >= kMaxDepth)
            throw Fault{"too many nested parentheses (at most " + std::to_string(kMaxDepth) + ")", m_tok.begin};
        const std::string closes = "expected \")\" to close the \"(\" at column " + std::to_string(columnAt(m_tok.begin));
        m_context = "after \"(\"";
        advance();
        ConditionNode inner = parseJoined(Tok::OrOr, depth + 1);
        expect(Tok::RParen, closes);
        return inner;
    }

    ConditionNode parseCompare()
    {
        ConditionNode node;
        const std::size_t leftBegin = m_tok.begin;
        node.left = parseOperand();
        if (m_tok.kind != Tok::Compare)
            throw Fault{"expected an operator (==, !=, <, <=, >, >=, contains, matches) after "
                            + quoted(m_src.substr(leftBegin, m_prevEnd - leftBegin)),
                        m_tok.begin};
        node.op = m_tok.op;
        m_context = "after " + quoted(source(m_tok));
        advance();
        const std::size_t rightBegin = m_tok.begin;
        node.right = parseOperand();
        // A literal pattern is checked now, so a typo is reported with its file and line, not at probe time.
        if (node.op == CompareOp::Matches && node.right.kind == Operand::Kind::String) {
            const QRegularExpression re(QString::fromStdString(node.right.text));
            if (!re.isValid())
                throw Fault{"invalid regular expression: " + re.errorString().toStdString(), rightBegin};
        }
        return node;
    }

    Operand parseOperand()
    {
        Operand op;
        op.column = columnAt(m_tok.begin);
        const bool isBool = m_tok.kind == Tok::Word && isBoolWord(m_tok.text);
        if (m_tok.kind == Tok::Number || m_tok.kind == Tok::String || isBool) {
            op.kind = isBool ? Operand::Kind::Bool : m_tok.kind == Tok::Number ? Operand::Kind::Number : Operand::Kind::String;
            op.number = m_tok.number;
            op.boolean = isBool && m_tok.text == "true";
            op.text = m_tok.kind == Tok::String ? m_tok.text : std::string();
            advance();
            return op;
        }
        if (m_tok.kind != Tok::Word && m_tok.kind != Tok::JsonCall && m_tok.kind != Tok::HeaderCall)
            throw Fault{"expected a value " + m_context + (m_tok.kind == Tok::End ? "" : ", found " + quoted(source(m_tok))),
                        m_tok.begin};
        const std::size_t begin = m_tok.begin;
        Operand observed = parseObserved();
        if (observed.kind != Operand::Kind::Name || observed.text != "len" || m_tok.kind != Tok::LParen)
            return observed;  // a value that happens to be called "len" is still a value
        advance();
        const bool measurable = m_tok.kind == Tok::JsonCall || m_tok.kind == Tok::HeaderCall
                                || (m_tok.kind == Tok::Word && !isBoolWord(m_tok.text) && m_tok.text != "len");
        if (!measurable)
            throw Fault{std::string(kLenTakes), m_tok.begin};
        op.kind = Operand::Kind::Len;
        op.inner = std::make_shared<Operand>(parseObserved());  // never recurses, so len(len(... cannot
        expect(Tok::RParen, "expected \")\" to close len( at column " + std::to_string(columnOf(m_src, begin)));
        return op;
    }

    static bool isBoolWord(const std::string& w) { return w == "true" || w == "false"; }

    // A name, json(...) or header(...).
    Operand parseObserved()
    {
        Operand op;
        op.column = columnAt(m_tok.begin);
        op.text = m_tok.text;
        op.kind = m_tok.kind == Tok::JsonCall     ? Operand::Kind::Json
                  : m_tok.kind == Tok::HeaderCall ? Operand::Kind::Header
                                                  : Operand::Kind::Name;
        const std::size_t begin = m_tok.begin;
        advance();
        if (op.kind == Operand::Kind::Name && op.text != "len" && m_tok.kind == Tok::LParen)
            throw Fault{"unknown function " + quoted(op.text) + " (known: json, header, len)", begin};
        return op;
    }

    std::string_view m_src;
    Lexer m_lexer;
    Token m_tok;
    std::size_t m_prevEnd = 0;
    std::size_t m_columnOffset = 0;
    int m_column = 1;
    std::string m_context = "at the start of the condition";  // where the next value is expected, for messages
};

void collectNames(const ConditionNode& node, std::vector<std::string>& out)
{
    auto add = [&out](const Operand& op) {
        const Operand& o = op.kind == Operand::Kind::Len && op.inner ? *op.inner : op;
        const std::string name = o.kind == Operand::Kind::Name     ? o.text
                                 : o.kind == Operand::Kind::Json   ? "json"
                                 : o.kind == Operand::Kind::Header ? "header"
                                                                   : "";
        if (!name.empty() && std::find(out.begin(), out.end(), name) == out.end())
            out.push_back(name);
    };
    if (node.kind == ConditionNode::Kind::Compare) {
        add(node.left);
        add(node.right);
    }
    for (const ConditionNode& child : node.children)
        collectNames(child, out);
}

} // namespace

ConditionParse parseCondition(std::string_view text)
{
    ConditionParse result;
    try {
        result.root = Parser(text).parse();
    } catch (const Fault& fault) {
        result.error = fault.message;
        result.errorColumn = columnOf(text, fault.offset);
    }
    return result;
}

std::vector<std::string> referencedNames(const ConditionNode& node)
{
    std::vector<std::string> names;
    collectNames(node, names);
    return names;
}

std::string_view toString(CompareOp op)
{
    switch (op) {
    case CompareOp::Eq: return "==";
    case CompareOp::Ne: return "!=";
    case CompareOp::Lt: return "<";
    case CompareOp::Le: return "<=";
    case CompareOp::Gt: return ">";
    case CompareOp::Ge: return ">=";
    case CompareOp::Contains: return "contains";
    case CompareOp::Matches: return "matches";
    }
    return "?";
}

std::string toString(const Operand& op)
{
    switch (op.kind) {
    case Operand::Kind::Number: {
        // The shortest plain decimal that reads back as the same double: the language has no exponents.
        char buffer[400];
        return {buffer, std::to_chars(buffer, buffer + sizeof buffer, op.number, std::chars_format::fixed).ptr};
    }
    case Operand::Kind::Bool: return op.boolean ? "true" : "false";
    case Operand::Kind::Name: return op.text;
    case Operand::Kind::Json: return "json(" + op.text + ")";
    case Operand::Kind::Header: return "header(" + op.text + ")";
    case Operand::Kind::Len: return "len(" + (op.inner ? toString(*op.inner) : std::string()) + ")";
    case Operand::Kind::String: break;
    }
    std::string out = "\"";
    for (const char c : op.text)
        out += c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '"' ? "\\\"" : c == '\\' ? "\\\\" : std::string{c};
    return out + '"';
}

std::string toString(const ConditionNode& node)
{
    if (node.kind == ConditionNode::Kind::Compare)
        return toString(node.left) + ' ' + std::string(toString(node.op)) + ' ' + toString(node.right);
    std::string out;
    for (const ConditionNode& child : node.children) {
        if (!out.empty())
            out += node.kind == ConditionNode::Kind::And ? " && " : " || ";
        const bool group = node.kind == ConditionNode::Kind::And && child.kind == ConditionNode::Kind::Or;
        out += group ? "(" + toString(child) + ")" : toString(child);
    }
    return out;
}

} // namespace hopscope
