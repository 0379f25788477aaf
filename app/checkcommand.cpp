// `hopscope check FILE`: probe once, print a verdict per hop, exit with the worst status.
#include "checkreport.h"
#include "cli.h"

#include "fieldreader.h"
#include "loader.h"
#include "scheduler.h"
#include "units.h"

#include <QCommandLineParser>
#include <QEventLoop>

#include <set>
#include <unistd.h>

namespace hopscope::cli {

namespace {

constexpr int kCouldNotCheck = 3;

QString helpText()
{
    return QStringLiteral(
        "Usage: hopscope check [OPTIONS] FILE\n"
        "\n"
        "Probes every hop of the environments in FILE once, prints what each hop's checks saw,\n"
        "and names the likely cause: the failing hop with nothing failing downstream of it.\n"
        "\n"
        "Options:\n"
        "  --env NAME        check only this environment (may be repeated)\n"
        "  --format FORMAT   table (default), json, junit or openmetrics\n"
        "  --timeout D       timeout for checks that set none (default 10s), e.g. 3s, 500ms\n"
        "  -h, --help        show this help\n"
        "\n"
        "Exit status: 0 every hop green, 1 the worst is amber, 2 a hop is red,\n"
        "3 could not check (bad file, unknown environment, usage error).\n"
        "\n"
        "Examples:\n"
        "  hopscope check lab/lab.yaml --env qa\n"
        "  hopscope check envs/prod.yaml --format junit > hopscope.xml\n"
        "  hopscope check envs/prod.yaml --format openmetrics > /var/lib/node_exporter/hopscope.prom\n");
}

} // namespace

int checkCommand(const QStringList& args, std::FILE* out, std::FILE* err)
{
    QCommandLineParser parser;
    const QCommandLineOption envOption(QStringLiteral("env"), QString(), QStringLiteral("NAME"));
    const QCommandLineOption formatOption(QStringLiteral("format"), QString(), QStringLiteral("FORMAT"), QStringLiteral("table"));
    const QCommandLineOption timeoutOption(QStringLiteral("timeout"), QString(), QStringLiteral("D"), QStringLiteral("10s"));
    if (const auto done = parseArguments(parser, {envOption, formatOption, timeoutOption}, args, "check", helpText(),
                                         kCouldNotCheck, out, err))
        return *done;
    const QString format = parser.value(formatOption);
    if (!QStringList{QStringLiteral("table"), QStringLiteral("json"), QStringLiteral("junit"), QStringLiteral("openmetrics")}.contains(format)) {
        std::fprintf(err, "hopscope check: unknown format \"%s\"; use table, json, junit or openmetrics\n", qUtf8Printable(format));
        return kCouldNotCheck;
    }
    const auto timeout = parseDuration(parser.value(timeoutOption).toStdString());
    if (!timeout) {
        std::fprintf(err, "hopscope check: --timeout must be a duration such as 3s or 500ms, got \"%s\"\n",
                     qUtf8Printable(parser.value(timeoutOption)));
        return kCouldNotCheck;
    }
    if (parser.positionalArguments().size() != 1) {
        std::fputs("hopscope check: give exactly one environment file\nSee `hopscope check --help`.\n", err);
        return kCouldNotCheck;
    }

    const LoadedFile file = loadFile(parser.positionalArguments().front().toStdString());
    for (const Diagnostic& d : file.diagnostics) {
        if (d.severity == Severity::Error)
            std::fprintf(err, "%s\n", d.format().c_str());
    }
    if (file.hasErrors() || file.type != LoadedFile::Type::Environments) {
        if (!file.hasErrors())
            std::fprintf(err, "hopscope check: %s is not an environment file\n", file.path.c_str());
        return kCouldNotCheck;
    }

    std::vector<Environment> selected;
    std::vector<std::string> names;
    for (const auto& env : file.environments)
        names.push_back(env.name);
    for (const QString& wanted : parser.values(envOption)) {
        const auto it = std::find(names.begin(), names.end(), wanted.toStdString());
        if (it == names.end()) {
            std::fprintf(err, "hopscope check: no environment \"%s\" in %s%s\n", qUtf8Printable(wanted),
                         file.path.c_str(), didYouMean(wanted.toStdString(), names).c_str());
            return kCouldNotCheck;
        }
        selected.push_back(file.environments[std::size_t(it - names.begin())]);
    }
    if (selected.empty())
        selected = file.environments;

    std::vector<EnvironmentReport> reports(selected.size());
    {
        Scheduler scheduler(makeProbers());
        scheduler.setDefaultTimeout(*timeout);
        scheduler.setEnvironments(selected);
        QEventLoop loop;
        std::set<QString> finished;
        QObject::connect(&scheduler, &Scheduler::resultReady, &loop, [&](const CheckResult& r) {
            for (std::size_t i = 0; i < selected.size(); ++i) {
                if (selected[i].name == r.environment)
                    reports[i].results[r.hop][r.check] = r;
            }
        });
        QObject::connect(&scheduler, &Scheduler::sweepFinished, &loop, [&](const QString& env) {
            finished.insert(env);
            if (finished.size() == selected.size())
                loop.quit();
        });
        scheduler.probeNow();
        if (finished.size() < selected.size())
            loop.exec();
    }
    for (std::size_t i = 0; i < selected.size(); ++i) {
        reports[i].environment = &selected[i];
        reports[i].diagnosis = diagnose(selected[i], reports[i].results);
    }

    std::string text;
    if (format == QLatin1String("json"))
        text = formatJson(reports);
    else if (format == QLatin1String("junit"))
        text = formatJunit(reports);
    else if (format == QLatin1String("openmetrics"))
        text = formatOpenMetrics(reports);
    else
        text = formatTable(reports, ::isatty(::fileno(out)) != 0 && !qEnvironmentVariableIsSet("NO_COLOR"));
    std::fputs(text.c_str(), out);
    const int status = exitStatus(reports);
    if (status == kCouldNotCheck)
        std::fputs("hopscope check: no hop has a check, so nothing was probed\n", err);
    return status;
}

} // namespace hopscope::cli
