#include "conditionevaluator.h"

#include "environment.h"

#include <QRegularExpression>
#include <QString>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <compare>
#include <cstdint>
#include <optional>

namespace hopscope {

namespace {

using nlohmann::json;

// PCRE2 gives up after this many backtracking steps rather than run for minutes on a 1 MiB body
// with a pattern such as (a+)+$: measured under 50 ms with JIT, under 1 s without. It is PCRE2's
// usual default, pinned in the pattern (the only knob QRegularExpression has) so a differently
// built library cannot loosen it. 1'000'000 was too tight: (?s)^.*x over 1 MiB needs more.
constexpr int kMatchLimit = 10'000'000;
constexpr std::size_t kShownChars = 60;

// An operand's value, or why there is none.
struct Value {
    json value;
    std::string error;
};

std::string typeName(const json& v)
{
    switch (v.type()) {
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return "a number";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::array: return "a list";
    case json::value_t::object: return "an object";
    case json::value_t::null: return "null";
    default: return "a binary value";
    }
}

// Cuts at a character boundary so the explanation stays valid UTF-8.
std::string shortened(const std::string& text)
{
    if (text.size() <= kShownChars)
        return text;
    std::size_t cut = kShownChars;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut;
    return text.substr(0, cut) + "...";
}

std::string display(const json& v)
{
    if (v.is_string()) {
        // Quoted and escaped as JSON, so a newline or a stray byte in a body keeps the sentence on one line.
        const auto& s = v.get_ref<const std::string&>();
        const std::string shown = json(shortened(s)).dump(-1, ' ', false, json::error_handler_t::replace);
        return s.size() > kShownChars ? shown + " (" + std::to_string(s.size()) + " bytes)" : shown;
    }
    if (v.is_number_float() && std::trunc(v.get<double>()) == v.get<double>() && std::fabs(v.get<double>()) < 1e15)
        return std::to_string(static_cast<std::int64_t>(v.get<double>()));  // 812, not 812.0
    return shortened(v.dump(-1, ' ', false, json::error_handler_t::replace));
}

// A value read as text, in full: what contains and matches search.
std::string textOf(const json& v)
{
    if (v.is_string())
        return v.get<std::string>();
    return v.is_number() ? display(v) : v.dump(-1, ' ', false, json::error_handler_t::replace);
}

// A numeric string ("2" from SQL, "2\n" from stdout) compares as the number it spells.
std::optional<long double> asNumber(const json& v)
{
    if (v.is_number())
        return v.is_number_float() ? v.get<double>()
             : v.is_number_unsigned() ? static_cast<long double>(v.get<std::uint64_t>())
                                      : static_cast<long double>(v.get<std::int64_t>());
    if (!v.is_string())
        return std::nullopt;
    const auto& s = v.get_ref<const std::string&>();
    const auto first = s.find_first_not_of(" \t\r\n");
    const auto last = s.find_last_not_of(" \t\r\n");
    if (first == std::string::npos)
        return std::nullopt;
    double number = 0;
    const auto res = std::from_chars(s.data() + first, s.data() + last + 1, number);
    if (res.ec != std::errc() || res.ptr != s.data() + last + 1)
        return std::nullopt;
    return number;
}

std::string observedKeys(const json& object, const char* label, const char* none)
{
    if (!object.is_object() || object.empty())
        return std::string(" (") + none + ")";
    std::string keys;
    for (const auto& item : object.items())
        keys += (keys.empty() ? "" : ", ") + item.key();
    return std::string(" (") + label + ": " + keys + ")";
}

bool sameIgnoringCase(std::string_view a, std::string_view b)
{
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
    });
}

Value resolve(const Operand& op, const json& observed);

