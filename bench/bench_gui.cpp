// bench_gui: does the window keep up with a fleet?
//
// 50 environments of 6 hops (300 checks) in one file, answered by a synthetic prober at about
// 1,000 results a second (every check every 300 ms), with the whole window live: the list, the
// map, the inspector with its history chart over a day, the timeline. Some hops flap, so the
// timeline and the colours keep changing. Every second the bench picks another environment,
// and halfway it shows every environment stacked as lanes (300 cards) for a while.
//
// Prints:
// - the time from start to the first painted map (goal: under 0.5 s), measured from main();
// - the longest stall of the event loop: the worst lateness of a 2 ms timer (goal: under 50 ms);
// - results handled per second;
// - peak memory (VmHWM) with a day of history for the 300 checks at a 10 s interval in the
//   store (2.6 million results, written once into --dir and reused; goal: under 150 MB).
//
// The prober is synthetic because the benchmark measures the window, not the network: the
// probers have benchmarks of their own (bench_sweep). Options: --envs N, --seconds N,
// --interval-ms N, --dir DIR (default /tmp/hopscope-bench-gui), --no-history, --no-lanes.
#include "environmentlistmodel.h"
#include "historyservice.h"
#include "historystore.h"
#include "liveprobing.h"
#include "mainactions.h"
#include "mainwindow.h"
#include "prober.h"
#include "settings.h"
#include "timelinemodel.h"
#include "topologyscene.h"
#include "topologyview.h"
#include "workspace.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QListView>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <thread>

using namespace hopscope;

namespace {

QElapsedTimer g_sinceStart;

int argument(const QStringList& args, const QString& name, int fallback)
{
    const auto at = args.indexOf(name);
    return at >= 0 && at + 1 < args.size() ? args.at(at + 1).toInt() : fallback;
}

QString stringArgument(const QStringList& args, const QString& name, const QString& fallback)
{
    const auto at = args.indexOf(name);
    return at >= 0 && at + 1 < args.size() ? args.at(at + 1) : fallback;
}

long peakRssKb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLong();
    }
    return -1;
}

const char* const kHopKinds[] = {"dns", "load_balancer", "target_group", "containers", "migration_job", "database"};

QByteArray fleetFile(int envs)
{
    QByteArray yaml = "environments:\n";
    for (int e = 0; e < envs; ++e) {
        yaml += "  - name: env-" + QByteArray::number(e).rightJustified(2, '0') + "\n    interval: 1h\n    hops:\n";
        for (int h = 0; h < 6; ++h) {
            yaml += "      - id: hop-" + QByteArray::number(h) + "\n        kind: " + kHopKinds[h]
                + "\n        checks:\n          - name: reachable\n            tcp: {host: 127.0.0.1, port: "
                + QByteArray::number(20000 + e * 6 + h) + "}\n";
        }
    }
    return yaml;
}

// Answers every probe at once from a thread of its own, as a prober would: connected, with a
// latency that wanders, except that a few hops go down and come back every few seconds.
class SyntheticProber final : public Prober {
public:
    SyntheticProber() : m_thread([this] { loop(); }) {}
    ~SyntheticProber() override
    {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_wake.notify_one();
        m_thread.join();
    }

    void start(const Check& check, ProbeDeadline, ProbeCallback done) override
    {
        const auto& tcp = std::get<TcpProbe>(check.probe);
        {
            std::lock_guard lock(m_mutex);
            m_queue.push_back({tcp.port, std::move(done)});
        }
        m_wake.notify_one();
    }

private:
    struct Job {
        int port;
        ProbeCallback done;
    };

    void loop()
    {
        std::unique_lock lock(m_mutex);
        for (;;) {
            m_wake.wait(lock, [this] { return m_stop || !m_queue.empty(); });
            if (m_stop)
                return;
            Job job = std::move(m_queue.front());
            m_queue.pop_front();
            lock.unlock();
            job.done(observe(job.port));
            lock.lock();
        }
    }

