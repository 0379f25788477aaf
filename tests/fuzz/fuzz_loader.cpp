// Fuzzes everything that reads text a user wrote by hand: the YAML/JSON loaders, conditions
// and ${name} templates. A bad file must give diagnostics, never a crash, a leak or a stall.
//
// Built two ways (see CMakeLists.txt):
//  - fuzz_loader (clang, -fsanitize=fuzzer): libFuzzer calls LLVMFuzzerTestOneInput.
//  - fuzz_regressions (HOPSCOPE_FUZZ_REPLAY): main() below replays kept crash inputs and seeds,
//    so a fixed crash stays fixed in every normal build, not only when someone fuzzes.

#include "condition.h"
#include "loader.h"
#include "templatestring.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace hopscope;

// Reads the result the way the app does, so a loader that builds a broken model is caught
// where the UI would trip over it, not only where it is parsed.
void exercise(std::string_view text, DocFormat format)
{
    std::vector<LoadedFile> files;
    files.push_back(loadText(text, format == DocFormat::Json ? "fuzz.json" : "fuzz.yaml", format));
    crossCheck(files, {"redeploy", "run-migrations"});
    for (const Diagnostic& d : files.front().diagnostics)
        (void)d.format();
}

void exerciseExpressions(std::string_view text)
{
    ConditionParse cond = parseCondition(text);
    if (cond.root)
        (void)referencedNames(*cond.root);

    (void)scanTemplate(text);
    // The lookup answers with template syntax: it must be pasted verbatim, never expanded again.
    (void)renderTemplate(text, [](const std::string& name) -> std::optional<std::string> {
        if (name.empty() || name[0] == 'x')
            return std::nullopt;
        return "${" + name + "}$${";
    });
}

// JSON files start with '{' or '['; everything else is read as YAML, as the app does by extension.
DocFormat formatFor(std::string_view text)
{
    return !text.empty() && (text[0] == '{' || text[0] == '[') ? DocFormat::Json : DocFormat::Yaml;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    exercise(text, formatFor(text));
    exerciseExpressions(text);
    return 0;
}

#ifdef HOPSCOPE_FUZZ_REPLAY

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>

#include <sys/resource.h>

namespace fs = std::filesystem;

// ASan reserves terabytes of address space, so a sanitized build cannot cap it.
#if defined(__SANITIZE_ADDRESS__)
#define HOPSCOPE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HOPSCOPE_ASAN 1
#endif
#endif

// Usage: fuzz_regressions [--expect-errors DIR]... [PATH]...
// Every file under each PATH is loaded as YAML and as JSON and must return promptly. Files
// under an --expect-errors DIR were found by the fuzzer; they are not valid Hopscope files,
// so the loader must also say so in the format the fuzzer fed them as.
int main(int argc, char** argv)
{
#ifndef HOPSCOPE_ASAN
    // A regressed alias bomb must fail this test with bad_alloc, not swap out the CI machine.
    const rlimit cap{2UL << 30, 2UL << 30};
    setrlimit(RLIMIT_AS, &cap);
#endif

    // One second per input is the goal, measured in the sanitized fuzz build. This Debug
    // build is faster, but a loaded 2-core CI machine is not, so allow twice that per call.
    constexpr auto tooSlow = std::chrono::seconds(2);
    int failures = 0;
    int files = 0;

    auto timed = [&](const fs::path& path, const char* what, const std::function<void()>& call) {
        const auto start = std::chrono::steady_clock::now();
        call();
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - start).count();
        if (ms > std::chrono::duration_cast<std::chrono::milliseconds>(tooSlow).count()) {
            std::fprintf(stderr, "FAIL %s: %s took %lld ms\n", path.c_str(), what, static_cast<long long>(ms));
            ++failures;
        }
    };

    auto replay = [&](const fs::path& path, bool expectErrors) {
        std::ifstream in(path, std::ios::binary);
        const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        ++files;

        timed(path, "loading as YAML", [&] { exercise(bytes, DocFormat::Yaml); });
        timed(path, "loading as JSON", [&] { exercise(bytes, DocFormat::Json); });
        timed(path, "conditions and templates", [&] { exerciseExpressions(bytes); });
        if (expectErrors && !loadText(bytes, "regression", formatFor(bytes)).hasErrors()) {
            std::fprintf(stderr, "FAIL %s: loaded without errors\n", path.c_str());
            ++failures;
        }
    };

    auto walk = [&](const fs::path& root, bool expectErrors) {
        if (!fs::exists(root))
            return;  // an empty seed folder may not be checked in
        if (fs::is_regular_file(root))
            return replay(root, expectErrors);
        for (const auto& entry : fs::recursive_directory_iterator(root)) {
            if (entry.is_regular_file() && entry.path().filename().string().front() != '.')
                replay(entry.path(), expectErrors);
        }
    };

    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--expect-errors" && i + 1 < argc)
            walk(argv[++i], true);
        else
            walk(arg, false);
    }
    std::printf("%d files replayed, %d failures\n", files, failures);
    return failures == 0 ? 0 : 1;
}

#endif