Value resolveObserved(const Operand& op, const json& observed)
{
    if (op.kind == Operand::Kind::Name) {
        if (observed.is_object() && observed.contains(op.text))
            return {observed.at(op.text), {}};
        return {{}, "no value \"" + op.text + "\" was observed" + observedKeys(observed, "observed", "no values were observed")};
    }
    if (op.kind == Operand::Kind::Json) {
        const std::string missing = toString(op) + " is not in the response";
        if (!observed.is_object() || !observed.contains("json"))
            return {{}, missing + " (no JSON was observed)"};
        try {
            const json::json_pointer pointer(op.text);
            if (observed.at("json").contains(pointer))
                return {observed.at("json").at(pointer), {}};
        } catch (const json::exception&) {
            // A malformed pointer or an array index that is not a number: not there either.
        }
        return {{}, missing};
    }
    const json headers = observed.is_object() ? observed.value("headers", json::object()) : json::object();
    for (const auto& item : headers.items()) {
        if (sameIgnoringCase(item.key(), op.text))
            return {item.value(), {}};
    }
    return {{}, toString(op) + " is not in the response" + observedKeys(headers, "headers", "no headers were observed")};
}

Value resolve(const Operand& op, const json& observed)
{
    switch (op.kind) {
    case Operand::Kind::Number:
        if (std::trunc(op.number) == op.number && std::fabs(op.number) < 9e15)
            return {json(static_cast<std::int64_t>(op.number)), {}};
        return {json(op.number), {}};
    case Operand::Kind::String: return {json(op.text), {}};
    case Operand::Kind::Bool: return {json(op.boolean), {}};
    case Operand::Kind::Len: break;
    default: return resolveObserved(op, observed);
    }
    if (!op.inner)
        return {{}, "len() has nothing to measure"};
    Value inner = resolveObserved(*op.inner, observed);
    if (!inner.error.empty())
        return inner;
    if (inner.value.is_array())
        return {json(inner.value.size()), {}};
    if (inner.value.is_string())
        return {json(inner.value.get_ref<const std::string&>().size()), {}};
    return {{}, toString(op) + " needs a list or a string, but " + toString(*op.inner) + " was "
                    + typeName(inner.value) + " (" + display(inner.value) + ")"};
}

// Orders two values, or says why they cannot be compared with op.
std::optional<std::partial_ordering> order(const json& l, const json& r, CompareOp op, std::string& mismatch)
{
    if (l.is_string() && r.is_string())
        return l.get_ref<const std::string&>() <=> r.get_ref<const std::string&>();
    if (l.is_number() || r.is_number()) {
        const auto a = asNumber(l), b = asNumber(r);
        if (a && b)
            return *a <=> *b;
    } else if (l.type() == r.type()) {  // two booleans, lists, objects or nulls
        if (op == CompareOp::Eq || op == CompareOp::Ne)
            return l == r ? std::partial_ordering::equivalent : std::partial_ordering::unordered;
        mismatch = typeName(l) + " can only be compared with == or !=";
        return std::nullopt;
    }
    mismatch = "cannot compare " + typeName(l) + " with " + typeName(r);
    if (l.is_array() && !r.is_array())
        mismatch += " (use contains to look inside a list)";
    return std::nullopt;
}

bool holds(std::partial_ordering o, CompareOp op)
{
    switch (op) {
    case CompareOp::Eq: return o == 0;
    case CompareOp::Ne: return o != 0;
    case CompareOp::Lt: return o < 0;
    case CompareOp::Le: return o <= 0;
    case CompareOp::Gt: return o > 0;
    case CompareOp::Ge: return o >= 0;
    default: return false;
    }
}

bool equalValues(const json& a, const json& b)
{
    std::string ignored;
    const auto o = order(a, b, CompareOp::Eq, ignored);
    return o && *o == 0;
}

// Contains: substring of a string, element of a list, or key of an object.
std::optional<bool> contains(const json& l, const json& r, std::string& mismatch)
{
    if (l.is_array())
        return std::any_of(l.begin(), l.end(), [&](const json& e) { return equalValues(e, r); });
    if (l.is_string() && (r.is_string() || r.is_number() || r.is_boolean()))
        return l.get_ref<const std::string&>().find(textOf(r)) != std::string::npos;
    if (l.is_object() && r.is_string())
        return l.contains(r.get<std::string>());
    mismatch = "contains needs a list or a string on the left, but found " + typeName(l);
    return std::nullopt;
}

