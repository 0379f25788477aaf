#include "checkreport.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace hopscope::cli {

namespace {

const char* glyph(HopStatus s)
{
    switch (s) {
    case HopStatus::Green: return "ok ";
    case HopStatus::Amber: return "!! ";
    case HopStatus::Red: return "XX ";
    case HopStatus::Grey: return "?? ";
    }
    return "?? ";
}

const char* ansi(HopStatus s)
{
    switch (s) {
    case HopStatus::Green: return "\033[32m";
    case HopStatus::Amber: return "\033[33m";
    case HopStatus::Red: return "\033[1;31m";
    case HopStatus::Grey: return "\033[90m";
    }
    return "";
}

std::string upper(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::toupper(c)); });
    return out;
}

// The line that tells the most about a hop: its worst check (the one the likely-cause line and
// the window name too), else its figures.
std::string hopSummary(const Hop& hop, const HopVerdict& v)
{
    if (const CheckResult* worst = worstResult(v); worst && worst->status != CheckStatus::Pass)
        return worst->check + ": " + worst->message;
    std::string figures;
    for (std::size_t i = 0; i < hop.checks.size(); ++i) {
        if (v.results[i] && !v.results[i]->figure.empty())
            figures += (figures.empty() ? "" : "; ") + v.results[i]->figure;
    }
    if (hop.checks.empty())
        return "no checks";
    return figures.empty() ? std::string(v.status == HopStatus::Grey ? "not probed" : "ok") : figures;
}

std::string pad(std::string s, std::size_t width)
{
    if (s.size() < width)
        s.append(width - s.size(), ' ');
    return s;
}

std::string xmlEscape(std::string_view s)
{
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default:
            // XML 1.0 forbids most control characters; a probe's message may carry them.
            if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t')
                out += ' ';
            else
                out += c;
        }
    }
    return out;
}

