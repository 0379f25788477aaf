#include "runplan.h"

#include "fieldreader.h"
#include "templatestring.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <regex>

namespace hopscope {

namespace {

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

std::string upper(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return char(std::toupper(c)); });
    return text;
}

// The statement without comments and string literals, upper-cased: what the keywords are.
std::string skeleton(const std::string& sql)
{
    std::string out;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        if (sql.compare(i, 2, "--") == 0) {
            while (i < sql.size() && sql[i] != '\n')
                ++i;
            out += ' ';
        } else if (sql.compare(i, 2, "/*") == 0) {
            const std::size_t end = sql.find("*/", i + 2);
            i = end == std::string::npos ? sql.size() : end + 1;
            out += ' ';
        } else if (sql[i] == '\'') {
            for (++i; i < sql.size(); ++i) {
                if (sql[i] == '\'' && (i + 1 >= sql.size() || sql[i + 1] != '\''))
                    break;
                if (sql[i] == '\'')
                    ++i;
            }
            out += "''";
        } else {
            out += sql[i];
        }
    }
    return upper(out);
}

bool hasWord(const std::string& text, const char* pattern)
{
    return std::regex_search(text, std::regex(std::string("\\b(") + pattern + ")\\b"));
}

// A shell-like rendering of argv for people to read; what runs is the argv itself.
std::string displayArgv(const std::vector<std::string>& argv)
{
    std::string out;
    for (const auto& a : argv) {
        const bool plain = !a.empty() && std::all_of(a.begin(), a.end(), [](unsigned char c) {
            return std::isalnum(c) || std::string_view("-_./:=@,+%").find(char(c)) != std::string_view::npos;
        });
        std::string word = plain ? a : "'";
        if (!plain) {
            for (char c : a)
                word += c == '\'' ? std::string("'\\''") : std::string(1, c);
            word += "'";
        }
        out += (out.empty() ? "" : " ") + word;
    }
    return out;
}

std::string conditions(const Check& check)
{
    std::string out;
    for (const auto& c : check.expect)
        out += "\n  expect: " + c.text;
    return out;
}

std::string describeCheck(const Check& check)
{
    return std::visit(
        [&](const auto& probe) -> std::string {
            using T = std::decay_t<decltype(probe)>;
            if constexpr (std::is_same_v<T, DnsProbe>)
                return "dns " + probe.type + " " + probe.name + (probe.server.empty() ? "" : " @" + probe.server);
            else if constexpr (std::is_same_v<T, TcpProbe>)
                return "tcp " + probe.host + ":" + std::to_string(probe.port);
            else if constexpr (std::is_same_v<T, HttpProbe>) {
                std::string text = probe.method + " " + probe.url;
                for (const auto& [k, v] : probe.headers)
                    text += "\n" + k + ": " + v;
                if (!probe.body.empty())
                    text += "\n\n" + probe.body;
                return text;
            } else if constexpr (std::is_same_v<T, PostgresProbe>) {
                std::string text = "postgres " + probe.dsn;
                if (!probe.query.empty())
                    text += "\n" + probe.query;
                return text;
            } else {
                return displayArgv(probe.argv);
            }
        },
        check.probe) + conditions(check);
}

std::string escapeTemplate(const std::string& value)
{
    std::string out;
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value.compare(i, 2, "${") == 0)
            out += '$';
        out += value[i];
    }
    return out;
}

std::string joinedChoices(const std::vector<std::string>& choices)
{
    std::string out;
    for (const auto& c : choices)
        out += (out.empty() ? "" : ", ") + c;
    return out;
}

bool validNumber(const std::string& text)
{
    double value = 0;
    const char* end = text.data() + text.size();
    return !text.empty() && std::from_chars(text.data(), end, value).ptr == end;
}

