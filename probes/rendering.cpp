#include "rendering.h"

#include "templatestring.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

namespace hopscope {

namespace fs = std::filesystem;

namespace {

std::string expandHome(const std::string& path)
{
    if (path.starts_with("~/")) {
        if (const char* home = std::getenv("HOME"))
            return std::string(home) + path.substr(1);
    }
    return path;
}

// A .pgpass-style file (host:port:database:user:password) gives the password of its first
// entry; any other file gives its first line. Colons and backslashes may be escaped.
std::optional<std::string> readSecretFile(const std::string& path, std::string& error)
{
    std::ifstream in(expandHome(path));
    if (!in) {
        error = "cannot read secret file " + path;
        return std::nullopt;
    }
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#')
            continue;
        std::vector<std::string> fields(1);
        for (std::size_t i = 0; i < line.size(); ++i) {
            if (line[i] == '\\' && i + 1 < line.size())
                fields.back() += line[++i];
            else if (line[i] == ':')
                fields.emplace_back();
            else
                fields.back() += line[i];
        }
        return fields.size() == 5 ? fields[4] : line;
    }
    error = "secret file " + path + " is empty";
    return std::nullopt;
}

template<typename Fn>
void forEachString(Check& check, Fn&& fn)
{
    std::visit(
        [&](auto& probe) {
            using T = std::decay_t<decltype(probe)>;
            if constexpr (std::is_same_v<T, DnsProbe>) {
                fn(probe.name);
                fn(probe.server);
                for (auto& a : probe.expectAddresses)
                    fn(a);
            } else if constexpr (std::is_same_v<T, TcpProbe>) {
                fn(probe.host);
                fn(probe.portTemplate);
            } else if constexpr (std::is_same_v<T, HttpProbe>) {
                fn(probe.url);
                fn(probe.body);
                for (auto& [k, v] : probe.headers)
                    fn(v);
            } else if constexpr (std::is_same_v<T, PostgresProbe>) {
                fn(probe.dsn);
                fn(probe.query);
                fn(probe.sameDatabaseAs);
                fn(probe.migrations.expected);
                for (auto& t : probe.requiredTables)
                    fn(t);
            } else if constexpr (std::is_same_v<T, CommandProbe>) {
                for (auto& a : probe.argv)
                    fn(a);
                for (auto& [k, v] : probe.environment)
                    fn(v);
                fn(probe.workingDirectory);
            }
        },
        check.probe);
}

// Paths in a file are relative to that file, not to wherever the app was started.
void absolutePaths(Check& check, const fs::path& base)
{
    auto fix = [&](std::string& p) {
        p = expandHome(p);
        if (fs::path(p).is_relative())
            p = (base / p).lexically_normal().string();
    };
    if (auto* pg = std::get_if<PostgresProbe>(&check.probe); pg && !pg->migrations.expectedFrom.empty())
        fix(pg->migrations.expectedFrom);
    // A command runs in the file's directory unless it says otherwise, so "./labctl" means
    // the labctl beside the file, as it would in a shell started there.
    if (auto* cmd = std::get_if<CommandProbe>(&check.probe))
        fix(cmd->workingDirectory);
    if (auto* http = std::get_if<HttpProbe>(&check.probe)) {
        for (auto* p : {&http->caFile, &http->clientCert, &http->clientKey}) {
            if (!p->empty())
                fix(*p);
        }
    }
}

} // namespace

ResolvedSecrets resolveSecrets(const Environment& env)
{
    ResolvedSecrets out;
    for (const SecretRef& s : env.secrets) {
        std::string error;
        switch (s.source) {
        case SecretRef::Source::Env:
            if (const char* value = std::getenv(s.ref.c_str()))
                out.values[s.name] = value;
            else
                out.errors[s.name] = "secret " + s.name + ": environment variable " + s.ref + " is not set";
            break;
        case SecretRef::Source::File:
            if (auto value = readSecretFile(s.ref, error))
                out.values[s.name] = *value;
            else
                out.errors[s.name] = "secret " + s.name + ": " + error;
            break;
        case SecretRef::Source::Keyring:
            out.errors[s.name] = "secret " + s.name + ": the desktop keyring is not supported yet; use {env: ...} or {file: ...}";
            break;
        }
    }
    return out;
}