std::string labelEscape(std::string_view s)
{
    std::string out;
    for (char c : s) {
        if (c == '\\' || c == '"')
            out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

} // namespace

std::string formatTable(const std::vector<EnvironmentReport>& reports, bool colour)
{
    std::ostringstream out;
    const char* reset = colour ? "\033[0m" : "";
    for (const auto& report : reports) {
        const Environment& env = *report.environment;
        const Diagnosis& d = report.diagnosis;
        out << (colour ? "\033[1m" : "") << env.name << reset << ": " << (colour ? ansi(d.overall) : "")
            << upper(toString(d.overall)) << reset << "\n";
        std::size_t idWidth = 4, kindWidth = 4;
        for (const Hop& hop : env.hops) {
            idWidth = std::max(idWidth, hop.id.size());
            kindWidth = std::max(kindWidth, toString(hop.kind).size());
        }
        for (std::size_t i = 0; i < env.hops.size(); ++i) {
            const Hop& hop = env.hops[i];
            const HopVerdict& v = d.hops[i];
            out << "  " << (colour ? ansi(v.status) : "") << glyph(v.status) << reset << pad(hop.id, idWidth + 2)
                << pad(std::string(toString(hop.kind)), kindWidth + 2) << pad(std::string(toString(v.role)), 14)
                << hopSummary(hop, v) << "\n";
        }
        const auto causes = causeSummaries(env, d);
        for (const auto& line : causes)
            out << "  Likely cause: " << line << "\n";
        for (const auto& id : d.likelyCauses) {
            const auto& runbooks = d.verdict(id)->runbooks;
            if (!runbooks.empty()) {
                std::string list;
                for (const auto& r : runbooks)
                    list += (list.empty() ? "" : ", ") + r;
                out << "  Runbooks for " << id << ": " << list << "\n";
            }
        }
    }
    return out.str();
}

std::string formatJson(const std::vector<EnvironmentReport>& reports)
{
    nlohmann::json envs = nlohmann::json::array();
    for (const auto& report : reports) {
        const Environment& env = *report.environment;
        nlohmann::json hops = nlohmann::json::array();
        for (std::size_t i = 0; i < env.hops.size(); ++i) {
            const Hop& hop = env.hops[i];
            const HopVerdict& v = report.diagnosis.hops[i];
            nlohmann::json checks = nlohmann::json::array();
            for (std::size_t c = 0; c < hop.checks.size(); ++c) {
                const CheckResult* r = v.results[c];
                nlohmann::json check{{"name", hop.checks[c].name}};
                if (r) {
                    check["status"] = toString(r->status);
                    check["latency_ms"] = r->latencyMs;
                    check["message"] = r->message;
                    check["figure"] = r->figure;
                    check["observed"] = r->observed;
                } else {
                    check["status"] = "not_probed";
                }
                checks.push_back(std::move(check));
            }
            hops.push_back({{"id", hop.id}, {"kind", toString(hop.kind)}, {"title", hop.title},
                            {"status", toString(v.status)}, {"role", toString(v.role)},
                            {"runbooks", v.runbooks}, {"checks", std::move(checks)}});
        }
        envs.push_back({{"name", env.name}, {"status", toString(report.diagnosis.overall)},
                        {"likely_causes", report.diagnosis.likelyCauses}, {"hops", std::move(hops)}});
    }
    // Bodies and outputs can hold invalid UTF-8; replace it rather than fail the whole report.
    return nlohmann::json{{"environments", std::move(envs)}}.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string formatJunit(const std::vector<EnvironmentReport>& reports)
{
    std::ostringstream out;
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"hopscope\">\n";
    for (const auto& report : reports) {
        const Environment& env = *report.environment;
        int tests = 0, failures = 0, errors = 0;
        std::ostringstream cases;
        for (std::size_t i = 0; i < env.hops.size(); ++i) {
            const Hop& hop = env.hops[i];
            for (std::size_t c = 0; c < hop.checks.size(); ++c) {
                const CheckResult* r = report.diagnosis.hops[i].results[c];
                ++tests;
                cases << "    <testcase classname=\"" << xmlEscape(env.name + "." + hop.id) << "\" name=\""
                      << xmlEscape(hop.checks[c].name) << "\" time=\"" << (r ? r->latencyMs / 1000.0 : 0) << "\"";
                if (!r) {
                    cases << ">\n      <skipped message=\"not probed\"/>\n    </testcase>\n";
                } else if (r->status == CheckStatus::Fail) {
                    ++failures;
                    cases << ">\n      <failure message=\"" << xmlEscape(r->message) << "\"/>\n    </testcase>\n";
                } else if (r->status == CheckStatus::Error) {
                    ++errors;
                    cases << ">\n      <error message=\"" << xmlEscape(r->message) << "\"/>\n    </testcase>\n";
                } else if (r->status == CheckStatus::Warn) {
                    cases << ">\n      <system-out>warning: " << xmlEscape(r->message) << "</system-out>\n    </testcase>\n";
                } else {
                    cases << "/>\n";
                }
            }
        }
        out << "  <testsuite name=\"" << xmlEscape(env.name) << "\" tests=\"" << tests << "\" failures=\"" << failures
            << "\" errors=\"" << errors << "\">\n"
            << cases.str() << "  </testsuite>\n";
    }
    out << "</testsuites>\n";
    return out.str();
}

std::string formatOpenMetrics(const std::vector<EnvironmentReport>& reports)
{
    std::ostringstream out;
    out << "# TYPE hopscope_hop_status gauge\n"
        << "# HELP hopscope_hop_status Hop status: 0 green, 1 amber, 2 red, -1 not probed.\n";
    for (const auto& report : reports) {
        for (const auto& v : report.diagnosis.hops) {
            const int value = v.status == HopStatus::Grey ? -1 : int(v.status) - 1;
            out << "hopscope_hop_status{environment=\"" << labelEscape(report.environment->name) << "\",hop=\""
                << labelEscape(v.hop) << "\"} " << value << "\n";
        }
    }
    out << "# TYPE hopscope_check_latency_seconds gauge\n"
        << "# UNIT hopscope_check_latency_seconds seconds\n"
        << "# HELP hopscope_check_latency_seconds How long the check's probe took.\n";
    for (const auto& report : reports) {
        const Environment& env = *report.environment;
        for (std::size_t i = 0; i < env.hops.size(); ++i) {
            for (std::size_t c = 0; c < env.hops[i].checks.size(); ++c) {
                if (const CheckResult* r = report.diagnosis.hops[i].results[c]) {
                    char value[32];
                    std::snprintf(value, sizeof value, "%.6f", r->latencyMs / 1000.0);
                    out << "hopscope_check_latency_seconds{environment=\"" << labelEscape(env.name) << "\",hop=\""
                        << labelEscape(env.hops[i].id) << "\",check=\"" << labelEscape(env.hops[i].checks[c].name)
                        << "\"} " << value << "\n";
                }
            }
        }
    }
    out << "# EOF\n";
    return out.str();
}

int exitStatus(const std::vector<EnvironmentReport>& reports)
{
    HopStatus worst = HopStatus::Grey;
    for (const auto& r : reports)
        worst = std::max(worst, r.diagnosis.overall);
    // Nothing probed at all is not "all green": the file had no checks to run.
    return worst == HopStatus::Red ? 2 : worst == HopStatus::Amber ? 1 : worst == HopStatus::Green ? 0 : 3;
}

} // namespace hopscope::cli
