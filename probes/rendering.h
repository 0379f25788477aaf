#pragma once

#include "checkresult.h"
#include "environment.h"

#include <map>
#include <string>
#include <vector>

namespace hopscope {

// The environment's secrets, looked up where the file says they live. A secret that cannot
// be had keeps the reason, so only the checks that use it fail, saying why.
struct ResolvedSecrets {
    std::map<std::string, std::string> values;
    std::map<std::string, std::string> errors;
};
ResolvedSecrets resolveSecrets(const Environment& env);

// A check with every "${name}" replaced and relative paths made absolute against the
// environment file's directory. `error` names a secret or variable that could not be had.
struct RenderedCheck {
    Check check;
    std::string error;
    std::vector<std::string> secretValues;  // to mask in whatever the probe reports
};
RenderedCheck renderCheck(const Check& check, const Environment& env, const ResolvedSecrets& secrets);

// One string rendered the same way, for the parts of a runbook step that are not a check
// (a SQL statement, a confirmation text).
struct RenderedText {
    std::string text;
    std::string error;
    std::vector<std::string> secretValues;
};
RenderedText renderText(const std::string& text, const Environment& env, const ResolvedSecrets& secrets);

// Replaces every secret value in the text with "****".
std::string maskSecrets(std::string text, const std::vector<std::string>& secretValues);
void maskSecrets(CheckResult& result, const std::vector<std::string>& secretValues);

} // namespace hopscope