// Resolves the run's parameter values: given, else the default rendered against the environment.
std::vector<ParamValue> resolveParams(const Runbook& runbook, const Environment& env, const ResolvedSecrets& secrets,
                                      const std::map<std::string, std::string>& given, QStringList& errors)
{
    std::vector<std::string> names;
    for (const auto& p : runbook.params)
        names.push_back(p.name);
    for (const auto& [name, value] : given) {
        if (std::find(names.begin(), names.end(), name) == names.end())
            errors << QStringLiteral("runbook %1 has no parameter \"%2\"%3")
                          .arg(q(runbook.id), q(name), q(didYouMean(name, names)));
    }
    std::vector<ParamValue> out;
    for (const auto& p : runbook.params) {
        ParamValue v{p.name, {}, p.type == RunbookParam::Type::Secret};
        if (const auto it = given.find(p.name); it != given.end()) {
            v.value = it->second;
        } else if (!p.defaultValue.empty()) {
            const RenderedText def = renderText(p.defaultValue, env, secrets);
            if (!def.error.empty()) {
                errors << QStringLiteral("parameter %1: its default %2 cannot be filled (%3); give --param %1=VALUE")
                              .arg(q(p.name), q(p.defaultValue), q(def.error));
                continue;
            }
            v.value = def.text;
            v.secret = v.secret || !def.secretValues.empty();
        }
        const QString shown = v.secret ? QStringLiteral("****") : q(v.value);
        if (p.required && v.value.empty())
            errors << QStringLiteral("parameter %1 is required; give --param %1=VALUE").arg(q(p.name));
        else if (p.type == RunbookParam::Type::Choice && std::find(p.choices.begin(), p.choices.end(), v.value) == p.choices.end())
            errors << QStringLiteral("parameter %1 must be one of %2, got \"%3\"")
                          .arg(q(p.name), QString::fromStdString(joinedChoices(p.choices)), shown);
        else if (p.type == RunbookParam::Type::Number && !v.value.empty() && !validNumber(v.value))
            errors << QStringLiteral("parameter %1 must be a number, got \"%2\"").arg(q(p.name), shown);
        else if (p.type == RunbookParam::Type::Boolean && !v.value.empty() && v.value != "true" && v.value != "false")
            errors << QStringLiteral("parameter %1 must be true or false, got \"%2\"").arg(q(p.name), shown);
        out.push_back(std::move(v));
    }
    return out;
}

class StepRenderer {
public:
    StepRenderer(const RunPlan& plan, const ResolvedSecrets& envSecrets) : m_env(plan.environment), m_secrets(envSecrets)
    {
        // Parameters come first and win over environment names; their values are literal text.
        KeyValues variables;
        for (const auto& p : plan.params) {
            m_paramNames.push_back(p.name);
            m_secrets.errors.erase(p.name);
            if (p.secret) {
                m_secrets.values[p.name] = p.value;
                m_secretParams.push_back(p.name);
            } else {
                m_secrets.values.erase(p.name);
                variables.emplace_back(p.name, escapeTemplate(p.value));
            }
        }
        variables.insert(variables.end(), m_env.variables.begin(), m_env.variables.end());
        m_env.variables = std::move(variables);
    }

    std::string text(const std::string& in, QStringList& errors, std::vector<std::string>& used)
    {
        const RenderedText r = renderText(in, m_env, m_secrets);
        if (!r.error.empty())
            errors << q(r.error);
        used.insert(used.end(), r.secretValues.begin(), r.secretValues.end());
        return r.text;
    }

    Check check(const Check& in, QStringList& errors, std::vector<std::string>& used)
    {
        RenderedCheck r = renderCheck(in, m_env, m_secrets);
        if (!r.error.empty())
            errors << q(r.error);
        used.insert(used.end(), r.secretValues.begin(), r.secretValues.end());
        return std::move(r.check);
    }

    // A value pasted into SQL text is an injection waiting to happen: parameters and secrets
    // must be bound ($1), only the environment's own names may shape the statement.
    void refuseSplicedValues(const std::string& statement, QStringList& errors) const
    {
        for (const auto& ref : scanTemplate(statement).refs) {
            const bool param = std::find(m_paramNames.begin(), m_paramNames.end(), ref.name) != m_paramNames.end();
            if (param || m_secrets.values.contains(ref.name) || m_secrets.errors.contains(ref.name))
                errors << QStringLiteral("the statement pastes ${%1} into its text; put it in \"params\" and write $N instead")
                              .arg(q(ref.name));
        }
    }

private:
    Environment m_env;
    ResolvedSecrets m_secrets;
    std::vector<std::string> m_paramNames;
    std::vector<std::string> m_secretParams;
};

