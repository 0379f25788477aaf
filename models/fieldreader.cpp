#include "fieldreader.h"

#include "units.h"

#include <algorithm>
#include <charconv>

namespace hopscope {

std::string quoted(std::string_view text)
{
    return '"' + std::string(text) + '"';
}

bool isIdentifier(std::string_view text)
{
    if (text.empty() || !(std::islower(static_cast<unsigned char>(text[0])) || std::isdigit(static_cast<unsigned char>(text[0]))))
        return false;
    return std::all_of(text.begin(), text.end(), [](unsigned char c) {
        return std::islower(c) || std::isdigit(c) || c == '-' || c == '_';
    });
}

namespace {

std::size_t editDistance(std::string_view a, std::string_view b)
{
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) == std::tolower(static_cast<unsigned char>(b[j - 1]));
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

} // namespace

std::optional<std::string> closestMatch(std::string_view word, const std::vector<std::string>& candidates)
{
    std::optional<std::string> best;
    std::size_t bestDistance = std::max<std::size_t>(2, word.size() / 3) + 1;
    for (const auto& c : candidates) {
        const std::size_t d = editDistance(word, c);
        if (d < bestDistance) {
            bestDistance = d;
            best = c;
        }
    }
    return best;
}

std::string didYouMean(std::string_view word, const std::vector<std::string>& candidates)
{
    if (auto m = closestMatch(word, candidates))
        return "; did you mean " + quoted(*m) + "?";
    return {};
}

bool expectMap(const DocNode& n, Diagnostics& diag, std::string_view field)
{
    if (n.isMap())
        return true;
    diag.error(n.pos, std::string(field) + " must be a map of keys and values, got " + n.describe());
    return false;
}

bool readString(const DocNode& n, Diagnostics& diag, std::string_view field, std::string& out)
{
    if (!n.isScalar()) {
        diag.error(n.pos, quoted(field) + " must be a string, got " + n.describe());
        return false;
    }
    out = n.scalar;
    return true;
}

bool readBool(const DocNode& n, Diagnostics& diag, std::string_view field, bool& out)
{
    if (n.isScalar() && !n.quoted && (n.scalar == "true" || n.scalar == "false")) {
        out = n.scalar == "true";
        return true;
    }
    diag.error(n.pos, quoted(field) + " must be true or false, got " + n.describe());
    return false;
}

bool readInt(const DocNode& n, Diagnostics& diag, std::string_view field, long min, long max, long& out)
{
    long value = 0;
    if (n.isScalar() && !n.quoted) {
        const char* begin = n.scalar.data();
        const char* end = begin + n.scalar.size();
        auto [ptr, ec] = std::from_chars(begin, end, value);
        if (ec == std::errc() && ptr == end) {
            if (value < min || value > max) {
                diag.error(n.pos, quoted(field) + " must be between " + std::to_string(min) + " and "
                                      + std::to_string(max) + ", got " + n.scalar);
                return false;
            }
            out = value;
            return true;
        }
    }
    diag.error(n.pos, quoted(field) + " must be a whole number, got " + n.describe());
    return false;
}

bool readDuration(const DocNode& n, Diagnostics& diag, std::string_view field, std::chrono::milliseconds& out)
{
    if (n.isScalar()) {
        if (auto d = parseDuration(n.scalar)) {
            out = *d;
            return true;
        }
    }
    diag.error(n.pos, quoted(field) + " must be a duration such as 500ms, 3s, 2m or 1h, got " + n.describe());
    return false;
}

bool readStringList(const DocNode& n, Diagnostics& diag, std::string_view field, std::vector<std::string>& out)
{
    if (!n.isSequence()) {
        diag.error(n.pos, quoted(field) + " must be a list of strings, got " + n.describe());
        return false;
    }
    bool ok = true;
    out.clear();
    for (const auto& item : n.items) {
        std::string s;
        if (readString(item, diag, std::string(field) + " item", s))
            out.push_back(std::move(s));
        else
            ok = false;
    }
    return ok;
}

FieldReader::FieldReader(const DocNode& node, Diagnostics& diag, std::string what)
    : m_node(node), m_diag(diag), m_what(std::move(what))
{
    if (!m_node.isMap())
        m_diag.error(m_node.pos, m_what + " must be a map of keys and values, got " + m_node.describe());
}

const DocNode* FieldReader::get(std::string_view key)
{
    m_known.emplace_back(key);
    return m_node.isMap() ? m_node.find(key) : nullptr;
}

const DocNode* FieldReader::require(std::string_view key)
{
    const DocNode* n = get(key);
    if (!n && m_node.isMap())
        m_diag.error(m_node.pos, m_what + " needs " + quoted(key));
    return n;
}

void FieldReader::allow(std::initializer_list<std::string_view> keys)
{
    for (auto k : keys)
        m_known.emplace_back(k);
}

std::vector<std::pair<std::string_view, const DocNode*>> FieldReader::present(std::initializer_list<std::string_view> keys)
{
    std::vector<std::pair<std::string_view, const DocNode*>> found;
    for (auto k : keys) {
        if (const DocNode* n = get(k))
            found.emplace_back(k, n);
    }
    // In the order written, so "the second one" in a message is the one the reader sees second.
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
        return std::pair(a.second->pos.line, a.second->pos.column) < std::pair(b.second->pos.line, b.second->pos.column);
    });
    return found;
}

bool FieldReader::string(std::string_view key, std::string& out, bool required)
{
    const DocNode* n = required ? require(key) : get(key);
    return n && readString(*n, m_diag, key, out);
}

bool FieldReader::boolean(std::string_view key, bool& out)
{
    const DocNode* n = get(key);
    return n && readBool(*n, m_diag, key, out);
}

bool FieldReader::integer(std::string_view key, int& out, long min, long max)
{
    const DocNode* n = get(key);
    long value = 0;
    if (!n || !readInt(*n, m_diag, key, min, max, value))
        return false;
    out = int(value);
    return true;
}

bool FieldReader::duration(std::string_view key, std::chrono::milliseconds& out)
{
    const DocNode* n = get(key);
    return n && readDuration(*n, m_diag, key, out);
}

bool FieldReader::duration(std::string_view key, std::optional<std::chrono::milliseconds>& out)
{
    std::chrono::milliseconds d{};
    if (!duration(key, d))
        return false;
    out = d;
    return true;
}

bool FieldReader::stringList(std::string_view key, std::vector<std::string>& out, bool required)
{
    const DocNode* n = required ? require(key) : get(key);
    return n && readStringList(*n, m_diag, key, out);
}

bool FieldReader::keyValues(std::string_view key, KeyValues& out)
{
    const DocNode* n = get(key);
    if (!n || !expectMap(*n, m_diag, quoted(key)))
        return false;
    bool ok = true;
    for (const auto& e : n->entries) {
        std::string value;
        if (readString(e.value, m_diag, e.key, value))
            out.emplace_back(e.key, std::move(value));
        else
            ok = false;
    }
    return ok;
}

void FieldReader::finish()
{
    if (!m_node.isMap())
        return;
    for (const auto& e : m_node.entries) {
        if (std::find(m_known.begin(), m_known.end(), e.key) == m_known.end())
            m_diag.error(e.keyPos, "unknown key " + quoted(e.key) + " in " + m_what + didYouMean(e.key, m_known));
    }
}

} // namespace hopscope