// Matches: an unanchored PCRE2 search over the left side's text. Returns an error text on failure.
std::optional<bool> matches(const json& l, const json& r, std::string& error)
{
    if (!r.is_string()) {
        error = "matches needs a pattern string on the right, but found " + typeName(r);
        return std::nullopt;
    }
    const QString limit = QStringLiteral("(*LIMIT_MATCH=%1)").arg(kMatchLimit);
    const QRegularExpression re(limit + QString::fromStdString(r.get<std::string>()));
    if (!re.isValid()) {
        error = "invalid regular expression: " + re.errorString().toStdString();
        return std::nullopt;
    }
    const QRegularExpressionMatch m = re.match(QString::fromStdString(textOf(l)));
    if (!m.isValid()) {  // PCRE2 stopped at the match limit: neither a match nor a miss
        error = "the pattern " + display(r) + " needs too much backtracking on this input; simplify it";
        return std::nullopt;
    }
    return m.hasMatch();
}

bool isLiteral(const Operand& op)
{
    return op.kind == Operand::Kind::Number || op.kind == Operand::Kind::String || op.kind == Operand::Kind::Bool;
}

ConditionOutcome compare(const ConditionNode& node, const json& observed)
{
    const Value l = resolve(node.left, observed);
    if (!l.error.empty())
        return {false, true, l.error};
    const Value r = resolve(node.right, observed);
    if (!r.error.empty())
        return {false, true, r.error};

    std::string problem;
    std::optional<bool> result;
    if (node.op == CompareOp::Contains)
        result = contains(l.value, r.value, problem);
    else if (node.op == CompareOp::Matches)
        result = matches(l.value, r.value, problem);
    else if (const auto o = order(l.value, r.value, node.op, problem))
        result = holds(*o, node.op);

    std::string facts;  // what was observed, for the sides that are not literals
    std::string shown;
    for (const auto& [op, v] : {std::pair{&node.left, &l}, std::pair{&node.right, &r}}) {
        if (isLiteral(*op))
            continue;
        facts += (facts.empty() ? "" : " and ") + toString(*op) + " was " + display(v->value);
        shown += (shown.empty() ? "" : " vs ") + display(v->value);
    }
    const std::string text = toString(node);
    if (!result) {  // a bad pattern is an error; comparing unlike types is just false
        const bool error = node.op == CompareOp::Matches;
        return {false, error, problem + (facts.empty() ? "" : ": " + facts) + "; expected " + text};
    }
    if (*result)
        return {true, false, text + (shown.empty() ? "" : " (" + shown + ")")};
    return {false, false, (facts.empty() ? "" : facts + "; ") + "expected " + text};
}

ConditionOutcome joined(const ConditionNode& node, const json& observed)
{
    const bool all = node.kind == ConditionNode::Kind::And;
    ConditionOutcome out{all, false, {}};
    for (const ConditionNode& child : node.children) {
        ConditionOutcome o = evaluateCondition(child, observed);
        if (o.passed != all)  // && stops at the first failure, || at the first success
            return all ? o : ConditionOutcome{true, false, std::move(o.explanation)};
        out.error = out.error || o.error;
        out.explanation += (out.explanation.empty() ? "" : all ? "; " : " / ") + o.explanation;
    }
    if (!all)
        out.explanation = (node.children.size() == 2 ? "neither held: " : "none held: ") + out.explanation;
    return out;
}

} // namespace

ConditionOutcome evaluateCondition(const ConditionNode& node, const json& observed)
{
    if (node.kind == ConditionNode::Kind::Compare)
        return compare(node, observed);
    return joined(node, observed);
}

ConditionOutcome evaluateAll(const std::vector<Condition>& conditions, const json& observed)
{
    ConditionOutcome out{true, false, {}};
    for (const Condition& c : conditions) {
        ConditionOutcome o = evaluateCondition(c.parsed, observed);
        if (!o.passed) {
            // A failed comparison already names itself; an error or an && / || gets the condition as written.
            if (o.error || c.parsed.kind != ConditionNode::Kind::Compare)
                o.explanation = '"' + c.text + "\": " + o.explanation;
            return o;
        }
        out.explanation += (out.explanation.empty() ? "" : "; ") + o.explanation;
    }
    if (conditions.empty())
        out.explanation = "no conditions";
    return out;
}

} // namespace hopscope
