#include "loader.h"

#include "fieldreader.h"
#include "loaderparts.h"
#include "templatestring.h"

#include <algorithm>
#include <set>

namespace hopscope {

bool LoadedFile::hasErrors() const
{
    return std::any_of(diagnostics.begin(), diagnostics.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

namespace detail {

namespace {

// Where byte `offset` of a scalar's text was written. Exact on one line; multi-line
// scalars (block text) fall back to where the scalar starts.
SourcePos posInScalar(const DocNode& n, std::size_t offset)
{
    if (n.scalar.find('\n') != std::string::npos)
        return n.pos;
    return {n.pos.line, n.pos.column + (n.quoted ? 1 : 0) + int(offset)};
}

template<typename Fn>
void forEachScalar(const DocNode& node, Fn&& fn)
{
    switch (node.kind) {
    case DocNode::Kind::Scalar:
        fn(node);
        break;
    case DocNode::Kind::Sequence:
        for (const auto& item : node.items)
            forEachScalar(item, fn);
        break;
    case DocNode::Kind::Map:
        for (const auto& e : node.entries)
            forEachScalar(e.value, fn);
        break;
    case DocNode::Kind::Null:
        break;
    }
}

// The password written in a DSN, if any: "postgresql://user:PASS@host" or "... password=PASS ...".
std::optional<std::size_t> inlinePasswordOffset(std::string_view text)
{
    for (std::string_view scheme : {"postgresql://", "postgres://"}) {
        if (!text.starts_with(scheme))
            continue;
        const std::size_t at = text.find('@');
        const std::size_t colon = text.find(':', scheme.size());
        if (at != std::string_view::npos && colon != std::string_view::npos && colon < at) {
            const std::string_view password = text.substr(colon + 1, at - colon - 1);
            if (!password.empty() && !password.starts_with("${"))
                return colon + 1;
        }
        return std::nullopt;
    }
    if (const std::size_t p = text.find("password="); p != std::string_view::npos
        && (p == 0 || text[p - 1] == ' ') && text.find("host=") != std::string_view::npos) {
        const std::string_view value = text.substr(p + 9);
        if (!value.empty() && value[0] != ' ' && !value.starts_with("${"))
            return p + 9;
    }
    return std::nullopt;
}

} // namespace

std::vector<TemplateUse> templateUses(const DocNode& node, Diagnostics& diag)
{
    std::vector<TemplateUse> uses;
    forEachScalar(node, [&](const DocNode& scalar) {
        if (scalar.scalar.find("${") == std::string::npos)
            return;
        const TemplateScan scan = scanTemplate(scalar.scalar);
        for (const auto& ref : scan.refs)
            uses.push_back({ref.name, posInScalar(scalar, ref.offset)});
        if (scan.errorOffset)
            diag.error(posInScalar(scalar, *scan.errorOffset), scan.error);
    });
    return uses;
}

void warnInlinePasswords(const DocNode& node, Diagnostics& diag)
{
    forEachScalar(node, [&](const DocNode& scalar) {
        if (auto offset = inlinePasswordOffset(scalar.scalar))
            diag.warning(posInScalar(scalar, *offset),
                         "a password is written into this connection string; take it from a secret, "
                         "for example postgresql://app:${db_password}@host/db");
    });
}

} // namespace detail

namespace {

// Decides what the document is and reads it; shared by files and in-memory text.
LoadedFile readDocument(std::optional<DocNode> root, Diagnostics& diag)
{
    LoadedFile file;
    file.path = diag.file();
    if (root) {
        if (root->isMap() && root->find("runbook")) {
            file.type = LoadedFile::Type::Runbook;
            file.runbook = detail::readRunbookFile(*root, diag);
        } else if (root->isMap() && root->find("environments")) {
            file.type = LoadedFile::Type::Environments;
            file.environments = detail::readEnvironmentFile(*root, diag);
        } else if (root->isMap() && root->find("preset")) {
            file.type = LoadedFile::Type::Preset;
            file.preset = detail::readPresetFile(*root, diag);
        } else {
            const std::string got = root->isMap() && !root->entries.empty()
                ? "a map with " + quoted(root->entries.front().key)
                      + didYouMean(root->entries.front().key, {"environments", "runbook"})
                : root->describe();
            diag.error(root->pos, "expected an environment file (a top-level \"environments\" list) or a runbook "
                                  "(a top-level \"runbook\" map), got " + got);
        }
    }
    file.diagnostics = diag.take();
    return file;
}

} // namespace

LoadedFile loadText(std::string_view text, const std::string& displayName, DocFormat format, const DocLimits& limits)
{
    Diagnostics diag(displayName);
    auto root = parseDocument(text, format, diag, limits);
    return readDocument(std::move(root), diag);
}

LoadedFile loadFile(const std::string& path, const DocLimits& limits)
{
    Diagnostics diag(path);
    auto root = parseDocumentFile(path, diag, limits);
    return readDocument(std::move(root), diag);
}

void crossCheck(std::vector<LoadedFile>& files, const std::vector<std::string>& knownRunbookIds)
{
    std::vector<std::string> runbookIds = knownRunbookIds;
    std::vector<std::string> definedNames{"env"};
    std::set<std::string> hopIds;
    bool anyEnvironment = false;
    std::vector<std::pair<std::string, const LoadedFile*>> envNames;
    for (std::size_t i = 0; i < files.size(); ++i) {
        LoadedFile& f = files[i];
        if (f.runbook && !f.runbook->id.empty()) {
            for (std::size_t j = 0; j < i; ++j) {
                if (files[j].runbook && files[j].runbook->id == f.runbook->id) {
                    f.diagnostics.push_back({f.path, f.runbook->pos, Severity::Warning,
                                             "runbook " + quoted(f.runbook->id) + " is also defined in " + files[j].path});
                    break;
                }
            }
            runbookIds.push_back(f.runbook->id);
        }
        for (const auto& env : f.environments) {
            anyEnvironment = true;
            for (const auto& v : env.variables)
                definedNames.push_back(v.first);
            for (const auto& s : env.secrets)
                definedNames.push_back(s.name);
            for (const auto& h : env.hops)
                hopIds.insert(h.id);
        }
    }

    for (auto& f : files) {
        for (const auto& env : f.environments) {
            // Name the first definition only: with many files, every earlier one would be noise.
            const auto first = std::find_if(envNames.begin(), envNames.end(),
                                            [&](const auto& seen) { return seen.first == env.name; });
            if (first == envNames.end())
                envNames.emplace_back(env.name, &f);
            else if (first->second != &f)
                f.diagnostics.push_back({f.path, env.pos, Severity::Warning,
                                         "environment " + quoted(env.name) + " is also defined in " + first->second->path});
            for (const auto& hop : env.hops) {
                for (const auto& check : hop.checks) {
                    if (!check.remedy.empty()
                        && std::find(runbookIds.begin(), runbookIds.end(), check.remedy) == runbookIds.end())
                        f.diagnostics.push_back({f.path, check.remedyPos, Severity::Warning,
                                                 "remedy " + quoted(check.remedy) + " names no loaded runbook"
                                                     + didYouMean(check.remedy, runbookIds)});
                }
            }
        }
        if (!f.runbook || !anyEnvironment)
            continue;
        // Only with environments loaded can a runbook's environment names be checked.
        for (const auto& [name, pos] : f.runbook->environmentRefs) {
            if (std::find(definedNames.begin(), definedNames.end(), name) == definedNames.end())
                f.diagnostics.push_back({f.path, pos, Severity::Warning,
                                         "${" + name + "} is not a parameter of this runbook, and no loaded "
                                         "environment defines it" + didYouMean(name, definedNames)});
        }
        for (const auto& step : f.runbook->steps) {
            if (step.kind == Step::Kind::Tour && !step.tour.hop.empty() && !hopIds.contains(step.tour.hop))
                f.diagnostics.push_back({f.path, step.pos, Severity::Warning,
                                         "the tour focuses hop " + quoted(step.tour.hop) + ", which no loaded environment has"
                                             + didYouMean(step.tour.hop, {hopIds.begin(), hopIds.end()})});
        }
    }
}

} // namespace hopscope
