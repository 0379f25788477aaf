#include "cli.h"

#include <QCoreApplication>
#include <QFileInfo>

#include <array>
#include <string_view>

namespace hopscope::cli {

namespace {

struct Subcommand {
    std::string_view name;
    std::string_view summary;
    int (*run)(const QStringList&, std::FILE*, std::FILE*);
};

constexpr std::array<Subcommand, 4> kSubcommands{{
    {"check", "probe every hop once, print each hop's verdict and the likely cause", checkCommand},
    {"validate", "check environment and runbook files; print FILE:LINE:COLUMN for every problem", validateCommand},
    {"run", "run a runbook step by step, asking before every change; every step audited", runCommand},
    {"report", "write a recorded run as a Markdown incident timeline", reportCommand},
}};

void printUsage(std::FILE* out)
{
    std::string text =
        "Usage: hopscope [FILE...]            open the app on environment files\n"
        "       hopscope COMMAND [OPTIONS]    run a command-line task\n"
        "\n"
        "Hopscope draws each environment's request path (DNS, load balancer, target group,\n"
        "containers, migration job, database), probes every hop, and names the likely cause.\n"
        "\nCommands:\n";
    for (const auto& c : kSubcommands)
        text += "  " + std::string(c.name) + std::string(12 - c.name.size(), ' ') + std::string(c.summary) + "\n";
    text +=
        "\nOptions:\n"
        "  -h, --help       show this help; `hopscope COMMAND --help` for a command's options\n"
        "  -v, --version    show the version\n"
        "\nWindow options (with FILE...):\n"
        "  --env NAME                 show this environment first\n"
        "  --select HOP               select this hop of it\n"
        "  --screenshot OUT.png       wait for the first round of probes, save the window, exit\n"
        "  --screenshot-timeout D     take it anyway after D (default 30s)\n"
        "  --size WxH                 the window's size for the screenshot (default 1480x920)\n"
        "\nExamples:\n"
        "  hopscope lab/lab.yaml\n"
        "  hopscope lab/lab.yaml --env qa --select migrate --screenshot qa.png\n"
        "  hopscope check lab/lab.yaml --env qa\n"
        "  hopscope validate resources/examples\n"
        "  hopscope run fix-default-action --env-file lab/lab.yaml --env qa\n"
        "  hopscope report last\n";
    std::fputs(text.c_str(), out);
}

const Subcommand* findSubcommand(const QString& name)
{
    for (const auto& c : kSubcommands) {
        if (name == QLatin1String(c.name.data(), qsizetype(c.name.size())))
            return &c;
    }
    return nullptr;
}

bool isHelpOrVersion(const QString& a)
{
    return a == QLatin1String("-h") || a == QLatin1String("--help") || a == QLatin1String("help")
        || a == QLatin1String("-v") || a == QLatin1String("--version");
}

} // namespace

bool wantsCommandLine(const QStringList& args)
{
    if (args.size() < 2)
        return false;
    const QString& first = args.at(1);
    if (isHelpOrVersion(first) || findSubcommand(first))
        return true;
    // "hopscope chek" is a mistyped command, not a file to open; say so instead of opening a window.
    return !first.startsWith(QLatin1Char('-')) && !first.contains(QLatin1Char('.'))
        && !first.contains(QLatin1Char('/')) && !QFileInfo::exists(first);
}

int run(const QStringList& args, std::FILE* out, std::FILE* err)
{
    if (args.size() < 2 || args.at(1) == QLatin1String("-h") || args.at(1) == QLatin1String("--help")
        || args.at(1) == QLatin1String("help")) {
        printUsage(args.size() < 2 ? err : out);
        return args.size() < 2 ? 2 : 0;
    }
    if (args.at(1) == QLatin1String("-v") || args.at(1) == QLatin1String("--version")) {
        std::fprintf(out, "hopscope %s\n", HOPSCOPE_VERSION);
        return 0;
    }
    if (const Subcommand* c = findSubcommand(args.at(1)))
        return c->run(args.mid(1), out, err);
    std::fprintf(err, "hopscope: unknown command \"%s\"; see `hopscope --help`\n", qUtf8Printable(args.at(1)));
    return 2;
}

std::optional<int> parseArguments(QCommandLineParser& parser, QList<QCommandLineOption> options, const QStringList& args,
                                  const char* command, const QString& help, int usageExit, std::FILE* out, std::FILE* err)
{
    const QCommandLineOption helpOption(QStringList{QStringLiteral("h"), QStringLiteral("help")});
    options.append(helpOption);
    parser.addOptions(options);
    if (!parser.parse(args)) {
        std::fprintf(err, "hopscope %s: %s\nSee `hopscope %s --help`.\n", command, qUtf8Printable(parser.errorText()), command);
        return usageExit;
    }
    if (parser.isSet(helpOption)) {
        std::fputs(qUtf8Printable(help), out);
        return 0;
    }
    return std::nullopt;
}

} // namespace hopscope::cli
