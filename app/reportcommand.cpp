// `hopscope report RUN`: a recorded run as a Markdown incident timeline.
#include "cli.h"

#include "auditlog.h"
#include "runreport.h"

#include <QCommandLineParser>
#include <QSaveFile>

namespace hopscope::cli {

namespace {

constexpr int kUsage = 3;

QString helpText()
{
    return QStringLiteral(
        "Usage: hopscope report [OPTIONS] RUN_ID\n"
        "       hopscope report --list [--unfinished]\n"
        "\n"
        "Writes a recorded runbook run as a Markdown incident timeline: what the probes said when\n"
        "it started, each step with its times, what it ran (secrets masked), its confirmation and\n"
        "outcome, and the state the run left. RUN_ID is what `hopscope run` printed, or \"last\".\n"
        "\n"
        "Options:\n"
        "  -o, --output FILE    write the report to FILE instead of standard output\n"
        "  --list               list recorded runs, newest first\n"
        "  --unfinished         with --list: only runs that did not finish (resume them with\n"
        "                       `hopscope run --resume RUN_ID`)\n"
        "  --data-file FILE     the audit trail (default: $HOPSCOPE_DATA_FILE, else the user's\n"
        "                       data directory)\n"
        "  -h, --help           show this help\n"
        "\n"
        "Exit status: 0 written, 3 usage error, unknown run or unreadable audit trail.\n"
        "\n"
        "Examples:\n"
        "  hopscope report 20250101-120000-ab12 > incident.md\n"
        "  hopscope report last -o incident.md\n"
        "  hopscope report --list --unfinished\n");
}

} // namespace

int reportCommand(const QStringList& args, std::FILE* out, std::FILE* err)
{
    QCommandLineParser parser;
    const QCommandLineOption outputOption(QStringList{QStringLiteral("o"), QStringLiteral("output")}, QString(), QStringLiteral("FILE"));
    const QCommandLineOption listOption(QStringLiteral("list"));
    const QCommandLineOption unfinishedOption(QStringLiteral("unfinished"));
    const QCommandLineOption dataFileOption(QStringLiteral("data-file"), QString(), QStringLiteral("FILE"));
    if (const auto done = parseArguments(parser, {outputOption, listOption, unfinishedOption, dataFileOption}, args,
                                         "report", helpText(), kUsage, out, err))
        return *done;
    const bool listing = parser.isSet(listOption);
    if (listing ? !parser.positionalArguments().isEmpty() : parser.positionalArguments().size() != 1) {
        std::fputs("hopscope report: give one run id (or --list)\nSee `hopscope report --help`.\n", err);
        return kUsage;
    }
    AuditLog audit;
    if (!audit.open(parser.isSet(dataFileOption) ? parser.value(dataFileOption) : AuditLog::defaultPath())) {
        std::fprintf(err, "hopscope report: cannot open the audit trail: %s\n", qUtf8Printable(audit.error()));
        return kUsage;
    }
    if (listing) {
        for (const AuditRun& run : audit.runs(200, parser.isSet(unfinishedOption)))
            std::fprintf(out, "%s\n", qUtf8Printable(formatRunLine(run)));
        return 0;
    }
    QString id = parser.positionalArguments().front();
    if (id == QLatin1String("last")) {
        const auto latest = audit.runs(1);
        if (latest.empty()) {
            std::fputs("hopscope report: no run has been recorded yet\n", err);
            return kUsage;
        }
        id = latest.front().id;
    }
    const std::optional<AuditRun> run = audit.run(id);
    if (!run) {
        std::fprintf(err, "hopscope report: no run \"%s\" in %s; `hopscope report --list` shows them\n", qUtf8Printable(id),
                     qUtf8Printable(audit.path()));
        return kUsage;
    }
    const QByteArray markdown = formatRunReport(*run, audit.steps(id)).toUtf8();
    if (!parser.isSet(outputOption)) {
        std::fwrite(markdown.constData(), 1, std::size_t(markdown.size()), out);
        return 0;
    }
    QSaveFile file(parser.value(outputOption));
    if (!file.open(QIODevice::WriteOnly) || file.write(markdown) != markdown.size() || !file.commit()) {
        std::fprintf(err, "hopscope report: cannot write %s: %s\n", qUtf8Printable(file.fileName()), qUtf8Printable(file.errorString()));
        return kUsage;
    }
    return 0;
}

} // namespace hopscope::cli
