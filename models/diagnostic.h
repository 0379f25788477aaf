#pragma once

#include <string>
#include <vector>

namespace hopscope {

// 1-based, as editors count. {0, 0} means "the file as a whole".
struct SourcePos {
    int line = 0;
    int column = 0;
    friend bool operator==(const SourcePos&, const SourcePos&) = default;
};

enum class Severity { Warning, Error };

struct Diagnostic {
    std::string file;
    SourcePos pos;
    Severity severity = Severity::Error;
    std::string message;

    // FILE:LINE:COLUMN: error: MESSAGE, the form compilers use so editors can jump to it.
    std::string format() const;
};

// Collects the problems found in one file; every loader reports through one of these.
class Diagnostics final {
public:
    explicit Diagnostics(std::string file) : m_file(std::move(file)) {}

    void error(SourcePos pos, std::string message);
    void warning(SourcePos pos, std::string message);
    void add(Diagnostic d) { m_list.push_back(std::move(d)); }

    const std::string& file() const { return m_file; }
    const std::vector<Diagnostic>& list() const { return m_list; }
    std::vector<Diagnostic> take() { return std::move(m_list); }
    bool hasErrors() const;
    int errorCount() const;

private:
    std::string m_file;
    std::vector<Diagnostic> m_list;
};

} // namespace hopscope
