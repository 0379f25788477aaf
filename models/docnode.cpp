#include "docnode.h"

#include <nlohmann/json.hpp>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace hopscope {

const DocNode* DocNode::find(std::string_view key) const
{
    for (const auto& e : entries) {
        if (e.key == key)
            return &e.value;
    }
    return nullptr;
}

std::string DocNode::describe() const
{
    switch (kind) {
    case Kind::Null:
        return "nothing";
    case Kind::Sequence:
        return "a list";
    case Kind::Map:
        return "a map";
    case Kind::Scalar:
        break;
    }
    std::string shown = scalar.size() > 40 ? scalar.substr(0, 37) + "..." : scalar;
    return (quoted ? "the string \"" : "\"") + shown + '"';
}

DocFormat formatForPath(std::string_view path)
{
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return ext == ".json" ? DocFormat::Json : DocFormat::Yaml;
}

namespace {

SourcePos posOf(const YAML::Mark& mark, SourcePos fallback)
{
    if (mark.line < 0 || mark.column < 0)
        return fallback;
    return {mark.line + 1, mark.column + 1};
}

SourcePos posOfOffset(std::string_view text, std::size_t offset)
{
    offset = std::min(offset, text.size());
    SourcePos p{1, 1};
    for (std::size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++p.line;
            p.column = 1;
        } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            ++p.column; // count characters, not UTF-8 continuation bytes
        }
    }
    return p;
}

class Converter {
public:
    Converter(Diagnostics& diag, const DocLimits& limits) : m_diag(diag), m_limits(limits) {}

    bool convert(const YAML::Node& in, DocNode& out, SourcePos fallback, int depth)
    {
        if (++m_nodes > m_limits.maxNodes || m_bytes > m_limits.maxExpandedBytes) {
            m_diag.error(posOf(in.Mark(), fallback),
                         m_nodes > m_limits.maxNodes
                             ? "the document expands to more than " + std::to_string(m_limits.maxNodes)
                                   + " values (nested YAML aliases?); refusing to load it"
                             : "the document expands to more than " + std::to_string(m_limits.maxExpandedBytes >> 20)
                                   + " MB of text (YAML aliases of long strings?); refusing to load it");
            return false;
        }
        if (depth > m_limits.maxDepth) {
            m_diag.error(posOf(in.Mark(), fallback),
                         "nesting is deeper than " + std::to_string(m_limits.maxDepth) + " levels");
            return false;
        }
        out.pos = posOf(in.Mark(), fallback);
        switch (in.Type()) {
        case YAML::NodeType::Undefined:
        case YAML::NodeType::Null:
            out.kind = DocNode::Kind::Null;
            return true;
        case YAML::NodeType::Scalar:
            out.kind = DocNode::Kind::Scalar;
            out.scalar = in.Scalar();
            m_bytes += out.scalar.size();
            out.quoted = in.Tag() == "!";
            return true;
        case YAML::NodeType::Sequence:
            out.kind = DocNode::Kind::Sequence;
            out.items.reserve(in.size());
            for (const auto& child : in) {
                out.items.emplace_back();
                if (!convert(child, out.items.back(), out.pos, depth + 1))
                    return false;
            }
            return true;
        case YAML::NodeType::Map:
            out.kind = DocNode::Kind::Map;
            for (auto it = in.begin(); it != in.end(); ++it) {
                DocNode::Entry entry;
                entry.keyPos = posOf(it->first.Mark(), out.pos);
                if (!it->first.IsScalar()) {
                    m_diag.error(entry.keyPos, "a key must be a plain name, not " + describeType(it->first));
                    return false;
                }
                entry.key = it->first.Scalar();
                m_bytes += entry.key.size();
                if (const DocNode::Entry* first = findEntry(out, entry.key)) {
                    m_diag.error(entry.keyPos, "duplicate key \"" + entry.key + "\" (first given at line "
                                                   + std::to_string(first->keyPos.line) + ")");
                }
                if (!convert(it->second, entry.value, entry.keyPos, depth + 1))
                    return false;
                out.entries.push_back(std::move(entry));
            }
            return true;
        }
        return true;
    }

private:
    static const DocNode::Entry* findEntry(const DocNode& map, const std::string& key)
    {
        for (const auto& e : map.entries) {
            if (e.key == key)
                return &e;
        }
        return nullptr;
    }

    static std::string describeType(const YAML::Node& n)
    {
        return n.IsMap() ? "a map" : n.IsSequence() ? "a list" : "nothing";
    }

    Diagnostics& m_diag;
    const DocLimits& m_limits;
    std::size_t m_nodes = 0;
    std::size_t m_bytes = 0;
};

// Checks JSON syntax strictly without building a DOM, so errors get nlohmann's exact position.
class JsonSyntaxCheck final : public nlohmann::json_sax<nlohmann::json> {
public:
    std::size_t errorOffset = 0;
    std::string errorMessage;

    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override { return true; }
    bool key(string_t&) override { return true; }
    bool end_object() override { return true; }
    bool start_array(std::size_t) override { return true; }
    bool end_array() override { return true; }
    bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override
    {
        errorOffset = position;
        errorMessage = ex.what();
        // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ..." -> the part after ": "
        if (auto colon = errorMessage.find(": "); colon != std::string::npos)
            errorMessage = errorMessage.substr(colon + 2);
        return false;
    }
};