void addStep(RunPlan& plan, StepRenderer& renderer, const Step& source, int parent, const QString& number,
             QStringList& errors)
{
    const int index = int(plan.steps.size());
    plan.steps.emplace_back();
    std::vector<std::string>& used = plan.secretValues;
    QStringList stepErrors;
    PlanStep ps;
    ps.index = index;
    ps.parent = parent;
    ps.number = number;
    ps.step = source;
    ps.step.onFailure.clear();
    ps.title = q(renderer.text(source.title, stepErrors, used));
    ps.confirmText = q(renderer.text(source.confirm, stepErrors, used));
    ps.preview.kind = q(std::string(toString(source.kind)));
    Step& s = ps.step;
    std::string rendered;
    switch (source.kind) {
    case Step::Kind::Manual:
        ps.text = q(renderer.text(source.text, stepErrors, used));
        rendered = ps.text.toStdString();
        break;
    case Step::Kind::Tour:
        ps.text = q(renderer.text(source.tour.text, stepErrors, used));
        s.tour.hop = renderer.text(source.tour.hop, stepErrors, used);
        rendered = "hop " + s.tour.hop + "\n" + ps.text.toStdString();
        break;
    case Step::Kind::Check:
    case Step::Kind::Http:
        s.check = renderer.check(source.check, stepErrors, used);
        rendered = describeCheck(s.check);
        if (source.kind == Step::Kind::Http) {
            const std::string method = upper(std::get<HttpProbe>(s.check.probe).method);
            ps.preview.changes = method != "GET" && method != "HEAD";
        }
        break;
    case Step::Kind::Command: {
        s.check = renderer.check(source.check, stepErrors, used);
        const auto& cmd = std::get<CommandProbe>(s.check.probe);
        rendered = displayArgv(cmd.argv);
        for (const auto& [k, v] : cmd.environment)
            rendered = k + "=" + displayArgv({v}) + " " + rendered;
        ps.preview.changes = true;
        // Without a working directory of its own a command runs where Hopscope was started.
        ps.preview.note = (cmd.workingDirectory.empty() ? QStringLiteral("runs without a shell")
                                                        : QStringLiteral("runs in %1, without a shell").arg(q(cmd.workingDirectory)))
                        + QStringLiteral("; succeeds on exit status %1").arg(source.expectExit);
        break;
    }
    case Step::Kind::Sql: {
        renderer.refuseSplicedValues(source.sql.statement, stepErrors);
        s.sql.dsn = renderer.text(source.sql.dsn, stepErrors, used);
        s.sql.statement = renderer.text(source.sql.statement, stepErrors, used);
        s.sql.params.clear();
        for (const auto& p : source.sql.params)
            s.sql.params.push_back(renderer.text(p, stepErrors, used));
        ps.sql = classifySql(s.sql.statement);
        ps.preview.changes = ps.sql.changes();
        rendered = "-- on " + s.sql.dsn + "\n" + s.sql.statement;
        for (std::size_t i = 0; i < s.sql.params.size(); ++i)
            rendered += "\n-- $" + std::to_string(i + 1) + " = " + nlohmann::json(s.sql.params[i]).dump();
        if (!s.sql.transaction)
            ps.preview.note = QStringLiteral("runs outside a transaction (as CONCURRENTLY needs): it cannot be "
                                             "previewed or rolled back, and a failure may leave work half done");
        else if (ps.sql.kind == SqlShape::Kind::SideEffects)
            ps.preview.note = QStringLiteral("calls a function whose effect a rollback cannot undo: the preview is "
                                             "its plan, not a trial run");
        else if (!ps.sql.changes())
            ps.preview.note = QStringLiteral("read-only: runs in a READ ONLY transaction");
        else
            ps.preview.note = QStringLiteral("runs in a transaction, committed only if it succeeds");
        break;
    }
    case Step::Kind::Wait: {
        s.wait.check = renderer.check(source.wait.check, stepErrors, used);
        rendered = "every " + humanDuration(source.wait.every) + " for up to " + humanDuration(source.wait.timeout)
                 + ": " + describeCheck(s.wait.check);
        break;
    }
    }
    ps.preview.rendered = q(rendered);
    for (const QString& e : std::as_const(stepErrors))
        errors << QStringLiteral("step %1 (%2): %3").arg(number, q(source.title), e);
    plan.steps[std::size_t(index)] = std::move(ps);
    for (std::size_t i = 0; i < source.onFailure.size(); ++i) {
        plan.steps[std::size_t(index)].onFailure.push_back(int(plan.steps.size()));
        addStep(plan, renderer, source.onFailure[i], index, number + QLatin1Char('.') + QString::number(i + 1), errors);
    }
}

} // namespace

