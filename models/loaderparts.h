#pragma once

// Internal to the loaders: the readers shared by environment and runbook files.

#include "docnode.h"
#include "environment.h"
#include "preset.h"
#include "runbook.h"

#include <optional>
#include <string>
#include <vector>

namespace hopscope::detail {

enum class CheckContext { Hop, Step };

// A check map: one probe key plus expect/warn/remedy/timeout. In a step, "name" is optional.
std::optional<Check> readCheck(const DocNode& node, Diagnostics& diag, CheckContext context);

// The probes, each a map of its own (or an argv list, for commands).
bool readCommandProbe(const DocNode& node, Diagnostics& diag, CommandProbe& out,
                      std::optional<std::chrono::milliseconds>& timeout);
bool readHttpProbe(const DocNode& node, Diagnostics& diag, bool https, HttpProbe& out,
                   std::optional<std::chrono::milliseconds>& timeout);

// A list of condition strings (or one string); parse errors point into the string.
void readConditions(const DocNode& node, Diagnostics& diag, std::string_view field, std::vector<Condition>& out);
// Warns about conditions that read values this kind of check never observes.
void checkObservedNames(const Check& check, Diagnostics& diag);

std::vector<Environment> readEnvironmentFile(const DocNode& root, Diagnostics& diag);
std::optional<Runbook> readRunbookFile(const DocNode& root, Diagnostics& diag);
std::optional<ProviderPreset> readPresetFile(const DocNode& root, Diagnostics& diag);
// Appends the checks of each preset a hop uses, with the use's parameters filled in.
void expandPresets(const DocNode& list, Diagnostics& diag, Hop& hop);

// Every "${name}" in the scalars below `node`, with the position of each.
struct TemplateUse {
    std::string name;
    SourcePos pos;
};
std::vector<TemplateUse> templateUses(const DocNode& node, Diagnostics& diag);

// Warns about passwords written into DSNs instead of coming from secrets.
void warnInlinePasswords(const DocNode& node, Diagnostics& diag);

} // namespace hopscope::detail
