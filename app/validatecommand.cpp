// `hopscope validate FILE...`: every problem in every file, as FILE:LINE:COLUMN lines on stderr.
#include "cli.h"

#include "loader.h"
#include "runbookcatalog.h"

#include <QCommandLineParser>
#include <QFileInfo>

#include <algorithm>

namespace hopscope::cli {

namespace {

struct Counts {
    int files = 0;
    int errors = 0;
    int warnings = 0;
};

// Expands directories into the document files below them; keeps plain paths as given,
// so a missing file is reported as such by the loader.
std::vector<std::string> expandPaths(const QStringList& inputs)
{
    std::vector<std::string> paths;
    for (const QString& input : inputs) {
        if (QFileInfo(input).isDir()) {
            const auto found = documentFilesIn(input.toStdString());
            paths.insert(paths.end(), found.begin(), found.end());
        } else {
            paths.push_back(input.toStdString());
        }
    }
    return paths;
}

QString helpText()
{
    return QStringLiteral(
        "Usage: hopscope validate [OPTIONS] FILE|DIR...\n"
        "\n"
        "Checks environment and runbook files (YAML or JSON) and prints every problem as\n"
        "FILE:LINE:COLUMN: error|warning: MESSAGE on standard error. Directories are searched\n"
        "for .yaml, .yml and .json files. Remedies may name runbooks given here or in the\n"
        "bundled runbook library.\n"
        "\n"
        "Options:\n"
        "  --runbooks DIR   also know the runbooks in DIR (may be repeated)\n"
        "  --no-library     do not load the bundled runbook library\n"
        "  -q, --quiet      print nothing on success\n"
        "  -h, --help       show this help\n"
        "\n"
        "Exit status: 0 every file is valid (warnings allowed), 1 a file has an error,\n"
        "2 usage error.\n"
        "\n"
        "Examples:\n"
        "  hopscope validate lab/lab.yaml\n"
        "  hopscope validate --runbooks ~/runbooks envs/*.yaml\n");
}

} // namespace

int validateCommand(const QStringList& args, std::FILE* out, std::FILE* err)
{
    QCommandLineParser parser;
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);
    const QCommandLineOption runbooksOption(QStringLiteral("runbooks"), QString(), QStringLiteral("DIR"));
    const QCommandLineOption noLibraryOption(QStringLiteral("no-library"));
    const QCommandLineOption quietOption(QStringList{QStringLiteral("q"), QStringLiteral("quiet")});
    parser.addPositionalArgument(QStringLiteral("files"), QString());
    if (const auto done = parseArguments(parser, {runbooksOption, noLibraryOption, quietOption}, args, "validate",
                                         helpText(), 2, out, err))
        return *done;
    if (parser.positionalArguments().isEmpty()) {
        std::fputs("hopscope validate: no files given\nSee `hopscope validate --help`.\n", err);
        return 2;
    }

    RunbookCatalog catalog;
    if (!parser.isSet(noLibraryOption)) {
        for (const auto& dir : RunbookCatalog::defaultSearchPath())
            catalog.addDirectory(dir);
    }
    for (const QString& dir : parser.values(runbooksOption)) {
        if (!QFileInfo(dir).isDir()) {
            std::fprintf(err, "hopscope validate: --runbooks %s is not a directory\n", qUtf8Printable(dir));
            return 2;
        }
        catalog.addDirectory(dir.toStdString());
    }

    std::vector<LoadedFile> files;
    for (const auto& path : expandPaths(parser.positionalArguments()))
        files.push_back(loadFile(path));
    crossCheck(files, catalog.ids());

    Counts counts;
    for (const auto& f : files) {
        ++counts.files;
        auto diags = f.diagnostics;
        std::stable_sort(diags.begin(), diags.end(), [](const Diagnostic& a, const Diagnostic& b) {
            return std::pair(a.pos.line, a.pos.column) < std::pair(b.pos.line, b.pos.column);
        });
        for (const auto& d : diags) {
            (d.severity == Severity::Error ? counts.errors : counts.warnings)++;
            std::fprintf(err, "%s\n", d.format().c_str());
        }
    }
    if (counts.files == 0) {
        std::fputs("hopscope validate: no .yaml, .yml or .json files found\n", err);
        return 1;
    }
    if (!parser.isSet(quietOption) || counts.errors > 0) {
        std::fprintf(counts.errors > 0 ? err : out, "%d file%s checked: %d error%s, %d warning%s\n", counts.files,
                     counts.files == 1 ? "" : "s", counts.errors, counts.errors == 1 ? "" : "s", counts.warnings,
                     counts.warnings == 1 ? "" : "s");
    }
    return counts.errors > 0 ? 1 : 0;
}

} // namespace hopscope::cli
