#include "runbookcatalog.h"

#include "preset.h"

#include <algorithm>
#include <filesystem>

namespace hopscope {

namespace fs = std::filesystem;

std::vector<std::string> documentFilesIn(const std::string& dir)
{
    std::vector<std::string> out;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
        if (!it->is_regular_file(ec))
            continue;
        const std::string ext = it->path().extension().string();
        if (ext == ".yaml" || ext == ".yml" || ext == ".json")
            out.push_back(it->path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> RunbookCatalog::defaultSearchPath()
{
    std::vector<std::string> candidates = directoriesFromEnv("HOPSCOPE_RUNBOOK_PATH");
    if (std::string installed = installedDataDirectory("runbooks"); !installed.empty())
        candidates.push_back(std::move(installed));
    candidates.push_back(std::string(HOPSCOPE_SOURCE_DIR) + "/runbooks/library");

    std::vector<std::string> existing;
    std::error_code ec;
    for (const auto& dir : candidates) {
        if (fs::is_directory(dir, ec) && std::find(existing.begin(), existing.end(), dir) == existing.end())
            existing.push_back(dir);
    }
    return existing;
}

int RunbookCatalog::addDirectory(const std::string& dir)
{
    const auto files = documentFilesIn(dir);
    for (const auto& path : files)
        addFile(path);
    return int(files.size());
}

void RunbookCatalog::addFile(const std::string& path)
{
    m_files.push_back(loadFile(path));
}

std::vector<std::string> RunbookCatalog::ids() const
{
    std::vector<std::string> out;
    for (const auto& f : m_files) {
        if (f.runbook && !f.runbook->id.empty())
            out.push_back(f.runbook->id);
    }
    return out;
}

const Runbook* RunbookCatalog::find(const std::string& id) const
{
    for (const auto& f : m_files) {
        if (f.runbook && f.runbook->id == id)
            return &*f.runbook;
    }
    return nullptr;
}

std::vector<const Runbook*> RunbookCatalog::forHopKind(HopKind kind) const
{
    std::vector<const Runbook*> out;
    for (const auto& f : m_files) {
        if (f.runbook && std::find(f.runbook->appliesTo.begin(), f.runbook->appliesTo.end(), kind) != f.runbook->appliesTo.end())
            out.push_back(&*f.runbook);
    }
    return out;
}

} // namespace hopscope