namespace {

// Looks names up as a check or a runbook step sees them: ${env}, the environment's secrets,
// then its variables. Variables may use other variables and secrets
// ("postgresql://app:${db_password}@db/app"), so lookups render recursively; the depth bound
// stops a variable that names itself. The first failure is kept in `error`.
class Lookup {
public:
    Lookup(const Environment& env, const ResolvedSecrets& secrets) : m_env(env), m_secrets(secrets) {}

    std::string render(const std::string& text)
    {
        if (text.find("${") == std::string::npos)
            return text;
        return renderTemplate(text, [&](const std::string& n) { return find(n, 0); });
    }
    std::vector<std::string> secretValues() const
    {
        std::vector<std::string> out;
        for (const auto& name : m_usedSecrets)
            out.push_back(m_secrets.values.at(name));
        return out;
    }
    std::string error;

private:
    std::optional<std::string> find(const std::string& name, int depth)
    {
        if (depth > 8)
            return std::nullopt;
        if (name == "env")
            return m_env.name;
        if (auto it = m_secrets.values.find(name); it != m_secrets.values.end()) {
            m_usedSecrets.insert(name);
            return it->second;
        }
        if (auto it = m_secrets.errors.find(name); it != m_secrets.errors.end()) {
            if (error.empty())
                error = it->second;
            return std::nullopt;
        }
        for (const auto& [key, value] : m_env.variables) {
            if (key == name)
                return renderTemplate(value, [&](const std::string& n) { return find(n, depth + 1); });
        }
        if (error.empty())
            error = "${" + name + "} is not defined in " + m_env.name;
        return std::nullopt;
    }

    const Environment& m_env;
    const ResolvedSecrets& m_secrets;
    std::set<std::string> m_usedSecrets;
};

} // namespace

RenderedCheck renderCheck(const Check& check, const Environment& env, const ResolvedSecrets& secrets)
{
    RenderedCheck out{check, {}, {}};
    Lookup lookup(env, secrets);
    forEachString(out.check, [&](std::string& s) { s = lookup.render(s); });
    out.error = lookup.error;
    if (auto* tcp = std::get_if<TcpProbe>(&out.check.probe); tcp && !tcp->portTemplate.empty() && out.error.empty()) {
        const std::string& text = tcp->portTemplate;
        int port = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
        if (ec != std::errc() || end != text.data() + text.size() || port < 1 || port > 65535)
            out.error = "the port \"" + text + "\" is not a number from 1 to 65535";
        else
            tcp->port = port;
    }
    if (!env.file.empty())
        absolutePaths(out.check, fs::path(env.file).parent_path());
    out.secretValues = lookup.secretValues();
    return out;
}

RenderedText renderText(const std::string& text, const Environment& env, const ResolvedSecrets& secrets)
{
    Lookup lookup(env, secrets);
    RenderedText out;
    out.text = lookup.render(text);
    out.error = lookup.error;
    out.secretValues = lookup.secretValues();
    return out;
}

std::string maskSecrets(std::string text, const std::vector<std::string>& secretValues)
{
    for (const auto& secret : secretValues) {
        if (secret.empty())
            continue;
        for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 4))
            text.replace(at, secret.size(), "****");
    }
    return text;
}

void maskSecrets(CheckResult& result, const std::vector<std::string>& secretValues)
{
    if (secretValues.empty())
        return;
    result.message = maskSecrets(result.message, secretValues);
    result.figure = maskSecrets(result.figure, secretValues);
    // Observed values can echo anything (a body, stdout, an error): mask the whole tree as text.
    result.observed = nlohmann::json::parse(maskSecrets(result.observed.dump(), secretValues), nullptr, false);
    if (result.observed.is_discarded())
        result.observed = nlohmann::json::object();
}

} // namespace hopscope
