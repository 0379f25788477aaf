#include "diagnostic.h"

#include <algorithm>

namespace hopscope {

std::string Diagnostic::format() const
{
    std::string out = file;
    out += ':' + std::to_string(std::max(pos.line, 1)) + ':' + std::to_string(std::max(pos.column, 1));
    out += severity == Severity::Error ? ": error: " : ": warning: ";
    out += message;
    return out;
}

void Diagnostics::error(SourcePos pos, std::string message)
{
    m_list.push_back({m_file, pos, Severity::Error, std::move(message)});
}

void Diagnostics::warning(SourcePos pos, std::string message)
{
    m_list.push_back({m_file, pos, Severity::Warning, std::move(message)});
}

bool Diagnostics::hasErrors() const
{
    return errorCount() > 0;
}

int Diagnostics::errorCount() const
{
    return int(std::count_if(m_list.begin(), m_list.end(),
                             [](const Diagnostic& d) { return d.severity == Severity::Error; }));
}

} // namespace hopscope
