// Reads environment files: environments, their variables and secrets, hops and the hop graph.
#include "fieldreader.h"
#include "loaderparts.h"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <map>
#include <set>

namespace hopscope::detail {

namespace {

// Names every template may use without defining them.
const std::vector<std::string> kBuiltinNames{"env"};

// `{env: NAME, default: VALUE}`: the value of the process environment's NAME when it is set and
// not empty, else the default. Read once, when the file loads, so one sweep sees one value; it
// lets one file describe a lab or a stage whose ports or host differ from machine to machine.
std::optional<std::string> readVariableFromEnvironment(const std::string& name, const DocNode& node, Diagnostics& diag)
{
    FieldReader r(node, diag, "variable " + quoted(name));
    std::string variable;
    std::optional<std::string> fallback;
    if (const DocNode* envNode = r.require("env"); envNode && readString(*envNode, diag, "env", variable)) {
        if (variable.empty() || !std::all_of(variable.begin(), variable.end(), [](unsigned char c) {
                return std::isalnum(c) || c == '_';
            }))
            diag.error(envNode->pos, "\"env\" must name an environment variable (letters, digits, '_'), got "
                                         + quoted(variable));
    }
    if (const DocNode* def = r.get("default")) {
        if (def->isScalar())
            fallback = def->scalar;
        else
            diag.error(def->pos, "\"default\" must be a string, number or true/false, got " + def->describe());
    }
    r.finish();
    if (variable.empty())
        return std::nullopt;
    if (const char* value = std::getenv(variable.c_str()); value && *value)
        return std::string(value);
    if (!fallback)
        diag.error(node.pos, "variable " + quoted(name) + " reads $" + variable
                                 + ", which is not set; set it or give a \"default\"");
    return fallback;
}

void readVariables(const DocNode& node, Diagnostics& diag, Environment& env)
{
    if (!expectMap(node, diag, "\"variables\""))
        return;
    for (const auto& e : node.entries) {
        if (std::find(kBuiltinNames.begin(), kBuiltinNames.end(), e.key) != kBuiltinNames.end())
            diag.error(e.keyPos, quoted(e.key) + " is reserved: ${" + e.key + "} is the environment's name");
        if (e.value.isScalar()) {
            env.variables.emplace_back(e.key, e.value.scalar);
        } else if (e.value.isMap()) {
            if (auto value = readVariableFromEnvironment(e.key, e.value, diag))
                env.variables.emplace_back(e.key, std::move(*value));
        } else {
            diag.error(e.value.pos, "variable " + quoted(e.key) + " must be a string, number, true/false or "
                                        "{env: VARIABLE, default: VALUE}, got " + e.value.describe());
        }
    }
}

void readSecrets(const DocNode& node, Diagnostics& diag, Environment& env)
{
    if (!expectMap(node, diag, "\"secrets\""))
        return;
    for (const auto& e : node.entries) {
        FieldReader r(e.value, diag, "secret " + quoted(e.key));
        if (!r.isMap())
            continue;
        SecretRef secret{e.key, SecretRef::Source::Env, {}, e.keyPos};
        const auto sources = r.present({"env", "file", "keyring"});
        if (sources.empty())
            diag.error(e.value.pos, "secret " + quoted(e.key)
                                        + " needs where to find it: {env: VARIABLE}, {file: PATH} or {keyring: ENTRY}");
        else if (sources.size() > 1)
            diag.error(sources[1].second->pos, "secret " + quoted(e.key) + " has one source; it already has "
                                                   + quoted(sources[0].first));
        else {
            const auto [key, value] = sources.front();
            secret.source = key == "env" ? SecretRef::Source::Env
                          : key == "file" ? SecretRef::Source::File
                                          : SecretRef::Source::Keyring;
            readString(*value, diag, key, secret.ref);
        }
        r.finish();
        if (std::any_of(env.variables.begin(), env.variables.end(), [&](const auto& v) { return v.first == e.key; }))
            diag.error(e.keyPos, quoted(e.key) + " is both a variable and a secret; rename one");
        env.secrets.push_back(std::move(secret));
    }
}

std::optional<Hop> readHop(const DocNode& node, Diagnostics& diag)
{
    FieldReader r(node, diag, "a hop");
    if (!r.isMap())
        return std::nullopt;
    Hop hop;
    hop.pos = node.pos;
    if (const DocNode* id = r.require("id"); id && readString(*id, diag, "id", hop.id) && !isIdentifier(hop.id))
        diag.error(id->pos, "hop id " + quoted(hop.id) + " must be lowercase letters, digits, '-' or '_'");
    if (const DocNode* kind = r.require("kind")) {
        std::string text;
        if (readString(*kind, diag, "kind", text)) {
            if (auto k = hopKindFromString(text)) {
                hop.kind = *k;
            } else {
                const auto& names = hopKindNames();
                std::string all;
                for (auto n : names)
                    all += (all.empty() ? "" : ", ") + std::string(n);
                diag.error(kind->pos, "unknown hop kind " + quoted(text) + "; expected one of " + all
                                          + didYouMean(text, {names.begin(), names.end()}));
            }
        }
    }
    r.string("title", hop.title);
    if (hop.title.empty())
        hop.title = hop.id;
    r.string("description", hop.description);
    if (r.get("next")) {
        std::vector<std::string> next;
        r.stringList("next", next);
        hop.next = std::move(next);
    }
    if (const DocNode* checks = r.get("checks")) {
        if (!checks->isSequence()) {
            diag.error(checks->pos, "\"checks\" must be a list of checks, got " + checks->describe());
        } else {
            std::map<std::string, int> names;
            for (const auto& item : checks->items) {
                auto check = readCheck(item, diag, CheckContext::Hop);
                if (!check)
                    continue;
                if (auto [it, fresh] = names.emplace(check->name, check->pos.line); !fresh && !check->name.empty())
                    diag.error(check->pos, "hop " + quoted(hop.id) + " already has a check named " + quoted(check->name)
                                               + " (line " + std::to_string(it->second) + ")");
                hop.checks.push_back(std::move(*check));
            }
        }
    }
    if (const DocNode* presets = r.get("presets"))
        expandPresets(*presets, diag, hop);
    r.finish();
    return hop;
}

// The position of a hop's i-th "next" entry, for pointing at a bad one.
SourcePos nextEntryPos(const DocNode& hopNode, std::size_t i)
{
    const DocNode* next = hopNode.find("next");
    if (next && next->isSequence() && i < next->items.size())
        return next->items[i].pos;
    return next ? next->pos : hopNode.pos;
}

void resolveGraph(Environment& env, const std::vector<const DocNode*>& hopNodes, Diagnostics& diag)
{
    std::vector<std::string> ids;
    for (const auto& h : env.hops)
        ids.push_back(h.id);
    for (std::size_t i = 0; i < env.hops.size(); ++i) {
        Hop& hop = env.hops[i];
        if (!hop.next) {
            if (i + 1 < env.hops.size())
                hop.downstream.push_back(env.hops[i + 1].id);
            continue;
        }
        for (std::size_t j = 0; j < hop.next->size(); ++j) {
            const std::string& target = (*hop.next)[j];
            if (std::find(ids.begin(), ids.end(), target) == ids.end())
                diag.error(nextEntryPos(*hopNodes[i], j), "\"next\" names " + quoted(target) + ", which is not a hop of "
                                                              + quoted(env.name) + didYouMean(target, ids));
            else if (std::find(hop.downstream.begin(), hop.downstream.end(), target) == hop.downstream.end())
                hop.downstream.push_back(target);
        }
    }

    // Depth-first search for a cycle; report it once, at the hop that closes it.
    std::map<std::string, int> state;  // 0 unvisited, 1 on the stack, 2 done
    std::vector<std::string> stack;
    bool reported = false;
    auto visit = [&](auto&& self, std::size_t index) -> void {
        const Hop& hop = env.hops[index];
        state[hop.id] = 1;
        stack.push_back(hop.id);
        for (const auto& next : hop.downstream) {
            const auto it = std::find(ids.begin(), ids.end(), next);
            const std::size_t nextIndex = std::size_t(it - ids.begin());
            if (state[next] == 1 && !reported) {
                std::string path;
                for (auto s = std::find(stack.begin(), stack.end(), next); s != stack.end(); ++s)
                    path += *s + " -> ";
                diag.error(hop.next ? hopNodes[index]->find("next")->pos : hop.pos,
                           "the hop graph has a cycle: " + path + next + "; requests travel one way");
                reported = true;
            } else if (state[next] == 0) {
                self(self, nextIndex);
            }
        }
        stack.pop_back();
        state[hop.id] = 2;
    };
    for (std::size_t i = 0; i < env.hops.size(); ++i) {
        if (state[env.hops[i].id] == 0)
            visit(visit, i);
    }

    // A hop nothing forwards to, other than the first, is probably a "next" typo.
    std::set<std::string> reached;
    for (const auto& h : env.hops)
        reached.insert(h.downstream.begin(), h.downstream.end());
    for (std::size_t i = 1; i < env.hops.size(); ++i) {
        if (!reached.contains(env.hops[i].id))
            diag.warning(env.hops[i].pos, "no hop forwards to " + quoted(env.hops[i].id)
                                              + "; only the first hop should be an entry point");
    }
}

void checkTemplates(const DocNode& envNode, const Environment& env, Diagnostics& diag)
{
    std::vector<std::string> defined = kBuiltinNames;
    for (const auto& v : env.variables)
        defined.push_back(v.first);
    for (const auto& s : env.secrets)
        defined.push_back(s.name);
    for (const auto& use : templateUses(envNode, diag)) {
        if (std::find(defined.begin(), defined.end(), use.name) == defined.end())
            diag.error(use.pos, "${" + use.name + "} is not a variable or secret of " + quoted(env.name)
                                    + didYouMean(use.name, defined));
    }
}

std::optional<Environment> readEnvironment(const DocNode& node, Diagnostics& diag)
{
    FieldReader r(node, diag, "an environment");
    if (!r.isMap())
        return std::nullopt;
    Environment env;
    env.pos = node.pos;
    env.file = diag.file();
    if (const DocNode* name = r.require("name"); name && readString(*name, diag, "name", env.name)
                                                 && !isEnvironmentName(env.name))
        diag.error(name->pos, "environment name " + quoted(env.name) + " must be letters, digits, '.', '-' or '_'");
    r.string("description", env.description);
    r.boolean("protected", env.isProtected);
    r.duration("interval", env.interval);
    if (const DocNode* vars = r.get("variables"))
        readVariables(*vars, diag, env);
    if (const DocNode* secrets = r.get("secrets"))
        readSecrets(*secrets, diag, env);

    std::vector<const DocNode*> hopNodes;
    if (const DocNode* hops = r.require("hops")) {
        if (!hops->isSequence() || hops->items.empty()) {
            diag.error(hops->pos, "\"hops\" must be a list of at least one hop, got " + hops->describe());
        } else {
            std::map<std::string, int> seen;
            for (const auto& item : hops->items) {
                auto hop = readHop(item, diag);
                if (!hop)
                    continue;
                if (hop->id.empty())
                    continue;
                if (auto [it, fresh] = seen.emplace(hop->id, hop->pos.line); !fresh) {
                    diag.error(item.find("id")->pos, "duplicate hop id " + quoted(hop->id) + " (first used at line "
                                                         + std::to_string(it->second) + ")");
                    continue;
                }
                hopNodes.push_back(&item);
                env.hops.push_back(std::move(*hop));
            }
        }
    }
    r.finish();
    resolveGraph(env, hopNodes, diag);
    checkTemplates(node, env, diag);
    return env;
}

} // namespace

std::vector<Environment> readEnvironmentFile(const DocNode& root, Diagnostics& diag)
{
    std::vector<Environment> result;
    FieldReader r(root, diag, "an environment file");
    r.allow({"$schema"});
    const DocNode* list = r.require("environments");
    r.finish();
    if (!list)
        return result;
    if (!list->isSequence() || list->items.empty()) {
        diag.error(list->pos, "\"environments\" must be a list of at least one environment, got " + list->describe());
        return result;
    }
    std::map<std::string, int> seen;
    for (const auto& item : list->items) {
        auto env = readEnvironment(item, diag);
        if (!env)
            continue;
        if (auto [it, fresh] = seen.emplace(env->name, env->pos.line); !fresh && !env->name.empty())
            diag.error(item.find("name")->pos, "environment " + quoted(env->name) + " is already defined at line "
                                                   + std::to_string(it->second));
        warnInlinePasswords(item, diag);
        result.push_back(std::move(*env));
    }
    return result;
}

} // namespace hopscope::detail
