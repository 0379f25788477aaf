#pragma once

#include "diagnostic.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hopscope {

// A YAML or JSON document as a tree that remembers where each piece was written,
// so every later error can name its line and column. Both formats load into this.
struct DocNode {
    enum class Kind { Null, Scalar, Sequence, Map };

    struct Entry;

    Kind kind = Kind::Null;
    SourcePos pos;
    std::string scalar;     // Kind::Scalar only
    bool quoted = false;    // a quoted scalar is always a string, never a number or boolean
    std::vector<DocNode> items;   // Kind::Sequence
    std::vector<Entry> entries;   // Kind::Map, in document order

    bool isNull() const { return kind == Kind::Null; }
    bool isScalar() const { return kind == Kind::Scalar; }
    bool isSequence() const { return kind == Kind::Sequence; }
    bool isMap() const { return kind == Kind::Map; }

    const DocNode* find(std::string_view key) const;
    // "a map", "a list", "the string \"x\"", "the number 3", "nothing": for messages.
    std::string describe() const;
};

struct DocNode::Entry {
    std::string key;
    SourcePos keyPos;
    DocNode value;
};

enum class DocFormat { Yaml, Json };

struct DocLimits {
    std::size_t maxFileBytes = 10 * 1024 * 1024;
    // Aliases let a few lines of YAML stand for billions of nodes; expansion stops here.
    std::size_t maxNodes = 250'000;
    // ... and a few aliases of one long string stand for gigabytes of text.
    std::size_t maxExpandedBytes = 32 * 1024 * 1024;
    int maxDepth = 64;
};

// Parses text into a DocNode tree. On a syntax error, returns no root and reports it.
std::optional<DocNode> parseDocument(std::string_view text, DocFormat format, Diagnostics& diag,
                                     const DocLimits& limits = {});

// Reads a file (refusing missing, unreadable or oversized ones) and parses it;
// .json files are JSON, everything else YAML.
std::optional<DocNode> parseDocumentFile(const std::string& path, Diagnostics& diag,
                                         const DocLimits& limits = {});

DocFormat formatForPath(std::string_view path);

} // namespace hopscope