    static Observation observe(int port)
    {
        const int check = port - 20000;
        const qint64 second = g_sinceStart.elapsed() / 1000;
        // One environment in ten has a hop that is down for 3 s in every 7.
        const bool down = check % 60 == 27 && second % 7 < 3;
        Observation o;
        o.latencyMs = 1 + (check * 7 + second * 13) % 40;
        if (down) {
            o.error = "connection refused";
            o.figure = "refused";
            return o;
        }
        o.completed = true;
        o.observed = {{"connected", true}, {"latency_ms", o.latencyMs}};
        o.figure = "connected · " + std::to_string(int(o.latencyMs)) + " ms";
        return o;
    }

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Job> m_queue;
    bool m_stop = false;
    std::thread m_thread;
};

ProberSet syntheticProbers()
{
    ProberSet set;
    set.tcp = std::make_unique<SyntheticProber>();
    return set;
}

// A day of history for every check, ending now, unless the file already holds one.
bool prefillHistory(const QString& path, const QString& fleet, int envs)
{
    HistoryStore store;
    if (!store.open(path)) {
        std::fprintf(stderr, "bench_gui: %s\n", qPrintable(store.error()));
        return false;
    }
    const qint64 perSeries = HistoryStore::kRawRetentionMs / 10'000;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (store.counts().results >= perSeries * envs * 6) {
        std::printf("history: reusing %s\n", qPrintable(path));
        return true;
    }
    QElapsedTimer timer;
    timer.start();
    std::vector<Sample> batch;
    for (qint64 i = 0; i < perSeries; ++i) {
        const qint64 at = now - HistoryStore::kRawRetentionMs + i * 10'000;
        for (int e = 0; e < envs; ++e) {
            for (int h = 0; h < 6; ++h) {
                Sample s;
                s.series = {fleet, QStringLiteral("env-%1").arg(e, 2, 10, QLatin1Char('0')), QStringLiteral("hop-%1").arg(h),
                            QStringLiteral("reachable")};
                s.timeMs = at;
                s.status = (i % 97 == 0) ? 2 : 0;
                s.latencyMs = 1 + double((i * 7 + e + h) % 40);
                batch.push_back(s);
            }
        }
        if (batch.size() >= 6000) {
            if (!store.append(batch))
                return false;
            batch.clear();
        }
    }
    const bool ok = store.append(batch);
    std::printf("history: wrote a day for %d checks (%lld results) in %.1f s\n", envs * 6,
                static_cast<long long>(perSeries * envs * 6), double(timer.elapsed()) / 1000);
    return ok;
}

// Notes the first paint of the map's viewport once the map has cards.
class FirstPaint final : public QObject {
public:
    FirstPaint(TopologyScene* scene) : m_scene(scene) {}
    qint64 at = -1;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (at < 0 && event->type() == QEvent::Paint && !m_scene->hopItems().isEmpty())
            at = g_sinceStart.elapsed();
        return QObject::eventFilter(watched, event);
    }

private:
    TopologyScene* m_scene;
};

} // namespace

