// bench_sweep: how long a sweep of many HTTP checks takes when some hops hang.
//
// 1,000 checks (by default) go to loopback servers at once: 10% to a server that accepts the
// connection and never answers (the "TCP fine, HTTP hangs" incident), each with a 2 s timeout;
// the rest to nginx answering at once (or the Python test server when nginx is missing). A
// prober that runs checks concurrently finishes the sweep in about one timeout: the figure
// that matters is wall time / longest timeout, which should stay under 1.2.
#include "httpprober.h"
#include "nginxfixture.h"
#include "serverprocess.h"

#include <QCoreApplication>
#include <QFile>

#include <sys/resource.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

using namespace hopscope;
using namespace std::chrono;

namespace {

struct Outcome {
    bool blackholed = false;
    Observation observation;
    double elapsedMs = 0;
};

double cpuSeconds(const rusage& u)
{
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec)
           + static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[static_cast<std::size_t>(p * static_cast<double>(values.size() - 1))];
}

int argument(const QStringList& args, const QString& name, int fallback)
{
    const auto at = args.indexOf(name);
    return at >= 0 && at + 1 < args.size() ? args.at(at + 1).toInt() : fallback;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    const int checks = argument(args, QStringLiteral("--checks"), 1000);
    const int blackholePercent = argument(args, QStringLiteral("--blackholed-percent"), 10);
    const milliseconds timeout(argument(args, QStringLiteral("--timeout-ms"), 2000));

    const QString python = test::findProgram(QStringLiteral("python3"));
    const QString script = QStringLiteral(HOPSCOPE_TEST_SERVER);
    if (python.isEmpty() || !QFile::exists(script)) {
        std::fprintf(stderr, "bench_sweep needs python3 and %s\n", qPrintable(script));
        return 2;
    }
    test::ServerProcess pythonServer;
    const quint16 pythonPort = test::freeLoopbackPort();
    if (!pythonServer.start(python, {script, QStringLiteral("--port"), QString::number(pythonPort)})
        || !pythonServer.waitForPort(pythonPort)) {
        std::fprintf(stderr, "%s\n", qPrintable(pythonServer.error()));
        return 2;
    }
    test::NginxFixture nginx;
    const bool useNginx = !test::NginxFixture::program().isEmpty() && nginx.start(0);
    const std::string answering = useNginx
        ? "http://127.0.0.1:" + std::to_string(nginx.port()) + "/health"
        : "http://127.0.0.1:" + std::to_string(pythonPort) + "/ok";
    const std::string blackhole = "http://127.0.0.1:" + std::to_string(pythonPort) + "/stall-header";

    std::vector<Outcome> outcomes(static_cast<std::size_t>(checks));
    std::mutex mutex;
    std::condition_variable allDone;
    int finished = 0;
    double submitted = 0;

    rusage before{};
    getrusage(RUSAGE_SELF, &before);
    const auto started = steady_clock::now();
    {
        HttpProber prober;
        for (int i = 0; i < checks; ++i) {
            auto& outcome = outcomes[static_cast<std::size_t>(i)];
            outcome.blackholed = i % 100 < blackholePercent;
            HttpProbe http;
            http.url = outcome.blackholed ? blackhole : answering;
            http.headers = {{"Host", "app.example.test"}};
            Check check;
            check.kind = CheckKind::Http;
            check.probe = http;
            check.timeout = timeout;
            prober.start(check, steady_clock::now() + timeout, [&, started](Observation o) {
                std::lock_guard lock(mutex);
                outcome.elapsedMs = duration<double, std::milli>(steady_clock::now() - started).count();
                outcome.observation = std::move(o);
                ++finished;
                allDone.notify_one();
            });
        }
        submitted = duration<double, std::milli>(steady_clock::now() - started).count();
        std::unique_lock lock(mutex);
        allDone.wait(lock, [&] { return finished == checks; });
    }
    const double wall = duration<double>(steady_clock::now() - started).count();
    rusage after{};
    getrusage(RUSAGE_SELF, &after);

    std::vector<double> answeredMs;
    double holeMin = 1e9, holeMax = 0;
    int answered = 0, timedOut = 0, unexpected = 0;
    std::string sampleError;
    for (const auto& o : outcomes) {
        if (o.blackholed) {
            const bool ok = !o.observation.completed && o.observation.error.find("waiting for the response header") != std::string::npos;
            timedOut += ok ? 1 : 0;
            unexpected += ok ? 0 : 1;
            sampleError = o.observation.error;
            holeMin = std::min(holeMin, o.elapsedMs);
            holeMax = std::max(holeMax, o.elapsedMs);
        } else if (o.observation.completed && o.observation.observed.value("status", 0) == 200) {
            ++answered;
            answeredMs.push_back(o.elapsedMs);
        } else {
            ++unexpected;
            std::fprintf(stderr, "unexpected: %s\n", o.observation.error.c_str());
        }
    }
    const double longest = duration<double>(timeout).count();
    const auto holes = std::count_if(outcomes.begin(), outcomes.end(), [](const Outcome& o) { return o.blackholed; });
    std::printf("checks           %d (%d blackholed on python /stall-header, %d answering via %s)\n", checks,
                static_cast<int>(holes), checks - static_cast<int>(holes), useNginx ? "nginx" : "python /ok");
    std::printf("wall time        %.3f s (all checks handed to the prober after %.0f ms)\n", wall, submitted);
    std::printf("longest timeout  %.3f s\n", longest);
    std::printf("ratio            %.3f (goal < 1.2)\n", wall / longest);
    std::printf("answering        %d x 200: finished after p50 %.0f ms, p99 %.0f ms, last %.0f ms\n", answered,
                percentile(answeredMs, 0.5), percentile(answeredMs, 0.99), percentile(answeredMs, 1.0));
    if (holes > 0)
        std::printf("blackholed       %d timed out in %.0f-%.0f ms: \"%s\"\n", timedOut, holeMin, holeMax, sampleError.c_str());
    std::printf("CPU time         %.3f s (user+sys of this process; servers not counted)\n", cpuSeconds(after) - cpuSeconds(before));
    std::printf("peak RSS         %.1f MB\n", static_cast<double>(after.ru_maxrss) / 1024.0);
    if (unexpected > 0)
        std::printf("UNEXPECTED       %d checks did not end as planned\n", unexpected);
    return unexpected > 0 ? 1 : 0;
}
