#pragma once

#include "diagnostic.h"
#include "docnode.h"
#include "environment.h"
#include "preset.h"
#include "runbook.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hopscope {

// What one file held. A file with errors still returns whatever parts of it were sound,
// so one bad hop never hides the good ones.
struct LoadedFile {
    enum class Type { Unknown, Environments, Runbook, Preset };
    std::string path;
    Type type = Type::Unknown;
    std::vector<Environment> environments;
    std::optional<Runbook> runbook;
    std::optional<ProviderPreset> preset;
    std::vector<Diagnostic> diagnostics;

    bool hasErrors() const;
};

LoadedFile loadFile(const std::string& path, const DocLimits& limits = {});
LoadedFile loadText(std::string_view text, const std::string& displayName, DocFormat format,
                    const DocLimits& limits = {});

// Checks that span files: a remedy naming a runbook that is not loaded, an environment
// name used twice, a tour naming a hop no environment has. Adds to each file's diagnostics.
void crossCheck(std::vector<LoadedFile>& files, const std::vector<std::string>& knownRunbookIds = {});

} // namespace hopscope
