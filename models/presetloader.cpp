// Reads provider preset files and expands a hop's `presets:` into checks.
#include "fieldreader.h"
#include "loaderparts.h"
#include "preset.h"
#include "templatestring.h"

#include <QCoreApplication>
#include <QDir>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>

namespace hopscope {

std::vector<std::string> directoriesFromEnv(const char* variable)
{
    std::vector<std::string> dirs;
    if (const char* env = std::getenv(variable)) {
        std::stringstream list(env);
        for (std::string dir; std::getline(list, dir, ':');) {
            if (!dir.empty())
                dirs.push_back(dir);
        }
    }
    return dirs;
}

std::string installedDataDirectory(const std::string& subdir)
{
    if (!QCoreApplication::instance())
        return {};
    const QString dir = QDir(QCoreApplication::applicationDirPath())
                            .absoluteFilePath(QStringLiteral(HOPSCOPE_DATA_FROM_BINDIR "/") + QString::fromStdString(subdir));
    return QDir::cleanPath(dir).toStdString();
}

std::vector<std::string> presetSearchPath()
{
    std::vector<std::string> dirs = directoriesFromEnv("HOPSCOPE_PRESET_PATH");
    if (std::string installed = installedDataDirectory("providers"); !installed.empty())
        dirs.push_back(std::move(installed));
    dirs.push_back(std::string(HOPSCOPE_SOURCE_DIR) + "/resources/providers");
    return dirs;
}

namespace detail {

namespace {

using ParamValues = std::vector<std::pair<std::string, std::string>>;

// Fills in the parameters it knows; any other "${name}" is an environment variable, rendered when probed.
std::string withParams(const std::string& text, const ParamValues& values)
{
    return renderTemplate(text, [&](const std::string& name) -> std::optional<std::string> {
        for (const auto& [key, value] : values) {
            if (key == name)
                return value;
        }
        return std::nullopt;
    });
}

void substitute(DocNode& node, const ParamValues& values)
{
    if (node.isScalar() && node.scalar.find("${") != std::string::npos)
        node.scalar = withParams(node.scalar, values);
    for (auto& item : node.items)
        substitute(item, values);
    for (auto& entry : node.entries)
        substitute(entry.value, values);
}

std::vector<std::string> availablePresets()
{
    std::vector<std::string> ids;
    std::error_code ec;
    for (const auto& dir : presetSearchPath()) {
        for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
            if (it->path().extension() == ".yaml")
                ids.push_back(it->path().stem().string());
        }
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());  // an installed copy and the source tree's
    return ids;
}

std::string findPresetFile(const std::string& id)
{
    std::error_code ec;
    for (const auto& dir : presetSearchPath()) {
        const auto path = std::filesystem::path(dir) / (id + ".yaml");
        if (std::filesystem::is_regular_file(path, ec))
            return path.string();
    }
    return {};
}

} // namespace

std::optional<ProviderPreset> readPresetFile(const DocNode& root, Diagnostics& diag)
{
    FieldReader top(root, diag, "a preset file");
    top.allow({"$schema"});
    const DocNode* node = top.require("preset");
    top.finish();
    if (!node)
        return std::nullopt;
    FieldReader r(*node, diag, "the preset");
    if (!r.isMap())
        return std::nullopt;
    ProviderPreset preset;
    preset.pos = node->pos;
    preset.file = diag.file();
    if (const DocNode* id = r.require("id"); id && readString(*id, diag, "id", preset.id) && !isIdentifier(preset.id))
        diag.error(id->pos, "preset id " + hopscope::quoted(preset.id) + " must be lowercase letters, digits, '-' or '_'");
    r.string("title", preset.title, true);
    r.string("description", preset.description);
    if (const DocNode* kinds = r.get("hop_kinds")) {
        std::vector<std::string> names;
        if (readStringList(*kinds, diag, "hop_kinds", names)) {
            for (std::size_t i = 0; i < names.size(); ++i) {
                if (auto k = hopKindFromString(names[i]))
                    preset.hopKinds.push_back(*k);
                else
                    diag.error(kinds->items[i].pos, "unknown hop kind " + hopscope::quoted(names[i]));
            }
        }
    }
    if (const DocNode* params = r.get("params")) {
        if (!params->isSequence()) {
            diag.error(params->pos, "\"params\" must be a list of parameters, got " + params->describe());
        } else {
            for (const auto& item : params->items) {
                FieldReader p(item, diag, "a preset parameter");
                if (!p.isMap())
                    continue;
                PresetParam param;
                p.string("name", param.name, true);
                p.string("description", param.description);
                if (p.string("default", param.defaultValue))
                    param.required = false;
                p.finish();
                preset.params.push_back(std::move(param));
            }
        }
    }
    if (const DocNode* checks = r.require("checks")) {
        if (!checks->isSequence() || checks->items.empty()) {
            diag.error(checks->pos, "\"checks\" must be a list of at least one check, got " + checks->describe());
        } else {
            preset.checks = *checks;
            for (const auto& item : checks->items)
                readCheck(item, diag, CheckContext::Hop);  // the shape is checked once, here
        }
    }
    r.finish();
    return preset;
}

void expandPresets(const DocNode& list, Diagnostics& diag, Hop& hop)
{
    if (!list.isSequence()) {
        diag.error(list.pos, "\"presets\" must be a list such as [{use: aws-ecs-service, cluster: qa, service: backend}], got "
                                 + list.describe());
        return;
    }
    for (const auto& use : list.items) {
        if (!expectMap(use, diag, "a preset use"))
            continue;
        const DocNode* idNode = use.find("use");
        std::string id;
        if (!idNode) {
            diag.error(use.pos, "a preset use needs \"use\": the preset's id");
            continue;
        }
        if (!readString(*idNode, diag, "use", id))
            continue;
        const std::string path = findPresetFile(id);
        if (path.empty()) {
            diag.error(idNode->pos, "no preset " + hopscope::quoted(id) + " (looked in HOPSCOPE_PRESET_PATH and resources/providers)"
                                        + didYouMean(id, availablePresets()));
            continue;
        }
        Diagnostics presetDiag(path);
        auto root = parseDocumentFile(path, presetDiag);
        auto preset = root ? readPresetFile(*root, presetDiag) : std::nullopt;
        if (presetDiag.hasErrors() || !preset) {
            diag.error(idNode->pos, "preset " + hopscope::quoted(id) + " does not load; see " + path);
            for (auto& d : presetDiag.take())
                diag.add(std::move(d));
            continue;
        }
        ParamValues values;
        std::vector<std::string> names;
        for (const auto& p : preset->params)
            names.push_back(p.name);
        for (const auto& e : use.entries) {
            if (e.key == "use")
                continue;
            if (std::find(names.begin(), names.end(), e.key) == names.end()) {
                diag.error(e.keyPos, "preset " + hopscope::quoted(id) + " has no parameter " + hopscope::quoted(e.key) + didYouMean(e.key, names));
                continue;
            }
            std::string value;
            if (readString(e.value, diag, e.key, value))
                values.emplace_back(e.key, value);
        }
        for (const auto& p : preset->params) {
            const bool given = std::any_of(values.begin(), values.end(), [&](const auto& v) { return v.first == p.name; });
            if (!given && p.required)
                diag.error(use.pos, "preset " + hopscope::quoted(id) + " needs " + hopscope::quoted(p.name)
                                        + (p.description.empty() ? std::string() : " (" + p.description + ")"));
            else if (!given)  // a default may use earlier parameters: "https://ecs.${region}.amazonaws.com"
                values.emplace_back(p.name, withParams(p.defaultValue, values));
        }
        DocNode checks = preset->checks;
        substitute(checks, values);
        for (const auto& item : checks.items) {
            Diagnostics ignored(path);  // shape errors were reported when the preset was read
            if (auto check = readCheck(item, ignored, CheckContext::Hop))
                hop.checks.push_back(std::move(*check));
        }
    }
}

} // namespace detail

} // namespace hopscope
