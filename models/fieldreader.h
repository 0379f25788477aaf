#pragma once

#include "diagnostic.h"
#include "docnode.h"
#include "environment.h"

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hopscope {

// Reads one map of a document. Every key the loader asks for becomes known; finish()
// then reports the keys nobody asked for, with the closest known key as a suggestion.
// This is the one place where "wrong type", "missing field" and "unknown key" are worded.
class FieldReader final {
public:
    // `what` names the map in messages: "a hop", "the http probe".
    FieldReader(const DocNode& node, Diagnostics& diag, std::string what);

    bool isMap() const { return m_node.isMap(); }
    SourcePos pos() const { return m_node.pos; }
    const std::string& what() const { return m_what; }

    // The value of key (marking it known), or null when absent.
    const DocNode* get(std::string_view key);
    // As get(), and an error at the map when absent.
    const DocNode* require(std::string_view key);
    // Marks keys as known without reading them.
    void allow(std::initializer_list<std::string_view> keys);
    // Of these keys, the ones present (marked known): for "exactly one of" rules.
    std::vector<std::pair<std::string_view, const DocNode*>> present(std::initializer_list<std::string_view> keys);

    bool string(std::string_view key, std::string& out, bool required = false);
    bool boolean(std::string_view key, bool& out);
    bool integer(std::string_view key, int& out, long min, long max);
    bool duration(std::string_view key, std::chrono::milliseconds& out);
    bool duration(std::string_view key, std::optional<std::chrono::milliseconds>& out);
    bool stringList(std::string_view key, std::vector<std::string>& out, bool required = false);
    bool keyValues(std::string_view key, KeyValues& out);

    void finish();

private:
    const DocNode& m_node;
    Diagnostics& m_diag;
    std::string m_what;
    std::vector<std::string> m_known;
};

// Conversions of a single value, shared by FieldReader and list readers. `field` names it in messages.
bool readString(const DocNode& n, Diagnostics& diag, std::string_view field, std::string& out);
bool readBool(const DocNode& n, Diagnostics& diag, std::string_view field, bool& out);
bool readInt(const DocNode& n, Diagnostics& diag, std::string_view field, long min, long max, long& out);
bool readDuration(const DocNode& n, Diagnostics& diag, std::string_view field, std::chrono::milliseconds& out);
bool readStringList(const DocNode& n, Diagnostics& diag, std::string_view field, std::vector<std::string>& out);
// Expects a map; reports "FIELD must be a map, got ..." otherwise.
bool expectMap(const DocNode& n, Diagnostics& diag, std::string_view field);

// The candidate closest to `word` if it is close enough to be a likely typo.
std::optional<std::string> closestMatch(std::string_view word, const std::vector<std::string>& candidates);
std::string didYouMean(std::string_view word, const std::vector<std::string>& candidates);

// Identifiers for hops, runbooks and params: lowercase letters, digits, '-' and '_'.
bool isIdentifier(std::string_view text);
std::string quoted(std::string_view text);

} // namespace hopscope
