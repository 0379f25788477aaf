#pragma once
// Internal to the postgres prober: the thread that owns one DSN's connection.

#include "observation.h"
#include "postgressession.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace hopscope::pg {

// One probe as the workers and the watchdog share it: whoever finishes it first reports,
// so `done` is called exactly once however the race between them ends.
class ProbeRun final {
public:
    enum class Phase { Queued, Connecting, Querying };

    ProbeRun(ProbeCallback done, ProbeDeadline deadline, std::string target);
    // False when the probe had already been finished (by the watchdog, say).
    bool finish(Observation observation);
    bool finished() const;
    void setPhase(Phase phase) { m_phase = phase; }
    // What the watchdog reports when the deadline passes before the worker answered.
    Observation timedOut() const;
    ProbeDeadline deadline() const { return m_deadline; }
    std::chrono::steady_clock::time_point started() const { return m_started; }

private:
    mutable std::mutex m_mutex;
    ProbeCallback m_done;
    bool m_finished = false;
    const ProbeDeadline m_deadline;
    const std::chrono::steady_clock::time_point m_started;
    const std::string m_target;
    std::atomic<Phase> m_phase{Phase::Queued};
};

// The thread that owns one DSN's session: probes of that DSN run one after another on the
// one connection; probes of other DSNs run in parallel on their own workers.
class Worker final {
public:
    using Job = std::function<void(Session&, const std::atomic<bool>& stop)>;

    explicit Worker(Target target);
    // Interrupts a blocked call, joins the thread, and finishes the probes still queued.
    ~Worker();
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    void post(std::shared_ptr<ProbeRun> run, Job job);
    // From the watchdog: when `run` is what this worker is blocked in, cut its connection.
    void interruptIfRunning(const ProbeRun* run);
    const Target& target() const { return m_session.target(); }

private:
    void loop();

    Session m_session;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::pair<std::shared_ptr<ProbeRun>, Job>> m_queue;
    const ProbeRun* m_running = nullptr;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;  // last: it starts once everything it uses exists
};

} // namespace hopscope::pg
