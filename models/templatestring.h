#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hopscope {

// A "${name}" inside a string value. Offsets are in bytes from the start of the string.
struct TemplateRef {
    std::string name;
    std::size_t offset = 0;
};

struct TemplateScan {
    std::vector<TemplateRef> refs;
    // Set when a "${" is never closed or names nothing valid; the offset of the fault.
    std::optional<std::size_t> errorOffset;
    std::string error;
};

// Names are letters, digits, '_' and '-', starting with a letter or '_'. "$${" writes a literal "${".
TemplateScan scanTemplate(std::string_view text);

// Replaces each reference with lookup(name); a name lookup cannot answer stays as written.
// The result is one value: it is never split or re-parsed, so "x; rm -rf /" stays one argument.
std::string renderTemplate(std::string_view text,
                           const std::function<std::optional<std::string>(const std::string&)>& lookup);

} // namespace hopscope