SqlShape classifySql(const std::string& statement)
{
    const std::string text = skeleton(statement);
    // Effects outside the transaction: a rolled-back trial run would still have done them.
    static const char* sideEffects =
        "PG_TERMINATE_BACKEND|PG_CANCEL_BACKEND|PG_RELOAD_CONF|PG_ROTATE_LOGFILE|PG_SWITCH_WAL|PG_PROMOTE|"
        "PG_CREATE_\\w*SLOT|PG_DROP_REPLICATION_SLOT|NEXTVAL|SETVAL|PG_ADVISORY_\\w+|DBLINK\\w*|LO_\\w+|"
        "PG_FILE_WRITE|PG_STAT_RESET\\w*|PG_LOG_BACKEND_MEMORY_CONTEXTS|SET_CONFIG|PG_NOTIFY|NOTIFY";
    std::smatch first;
    std::regex_search(text, first, std::regex("[A-Z]+"));
    const std::string verb = first.empty() ? std::string() : first.str();
    const bool writes = hasWord(text, "INSERT|UPDATE|DELETE|MERGE|INTO|ANALYZE|FOR UPDATE|FOR SHARE|FOR NO KEY UPDATE");
    SqlShape shape;
    if (verb == "SELECT" || verb == "WITH" || verb == "VALUES" || verb == "TABLE" || verb == "SHOW" || verb == "EXPLAIN") {
        if (hasWord(text, sideEffects))
            shape.kind = SqlShape::Kind::SideEffects;
        else if (!writes)
            shape.kind = SqlShape::Kind::Query;
        else
            shape.kind = verb == "EXPLAIN" ? SqlShape::Kind::Schema : SqlShape::Kind::Rows;
    } else if (verb == "INSERT" || verb == "UPDATE" || verb == "DELETE" || verb == "MERGE") {
        shape.kind = hasWord(text, sideEffects) ? SqlShape::Kind::SideEffects : SqlShape::Kind::Rows;
    } else {
        shape.kind = hasWord(text, sideEffects) ? SqlShape::Kind::SideEffects : SqlShape::Kind::Schema;
    }
    return shape;
}

QString RunPlan::mask(const QString& text) const
{
    return secretValues.empty() ? text : q(maskSecrets(text.toStdString(), secretValues));
}

std::string RunPlan::mask(const std::string& text) const
{
    return maskSecrets(text, secretValues);
}

std::string RunPlan::paramsJson() const
{
    nlohmann::json out = nlohmann::json::object();
    for (const auto& p : params)
        out[p.name] = p.secret ? std::string("****") : mask(p.value);
    return out.dump();
}

bool RunPlan::needsConsent() const
{
    return std::any_of(steps.begin(), steps.end(),
                       [](const PlanStep& s) { return s.preview.changes || s.step.kind == Step::Kind::Manual; });
}

PlanResult makePlan(const Runbook& runbook, const Environment& environment, const std::map<std::string, std::string>& given)
{
    PlanResult result;
    RunPlan plan;
    plan.runbook = runbook;
    plan.environment = environment;
    const ResolvedSecrets secrets = resolveSecrets(environment);
    plan.params = resolveParams(runbook, environment, secrets, given, result.errors);
    // Every secret the environment has, used or not: a command may print one it found itself.
    for (const auto& [name, value] : secrets.values)
        plan.secretValues.push_back(value);
    for (const auto& p : plan.params) {
        if (p.secret)
            plan.secretValues.push_back(p.value);
    }
    StepRenderer renderer(plan, secrets);
    for (std::size_t i = 0; i < runbook.steps.size(); ++i) {
        plan.topLevel.push_back(int(plan.steps.size()));
        addStep(plan, renderer, runbook.steps[i], -1, QString::number(i + 1), result.errors);
    }
    // Longest first, so a secret that contains another is masked whole.
    std::sort(plan.secretValues.begin(), plan.secretValues.end(),
              [](const auto& a, const auto& b) { return a.size() > b.size(); });
    plan.secretValues.erase(std::unique(plan.secretValues.begin(), plan.secretValues.end()), plan.secretValues.end());
    std::erase_if(plan.secretValues, [](const std::string& s) { return s.empty(); });
    for (auto& step : plan.steps) {
        step.preview.rendered = plan.mask(step.preview.rendered);
        step.title = plan.mask(step.title);
        step.text = plan.mask(step.text);
        step.confirmText = plan.mask(step.confirmText);
    }
    result.errors.removeDuplicates();
    if (result.errors.isEmpty())
        result.plan = std::move(plan);
    return result;
}

} // namespace hopscope
