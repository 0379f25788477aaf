#pragma once

#include "docnode.h"
#include "environment.h"

#include <string>
#include <vector>

namespace hopscope {

// A provider preset: data, not code, that expands into command checks on a hop, so
// supporting another platform (ECS, ALB, Kubernetes ...) means adding a file.
struct PresetParam {
    std::string name;
    std::string defaultValue;
    bool required = true;  // false once a default is given
    std::string description;
};

struct ProviderPreset {
    std::string id;
    std::string title;
    std::string description;
    std::vector<HopKind> hopKinds;
    std::vector<PresetParam> params;
    DocNode checks;  // the check list as written; "${param}" is filled in per use
    std::string file;
    SourcePos pos;
};

// HOPSCOPE_PRESET_PATH (':'-separated), then the installed presets beside the executable
// (<bindir>/../share/hopscope/providers), then the source tree's resources/providers.
std::vector<std::string> presetSearchPath();

// SUBDIR of the installed data directory, found from the running executable as GNUInstallDirs
// lays it out (<bindir>/../share/hopscope/SUBDIR); empty before a QCoreApplication exists.
// It may not exist: a build tree has none.
std::string installedDataDirectory(const std::string& subdir);

// The directories of a ':'-separated list in an environment variable, in order, empty ones dropped.
std::vector<std::string> directoriesFromEnv(const char* variable);

} // namespace hopscope