int main(int argc, char* argv[])
{
    g_sinceStart.start();
    QApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    const int envs = argument(args, QStringLiteral("--envs"), 50);
    const int seconds = argument(args, QStringLiteral("--seconds"), 12);
    const int intervalMs = argument(args, QStringLiteral("--interval-ms"), 300);
    const QString dir = stringArgument(args, QStringLiteral("--dir"), QDir::tempPath() + QStringLiteral("/hopscope-bench-gui"));
    const bool history = !args.contains(QStringLiteral("--no-history"));
    const bool lanes = !args.contains(QStringLiteral("--no-lanes"));
    QDir().mkpath(dir);

    const QString fleet = QDir(dir).filePath(QStringLiteral("fleet.yaml"));
    {
        QFile file(fleet);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(fleetFile(envs)) < 0) {
            std::fprintf(stderr, "bench_gui: cannot write %s\n", qPrintable(fleet));
            return 1;
        }
    }
    const QString historyFile = QDir(dir).filePath(QStringLiteral("history.sqlite"));
    if (history) {
        // Written before the clock starts: the window opens on a store that already holds it.
        if (!prefillHistory(historyFile, Workspace::normalizedPath(fleet), envs))
            return 1;
        g_sinceStart.restart();
    }

    QTemporaryDir settingsDir;
    Settings settings(settingsDir.filePath(QStringLiteral("bench.ini")));
    settings.setProbeInterval(std::chrono::milliseconds(intervalMs));
    Workspace workspace;
    LiveProbing live(&workspace, nullptr, syntheticProbers);
    HistoryService service(history ? historyFile : QDir(settingsDir.path()).filePath(QStringLiteral("h.sqlite")));
    MainWindow window(&workspace, &settings, &live, &service);
    FirstPaint firstPaint(window.scene());
    window.view()->viewport()->installEventFilter(&firstPaint);
    workspace.open(fleet);
    window.resize(1480, 920);
    window.show();

    // The event loop's health: a 2 ms timer that notes how late each tick is.
    QElapsedTimer tick;
    tick.start();
    qint64 worstStall = 0;
    qint64 last = 0;
    QTimer heartbeat;
    heartbeat.setTimerType(Qt::PreciseTimer);
    QObject::connect(&heartbeat, &QTimer::timeout, [&] {
        const qint64 now = tick.elapsed();
        worstStall = std::max(worstStall, now - last - 2);
        last = now;
    });

    std::atomic<qint64> results{0};
    QObject::connect(&live, &LiveProbing::resultArrived, [&] { ++results; });

    // Another environment every second; every environment stacked for the middle third.
    int step = 0;
    qint64 worstSwitch = 0;
    QTimer driver;
    QObject::connect(&driver, &QTimer::timeout, [&] {
        ++step;
        QElapsedTimer took;
        took.start();
        const QModelIndex next = window.environmentModel()->index(step * 7 % envs);
        window.environmentView()->setCurrentIndex(next);
        window.actions()->showAll->setChecked(lanes && step >= seconds / 3 && step < 2 * seconds / 3);
        worstSwitch = std::max(worstSwitch, took.elapsed());
    });

    QElapsedTimer measured;
    QTimer::singleShot(0, [&] {
        // From here on the window is up; results flow from the first sweep.
        tick.restart();
        last = 0;
        heartbeat.start(2);
        driver.start(1000);
        measured.start();
        results = 0;
    });
    QTimer::singleShot(seconds * 1000, &app, &QCoreApplication::quit);
    QApplication::exec();

    const double elapsed = double(measured.elapsed()) / 1000;
    std::printf("fleet: %d environments x 6 hops = %d checks, every %d ms, %d s, stacked lanes %d..%d s\n", envs,
                envs * 6, intervalMs, seconds, seconds / 3, 2 * seconds / 3);
    std::printf("first painted map:          %lld ms after start (goal < 500 ms)\n", static_cast<long long>(firstPaint.at));
    std::printf("longest event-loop stall:   %lld ms (goal < 50 ms)\n", static_cast<long long>(worstStall));
    std::printf("   of which switching map:  %lld ms at most\n", static_cast<long long>(worstSwitch));
    std::printf("results handled:            %.0f per second\n", double(results) / elapsed);
    std::printf("timeline entries:           %d\n", window.timelineModel()->rowCount());
    std::printf("peak memory (VmHWM):        %.1f MB%s (goal < 150 MB)\n", double(peakRssKb()) / 1024,
                history ? " with a day of history for every check" : "");
    if (!service.error().isEmpty())
        std::printf("history store error: %s\n", qPrintable(service.error()));
    return 0;
}
