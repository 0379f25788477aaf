#include "postgresworker.h"

namespace hopscope::pg {

using Clock = std::chrono::steady_clock;

ProbeRun::ProbeRun(ProbeCallback done, ProbeDeadline deadline, std::string target)
    : m_done(std::move(done)), m_deadline(deadline), m_started(Clock::now()), m_target(std::move(target))
{
}

bool ProbeRun::finish(Observation observation)
{
    ProbeCallback done;
    {
        std::lock_guard lock(m_mutex);
        if (m_finished)
            return false;
        m_finished = true;
        done = std::move(m_done);
    }
    // Outside the lock: the callback may start the next probe.
    try {
        if (done)
            done(std::move(observation));
    } catch (...) {
        // A throwing callback must not take the worker thread down with it.
    }
    return true;
}

bool ProbeRun::finished() const
{
    std::lock_guard lock(m_mutex);
    return m_finished;
}

Observation ProbeRun::timedOut() const
{
    Observation observation;
    const auto waited = std::chrono::round<std::chrono::milliseconds>(m_deadline - m_started);
    const std::string after = "timed out after " + humanDuration(std::max(waited, std::chrono::milliseconds(0)));
    switch (m_phase.load()) {
    case Phase::Queued:
        observation.error = after + " waiting behind an earlier probe of " + m_target;
        break;
    case Phase::Connecting:
        observation.error = after + " connecting to " + m_target;
        break;
    case Phase::Querying:
        observation.error = after + " waiting for an answer from " + m_target;
        break;
    }
    observation.latencyMs = double(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - m_started).count()) / 1000.0;
    observation.observed["connected"] = m_phase.load() == Phase::Querying;
    observation.observed["latency_ms"] = observation.latencyMs;
    observation.figure = "timed out";
    return observation;
}

Worker::Worker(Target target) : m_session(std::move(target)), m_thread([this] { loop(); }) {}

Worker::~Worker()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
        m_session.interrupt();
    }
    m_wake.notify_all();
    m_thread.join();
    for (auto& [run, job] : m_queue) {
        Observation observation;
        observation.error = "the prober was stopped before the probe of " + m_session.target().display() + " ran";
        observation.observed["connected"] = false;
        run->finish(std::move(observation));
    }
}

void Worker::post(std::shared_ptr<ProbeRun> run, Job job)
{
    {
        std::lock_guard lock(m_mutex);
        m_queue.emplace_back(std::move(run), std::move(job));
    }
    m_wake.notify_one();
}

void Worker::interruptIfRunning(const ProbeRun* run)
{
    // Under m_mutex, so the worker cannot move on to the next probe meanwhile.
    std::lock_guard lock(m_mutex);
    if (m_running == run)
        m_session.interrupt();
}

void Worker::loop()
{
    std::unique_lock lock(m_mutex);
    while (true) {
        m_wake.wait(lock, [this] { return m_stop || !m_queue.empty(); });
        if (m_stop)
            return;
        auto [run, job] = std::move(m_queue.front());
        m_queue.pop_front();
        if (run->finished())  // the watchdog gave up on it while it waited
            continue;
        m_running = run.get();
        lock.unlock();
        try {
            job(m_session, m_stop);
        } catch (const std::exception& e) {
            // Jobs report their own errors; this only keeps the thread alive if one slips out.
            Observation observation;
            observation.error = std::string("internal error in the postgres prober: ") + e.what();
            run->finish(std::move(observation));
        }
        lock.lock();
        m_running = nullptr;
    }
}

} // namespace hopscope::pg
