#include "templatestring.h"

#include <cctype>

namespace hopscope {

namespace {

bool nameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool nameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }

// Walks the text once; calls onText for literal runs and onRef for references.
template<typename OnText, typename OnRef>
TemplateScan walk(std::string_view text, OnText onText, OnRef onRef)
{
    TemplateScan scan;
    std::size_t i = 0;
    while (i < text.size()) {
        if (text.compare(i, 3, "$${") == 0) {
            onText(std::string_view("${"));
            i += 3;
            continue;
        }
        if (text.compare(i, 2, "${") != 0) {
            onText(text.substr(i, 1));
            ++i;
            continue;
        }
        const std::size_t start = i;
        std::size_t j = i + 2;
        if (j >= text.size() || !nameStart(text[j])) {
            scan.errorOffset = start;
            scan.error = "\"${\" must be followed by a variable name and \"}\"";
            return scan;
        }
        while (j < text.size() && nameChar(text[j]))
            ++j;
        if (j >= text.size() || text[j] != '}') {
            scan.errorOffset = start;
            scan.error = "\"${\" is not closed with \"}\" (write \"$${\" for a literal \"${\")";
            return scan;
        }
        TemplateRef ref{std::string(text.substr(i + 2, j - i - 2)), start};
        onRef(ref, text.substr(start, j + 1 - start));
        scan.refs.push_back(std::move(ref));
        i = j + 1;
    }
    return scan;
}

} // namespace

TemplateScan scanTemplate(std::string_view text)
{
    return walk(text, [](std::string_view) {}, [](const TemplateRef&, std::string_view) {});
}

std::string renderTemplate(std::string_view text,
                           const std::function<std::optional<std::string>(const std::string&)>& lookup)
{
    std::string out;
    out.reserve(text.size());
    const TemplateScan scan = walk(
        text, [&](std::string_view literal) { out += literal; },
        [&](const TemplateRef& ref, std::string_view written) {
            if (auto value = lookup(ref.name))
                out += *value;
            else
                out += written;
        });
    if (scan.errorOffset)
        out += text.substr(*scan.errorOffset); // keep what could not be read, as written
    return out;
}

} // namespace hopscope
