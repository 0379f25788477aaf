#pragma once

#include "loader.h"

#include <string>
#include <vector>

namespace hopscope {

// The runbooks Hopscope knows: the bundled library and any directories the user adds.
// Files that fail to load keep their diagnostics, so a bad runbook is reported, not hidden.
class RunbookCatalog final {
public:
    // HOPSCOPE_RUNBOOK_PATH (':'-separated), the installed library beside the executable
    // (../share/hopscope/runbooks), and the source tree's runbooks/library; existing ones only.
    static std::vector<std::string> defaultSearchPath();

    // Loads every .yaml, .yml and .json file below dir. Returns how many files it read.
    int addDirectory(const std::string& dir);
    void addFile(const std::string& path);

    const std::vector<LoadedFile>& files() const { return m_files; }
    std::vector<std::string> ids() const;
    const Runbook* find(const std::string& id) const;
    std::vector<const Runbook*> forHopKind(HopKind kind) const;

private:
    std::vector<LoadedFile> m_files;
};

// The document files below a directory, sorted, so results do not depend on the filesystem's order.
std::vector<std::string> documentFilesIn(const std::string& dir);

} // namespace hopscope
