// Reads runbook files: parameters and steps of every kind.
#include "fieldreader.h"
#include "loaderparts.h"

#include <algorithm>
#include <charconv>
#include <map>

namespace hopscope::detail {

namespace {

constexpr int kMaxOnFailureDepth = 4;

std::optional<RunbookParam> readParam(const DocNode& node, Diagnostics& diag)
{
    FieldReader r(node, diag, "a parameter");
    if (!r.isMap())
        return std::nullopt;
    RunbookParam p;
    p.pos = node.pos;
    if (const DocNode* name = r.require("name"); name && readString(*name, diag, "name", p.name) && !isIdentifier(p.name))
        diag.error(name->pos, "parameter name " + quoted(p.name) + " must be lowercase letters, digits, '-' or '_'");
    if (const DocNode* type = r.get("type")) {
        static const std::vector<std::string> types{"string", "choice", "number", "boolean", "secret"};
        std::string text;
        if (readString(*type, diag, "type", text)) {
            const auto it = std::find(types.begin(), types.end(), text);
            if (it == types.end())
                diag.error(type->pos, "unknown parameter type " + quoted(text)
                                          + "; expected string, choice, number, boolean or secret" + didYouMean(text, types));
            else
                p.type = RunbookParam::Type(it - types.begin());
        }
    }
    r.string("description", p.description);
    r.boolean("required", p.required);
    const DocNode* choices = r.get("choices");
    if (choices)
        readStringList(*choices, diag, "choices", p.choices);
    if (p.type == RunbookParam::Type::Choice && p.choices.empty())
        diag.error(choices ? choices->pos : node.pos, "a choice parameter needs \"choices\": the values to pick from");
    if (const DocNode* def = r.get("default"); def && readString(*def, diag, "default", p.defaultValue)) {
        const bool templated = p.defaultValue.find("${") != std::string::npos;
        if (p.type == RunbookParam::Type::Choice && !templated
            && std::find(p.choices.begin(), p.choices.end(), p.defaultValue) == p.choices.end())
            diag.error(def->pos, "the default " + quoted(p.defaultValue) + " is not one of the choices" + didYouMean(p.defaultValue, p.choices));
        if (p.type == RunbookParam::Type::Boolean && !templated && p.defaultValue != "true" && p.defaultValue != "false")
            diag.error(def->pos, "a boolean parameter's default must be true or false");
        if (p.type == RunbookParam::Type::Number && !templated) {
            double value = 0;
            const char* end = p.defaultValue.data() + p.defaultValue.size();
            if (std::from_chars(p.defaultValue.data(), end, value).ptr != end || p.defaultValue.empty())
                diag.error(def->pos, "a number parameter's default must be a number, got " + quoted(p.defaultValue));
        }
        if (p.type == RunbookParam::Type::Secret && !templated)
            diag.warning(def->pos, "a secret parameter's default is written in the file; take it from a secret (\"${name}\")");
    }
    r.finish();
    return p;
}

bool readSql(const DocNode& node, Diagnostics& diag, SqlStep& out)
{
    FieldReader r(node, diag, "the sql step");
    if (!r.isMap())
        return false;
    r.string("dsn", out.dsn, true);
    r.string("statement", out.statement, true);
    r.stringList("params", out.params);
    r.boolean("transaction", out.transaction);
    std::string upper = out.statement;
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return char(std::toupper(c)); });
    if (out.transaction && upper.find("CONCURRENTLY") != std::string::npos)
        diag.error(r.get("statement")->pos, "CONCURRENTLY cannot run inside a transaction; add \"transaction: false\"");
    r.finish();
    return true;
}

std::optional<Step> readStep(const DocNode& node, Diagnostics& diag, int depth);

void readSteps(const DocNode& node, Diagnostics& diag, std::string_view field, std::vector<Step>& out, int depth)
{
    if (!node.isSequence() || node.items.empty()) {
        diag.error(node.pos, quoted(field) + " must be a list of at least one step, got " + node.describe());
        return;
    }
    for (const auto& item : node.items) {
        if (auto step = readStep(item, diag, depth))
            out.push_back(std::move(*step));
    }
}

