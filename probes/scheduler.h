#pragma once

#include "checkresult.h"
#include "environment.h"
#include "prober.h"
#include "rendering.h"

#include <QObject>
#include <QString>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

class QTimer;

namespace hopscope {

// The real probers, one per check kind. Tests and benchmarks may pass their own set.
struct ProberSet {
    std::unique_ptr<Prober> dns, tcp, http, postgres, command;
    Prober* forKind(CheckKind kind) const;
};
ProberSet makeProbers();

// Runs every check of every environment concurrently, each under its own deadline, on each
// environment's interval or on demand. Never two runs of one check at once. Results arrive
// as they come, on the scheduler's thread; results of a replaced environment set are dropped.
class Scheduler final : public QObject {
    Q_OBJECT
public:
    explicit Scheduler(ProberSet probers, QObject* parent = nullptr);
    ~Scheduler() override;

    void setEnvironments(std::vector<Environment> environments);
    // For checks that set no timeout of their own.
    void setDefaultTimeout(std::chrono::milliseconds timeout) { m_defaultTimeout = timeout; }
    // Probes each environment on its interval until stop().
    void start();
    void stop();
    bool isRunning() const { return m_running; }
    // Probes now: one environment by name, or all when empty. Checks still running are skipped.
    void probeNow(const QString& environment = {});
    // Forgets what is in flight: its results will be dropped when they arrive.
    void cancel();
    int inFlight() const { return int(m_pending.size()); }

signals:
    // A check was sent to its prober; its resultReady follows, or nothing if cancelled.
    void checkStarted(const QString& environment, const QString& hop, const QString& check);
    void resultReady(const hopscope::CheckResult& result);
    // Every check of a probeNow() or interval sweep of that environment has answered.
    void sweepFinished(const QString& environment);
    void progressChanged(int done, int total);

private:
    struct Pending;
    struct Relay;  // lets prober threads reach the scheduler only while it is alive

    void probeEnvironment(const Environment& env);
    void dispatch(const Environment& env, const ResolvedSecrets& secrets, const Hop& hop, const Check& check);
    void complete(quint64 token, const Observation& observation);
    void scheduleTimers();

    ProberSet m_probers;
    std::shared_ptr<Relay> m_relay;
    std::vector<Environment> m_environments;
    std::map<quint64, Pending> m_pending;
    std::map<QString, int> m_outstanding;  // per environment, in the current sweep
    std::vector<QTimer*> m_timers;
    std::chrono::milliseconds m_defaultTimeout{10'000};
    quint64 m_nextToken = 1;
    quint64 m_generation = 1;
    int m_done = 0;
    int m_total = 0;
    bool m_running = false;
};

} // namespace hopscope