// nlohmann stops just past the token it could not use; editors want the token's first character.
std::size_t tokenStart(std::string_view text, std::size_t end)
{
    if (end == 0 || end > text.size())
        return std::min(end, text.size());
    std::size_t i = end - 1;
    if (text[i] == '"') {
        while (i > 0 && text[i - 1] != '\n') {
            --i;
            if (text[i] == '"' && (i == 0 || text[i - 1] != '\\'))
                return i;
        }
        return end - 1;
    }
    while (i > 0 && (std::isalnum(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == '.' || text[i - 1] == '-'))
        --i;
    return i;
}

// Counts what a document holds without building it, and remembers where the document starts.
class DocumentProbe final : public YAML::EventHandler {
public:
    int events = 0;
    YAML::Mark start;
    void OnDocumentStart(const YAML::Mark& mark) override { start = mark; }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override { ++events; }
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override { ++events; }
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override { ++events; }
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override { ++events; }
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override { ++events; }
    void OnMapEnd() override {}
};

// Where a second document starts, if the text holds one. yaml-cpp's LoadAll can loop forever
// on malformed input (",c:{" makes HandleNextDocument succeed without consuming anything),
// so this asks for exactly two documents and no more.
std::optional<YAML::Mark> secondDocument(const std::string& text)
{
    std::istringstream stream(text);
    YAML::Parser parser(stream);
    DocumentProbe first, second;
    if (!parser.HandleNextDocument(first) || !parser.HandleNextDocument(second) || second.events == 0)
        return std::nullopt;
    return second.start;
}

std::string cleanYamlMessage(const std::string& msg)
{
    return msg.empty() ? std::string("not valid YAML") : "not valid YAML: " + msg;
}

} // namespace

std::optional<DocNode> parseDocument(std::string_view text, DocFormat format, Diagnostics& diag,
                                     const DocLimits& limits)
{
    if (text.size() > limits.maxFileBytes) {
        diag.error({}, "the file is " + std::to_string(text.size() / (1024 * 1024)) + " MB; files over "
                           + std::to_string(limits.maxFileBytes / (1024 * 1024)) + " MB are refused");
        return std::nullopt;
    }
    if (text.find('\0') != std::string_view::npos) {
        diag.error(posOfOffset(text, text.find('\0')), "the file contains a NUL byte; it is not a text file");
        return std::nullopt;
    }
    if (format == DocFormat::Json) {
        JsonSyntaxCheck check;
        if (!nlohmann::json::sax_parse(text.begin(), text.end(), &check)) {
            // nlohmann reports the 1-based offset of the offending byte.
            diag.error(posOfOffset(text, tokenStart(text, check.errorOffset)),
                       "not valid JSON: " + check.errorMessage);
            return std::nullopt;
        }
    }

    const std::string owned(text);
    YAML::Node doc;
    std::optional<YAML::Mark> second;
    try {
        doc = YAML::Load(owned);
        second = secondDocument(owned);
    } catch (const YAML::DeepRecursion& e) {
        diag.error(posOf(e.mark, {1, 1}), "nesting is too deep to read (over " + std::to_string(e.depth()) + " levels)");
        return std::nullopt;
    } catch (const YAML::Exception& e) {
        diag.error(posOf(e.mark, {1, 1}), cleanYamlMessage(e.msg));
        return std::nullopt;
    } catch (const std::exception& e) {
        diag.error({1, 1}, std::string("could not be read: ") + e.what());
        return std::nullopt;
    }
    if (second)
        diag.error(posOf(*second, {1, 1}), "a file holds one document; this is a second one");

    DocNode root;
    Converter converter(diag, limits);
    try {
        if (!converter.convert(doc, root, {1, 1}, 0))
            return std::nullopt;
    } catch (const std::exception& ex) {
        diag.error({1, 1}, std::string("could not be read: ") + ex.what());
        return std::nullopt;
    }
    return root;
}

std::optional<DocNode> parseDocumentFile(const std::string& path, Diagnostics& diag, const DocLimits& limits)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
        diag.error({}, "no such file");
        return std::nullopt;
    }
    if (fs::is_directory(status)) {
        diag.error({}, "is a directory, not a file");
        return std::nullopt;
    }
    if (fs::is_regular_file(status)) {
        const auto size = fs::file_size(path, ec);
        if (!ec && size > limits.maxFileBytes) {
            diag.error({}, "the file is " + std::to_string(size / (1024 * 1024)) + " MB; files over "
                               + std::to_string(limits.maxFileBytes / (1024 * 1024)) + " MB are refused");
            return std::nullopt;
        }
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        diag.error({}, "cannot be read: " + std::error_code(errno, std::generic_category()).message());
        return std::nullopt;
    }
    // Read at most one byte past the limit, so a FIFO or a growing file cannot exhaust memory.
    std::string text;
    char buffer[64 * 1024];
    while (text.size() <= limits.maxFileBytes && in.read(buffer, sizeof buffer).gcount() > 0)
        text.append(buffer, std::size_t(in.gcount()));
    if (in.bad()) {
        diag.error({}, "cannot be read: " + std::error_code(errno, std::generic_category()).message());
        return std::nullopt;
    }
    return parseDocument(text, formatForPath(path), diag, limits);
}

} // namespace hopscope