std::optional<Step> readStep(const DocNode& node, Diagnostics& diag, int depth)
{
    FieldReader r(node, diag, "a step");
    if (!r.isMap())
        return std::nullopt;
    Step step;
    step.pos = node.pos;
    r.string("title", step.title, true);
    r.string("description", step.description);
    r.string("confirm", step.confirm);
    r.duration("timeout", step.timeout);
    r.boolean("continue_on_fail", step.continueOnFail);

    const auto kinds = r.present({"manual", "check", "command", "sql", "http", "wait", "tour"});
    if (kinds.empty())
        diag.error(node.pos, "a step needs one action: manual, check, command, sql, http, wait or tour");
    else if (kinds.size() > 1)
        diag.error(kinds[1].second->pos, "a step does one thing, and this one already has " + quoted(kinds[0].first)
                                             + " (line " + std::to_string(kinds[0].second->pos.line)
                                             + "): make this a step of its own");
    const DocNode* expect = r.get("expect");
    const DocNode* expectExit = r.get("expect_exit");
    if (!kinds.empty()) {
        const auto [key, value] = kinds.front();
        if (key == "manual") {
            step.kind = Step::Kind::Manual;
            readString(*value, diag, key, step.text);
        } else if (key == "check") {
            step.kind = Step::Kind::Check;
            if (auto check = readCheck(*value, diag, CheckContext::Step))
                step.check = std::move(*check);
        } else if (key == "command") {
            step.kind = Step::Kind::Command;
            step.check.kind = CheckKind::Command;
            step.check.probe = CommandProbe{};
            std::optional<std::chrono::milliseconds> timeout;
            readCommandProbe(*value, diag, std::get<CommandProbe>(step.check.probe), timeout);
            if (timeout)
                step.timeout = timeout;
            long code = 0;
            if (expectExit && readInt(*expectExit, diag, "expect_exit", 0, 255, code))
                step.expectExit = int(code);
        } else if (key == "sql") {
            step.kind = Step::Kind::Sql;
            readSql(*value, diag, step.sql);
        } else if (key == "http") {
            step.kind = Step::Kind::Http;
            step.check.kind = CheckKind::Http;
            step.check.probe = HttpProbe{};
            readHttpProbe(*value, diag, false, std::get<HttpProbe>(step.check.probe), step.check.timeout);
            if (expect)
                readConditions(*expect, diag, "expect", step.check.expect);
            checkObservedNames(step.check, diag);
        } else if (key == "wait") {
            step.kind = Step::Kind::Wait;
            FieldReader w(*value, diag, "the wait step");
            if (w.isMap()) {
                if (const DocNode* check = w.require("check")) {
                    if (auto c = readCheck(*check, diag, CheckContext::Step))
                        step.wait.check = std::move(*c);
                }
                w.duration("every", step.wait.every);
                w.duration("timeout", step.wait.timeout);
                if (step.wait.every > step.wait.timeout)
                    diag.warning(value->pos, "the wait polls less often than its timeout: it will check once");
                w.finish();
            }
        } else {
            step.kind = Step::Kind::Tour;
            FieldReader t(*value, diag, "the tour step");
            if (t.isMap()) {
                t.string("hop", step.tour.hop, true);
                t.string("text", step.tour.text, true);
                t.finish();
            }
        }
    }
    if (expect && step.kind != Step::Kind::Http)
        diag.error(expect->pos, "\"expect\" belongs inside the check of a " + std::string(toString(step.kind))
                                    + " step; at step level it is only for http steps");
    if (expectExit && step.kind != Step::Kind::Command)
        diag.error(expectExit->pos, "\"expect_exit\" is only for command steps");
    if (const DocNode* onFailure = r.get("on_failure")) {
        if (depth >= kMaxOnFailureDepth)
            diag.error(onFailure->pos, "on_failure steps nest too deep; keep rollbacks flat");
        else
            readSteps(*onFailure, diag, "on_failure", step.onFailure, depth + 1);
    }
    r.finish();
    return step;
}

} // namespace

std::optional<Runbook> readRunbookFile(const DocNode& root, Diagnostics& diag)
{
    FieldReader top(root, diag, "a runbook file");
    top.allow({"$schema"});
    const DocNode* node = top.require("runbook");
    top.finish();
    if (!node)
        return std::nullopt;
    FieldReader r(*node, diag, "the runbook");
    if (!r.isMap())
        return std::nullopt;
    Runbook rb;
    rb.pos = node->pos;
    rb.file = diag.file();
    if (const DocNode* id = r.require("id"); id && readString(*id, diag, "id", rb.id) && !isIdentifier(rb.id))
        diag.error(id->pos, "runbook id " + quoted(rb.id) + " must be lowercase letters, digits, '-' or '_'");
    r.string("title", rb.title, true);
    r.string("description", rb.description);
    r.string("version", rb.version);
    if (const DocNode* applies = r.get("applies_to")) {
        std::vector<std::string> kinds;
        if (readStringList(*applies, diag, "applies_to", kinds)) {
            const auto& names = hopKindNames();
            for (std::size_t i = 0; i < kinds.size(); ++i) {
                if (auto k = hopKindFromString(kinds[i]))
                    rb.appliesTo.push_back(*k);
                else
                    diag.error(applies->items[i].pos, "unknown hop kind " + quoted(kinds[i])
                                                          + didYouMean(kinds[i], {names.begin(), names.end()}));
            }
        }
    }
    if (const DocNode* params = r.get("params")) {
        if (!params->isSequence()) {
            diag.error(params->pos, "\"params\" must be a list of parameters, got " + params->describe());
        } else {
            std::map<std::string, int> seen;
            for (const auto& item : params->items) {
                auto p = readParam(item, diag);
                if (!p)
                    continue;
                if (auto [it, fresh] = seen.emplace(p->name, p->pos.line); !fresh)
                    diag.error(p->pos, "parameter " + quoted(p->name) + " is already defined at line " + std::to_string(it->second));
                else
                    rb.params.push_back(std::move(*p));
            }
        }
    }
    if (const DocNode* steps = r.require("steps"))
        readSteps(*steps, diag, "steps", rb.steps, 0);
    r.finish();

    // Names that are not parameters come from the environment the runbook runs against;
    // crossCheck() compares them with the environments that are loaded.
    for (const auto& use : templateUses(*node, diag)) {
        const bool isParam = std::any_of(rb.params.begin(), rb.params.end(), [&](const auto& p) { return p.name == use.name; });
        if (!isParam && use.name != "env")
            rb.environmentRefs.emplace_back(use.name, use.pos);
    }
    warnInlinePasswords(*node, diag);
    return rb;
}

} // namespace hopscope::detail
