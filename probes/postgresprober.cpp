#include "postgresprober.h"

#include "postgresbuiltins.h"
#include "postgressession.h"
#include "postgresworker.h"

#include <pqxx/pqxx>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace hopscope {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using pg::ProbeRun;
using pg::Session;
using pg::Worker;

namespace {

// statement_timeout ends this long before the deadline, so the server's own error (which
// says what happened) arrives before the watchdog has to give up.
constexpr auto kServerMargin = 150ms;
// The watchdog answers for a worker this long after the deadline: the "small margin".
constexpr auto kWatchdogMargin = 250ms;

milliseconds statementTimeoutFor(const PostgresProbe& probe, ProbeDeadline deadline)
{
    const auto left = std::chrono::floor<milliseconds>(deadline - Clock::now() - kServerMargin);
    const auto timeout = probe.statementTimeout > 0ms ? std::min(probe.statementTimeout, left) : left;
    if (timeout < 1ms)
        throw pg::ProbeError("timed out: no time was left for the query after connecting");
    return timeout;
}

std::string describeSqlError(const pqxx::sql_error& error, milliseconds timeout, const pg::Target& target)
{
    std::string message = pg::cleanMessage(error.what(), target);
    // "canceling statement due to statement timeout" does not say how long it waited.
    if ((error.sqlstate() == "57014" && message.find("statement timeout") != std::string::npos) ||
        (error.sqlstate() == "55P03" && message.find("lock timeout") != std::string::npos))
        message += " (" + humanDuration(timeout) + ")";
    return message;
}

// The server answered, but the query names a table, column, function or schema the database
// lacks: a fault of the schema (the migration job's hop), not of the server.
bool isMissingObject(const std::string& sqlstate)
{
    return sqlstate == "42P01" || sqlstate == "42703" || sqlstate == "42883" || sqlstate == "3F000";
}

using Body = std::function<void(pqxx::transaction_base&, Observation&)>;

// Runs body on this DSN's connection inside a READ ONLY transaction whose statement_timeout
// and lock_timeout are what is left of the deadline (SET LOCAL, so they end with it). A
// reused connection found broken (the backend was terminated, the server restarted) is
// reopened once within the same probe: a stale idle connection says nothing about the
// database now.
Observation observe(Session& session, const PostgresProbe& probe, ProbeRun& run, const std::atomic<bool>& stop,
                    const Body& body)
{
    const auto started = Clock::now();
    Observation obs;
    milliseconds timeout{0};
    for (int attempt = 0;; ++attempt) {
        obs = Observation{};
        obs.observed["connected"] = false;
        try {
            run.setPhase(ProbeRun::Phase::Connecting);
            pqxx::connection_base& connection = session.connect(run.deadline(), probe.connectTimeout, stop);
            obs.observed["connected"] = true;
            run.setPhase(ProbeRun::Phase::Querying);
            timeout = statementTimeoutFor(probe, run.deadline());
            pqxx::read_transaction tx(connection);
            tx.exec_params("select set_config('statement_timeout', $1, true), set_config('lock_timeout', $1, true)",
                           std::to_string(timeout.count()));
            body(tx, obs);
            tx.abort();  // read-only: nothing to keep
            obs.completed = true;
        } catch (const pqxx::broken_connection& e) {
            const bool stale = session.reused() && attempt == 0;
            std::string why = session.lastError();
            if (why.empty())
                why = pg::cleanMessage(e.what(), session.target());
            session.drop();
            if (stale && !stop && !run.finished() && Clock::now() + kServerMargin < run.deadline())
                continue;
            obs.observed["connected"] = false;
            obs.error = "lost the connection to " + session.target().display() + ": " + why;
        } catch (const pqxx::sql_error& e) {
            obs.error = describeSqlError(e, timeout, session.target());
            obs.inconclusive = isMissingObject(e.sqlstate());
        } catch (const pg::ProbeError& e) {
            obs.error = e.what();
            obs.inconclusive = e.inconclusive();
        } catch (const std::exception& e) {
            obs.error = pg::cleanMessage(e.what(), session.target());
        }
        break;
    }
    obs.latencyMs = msSince(started);
    obs.observed["latency_ms"] = obs.latencyMs;
    if (obs.completed && obs.figure.empty())
        obs.figure = "connected · " + std::to_string(std::lround(obs.latencyMs)) + " ms";
    return obs;
}

std::string whereIs(const nlohmann::json& summary)
{
    return summary.value("database", "") + "@" + summary.value("host", "") + ":" +
           std::to_string(summary.value("port", 0LL));
}

// Two servers are one when their system identifiers match (a standby shares its primary's),
// or, where the role may not read pg_control_system(), when they listen on the same address.
Observation sameDatabase(Observation mine, const Observation& theirs, const pg::Target& other)
{
    if (!mine.error.empty())
        return mine;
    Observation obs;
    obs.latencyMs = std::max(mine.latencyMs, theirs.latencyMs);
    obs.observed["connected"] = true;
    obs.observed["latency_ms"] = obs.latencyMs;
    if (!theirs.error.empty()) {
        obs.error = "could not reach the other database (" + other.display() + "): " + theirs.error;
        return obs;
    }
    const nlohmann::json& a = mine.observed["this"];
    const nlohmann::json& b = theirs.observed.at("this");
    const bool identified = a["system_identifier"].is_string() && b["system_identifier"].is_string();
    const bool sameServer = identified ? a["system_identifier"] == b["system_identifier"]
                                       : a["host"] == b["host"] && a["port"] == b["port"];
    const bool same = sameServer && a["database"] == b["database"];
    obs.completed = true;
    obs.observed["same_database"] = same;
    obs.observed["value"] = same;
    obs.observed["this"] = a;
    obs.observed["other"] = b;
    obs.figure = same ? "same database (" + whereIs(a) + ")" : whereIs(a) + " ≠ " + whereIs(b);
    return obs;
}

} // namespace

class PostgresProber::State {
public:
    State() : m_watchdog([this] { watchLoop(); }) {}
    ~State();
    State(const State&) = delete;
    State& operator=(const State&) = delete;

    Worker& worker(const std::string& dsn, milliseconds connectTimeout);
    // The watchdog answers for run if its workers have not by the deadline plus a margin.
    void watch(std::shared_ptr<ProbeRun> run, std::vector<Worker*> workers);
    // Answers from the watchdog's thread: `done` is never called inside start().
    void answerSoon(std::shared_ptr<ProbeRun> run, Observation observation);

private:
    struct Watched {
        std::shared_ptr<ProbeRun> run;
        std::vector<Worker*> workers;
    };
    void watchLoop();

    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    std::map<std::string, std::unique_ptr<Worker>> m_workers;
    std::vector<Watched> m_watched;
    std::vector<std::pair<std::shared_ptr<ProbeRun>, Observation>> m_answers;
    std::thread m_watchdog;  // last: it starts once everything it uses exists
};

PostgresProber::State::~State()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    m_watchdog.join();
    for (auto& [run, observation] : m_answers)
        run->finish(std::move(observation));
    // Each worker cuts its query short and answers what it still holds.
    m_workers.clear();
}

Worker& PostgresProber::State::worker(const std::string& dsn, milliseconds connectTimeout)
{
    std::lock_guard lock(m_mutex);
    auto& slot = m_workers[dsn];
    if (!slot)
        slot = std::make_unique<Worker>(pg::parseDsn(dsn, connectTimeout));
    return *slot;
}

void PostgresProber::State::watch(std::shared_ptr<ProbeRun> run, std::vector<Worker*> workers)
{
    {
        std::lock_guard lock(m_mutex);
        m_watched.push_back({std::move(run), std::move(workers)});
    }
    m_wake.notify_all();
}

void PostgresProber::State::answerSoon(std::shared_ptr<ProbeRun> run, Observation observation)
{
    {
        std::lock_guard lock(m_mutex);
        m_answers.emplace_back(std::move(run), std::move(observation));
    }
    m_wake.notify_all();
}

void PostgresProber::State::watchLoop()
{
    std::unique_lock lock(m_mutex);
    while (!m_stop) {
        if (!m_answers.empty()) {
            auto answers = std::move(m_answers);
            m_answers.clear();
            lock.unlock();
            for (auto& [run, observation] : answers)
                run->finish(std::move(observation));
            lock.lock();
            continue;
        }
        std::erase_if(m_watched, [](const Watched& w) { return w.run->finished(); });
        const auto now = Clock::now();
        const auto late = std::partition(m_watched.begin(), m_watched.end(),
                                         [&](const Watched& w) { return w.run->deadline() + kWatchdogMargin > now; });
        if (late != m_watched.end()) {
            std::vector<Watched> expired(std::make_move_iterator(late), std::make_move_iterator(m_watched.end()));
            m_watched.erase(late, m_watched.end());
            lock.unlock();
            for (const auto& w : expired) {
                // Workers outlive the watchdog, so these pointers are still good.
                if (w.run->finish(w.run->timedOut())) {
                    for (Worker* worker : w.workers)
                        worker->interruptIfRunning(w.run.get());
                }
            }
            lock.lock();
            continue;
        }
        if (m_watched.empty()) {
            m_wake.wait(lock);
        } else {
            const auto next = std::min_element(m_watched.begin(), m_watched.end(), [](const Watched& a, const Watched& b) {
                return a.run->deadline() < b.run->deadline();
            });
            m_wake.wait_until(lock, next->run->deadline() + kWatchdogMargin);
        }
    }
}

PostgresProber::PostgresProber() : m_state(std::make_unique<State>()) {}

PostgresProber::~PostgresProber() = default;

void PostgresProber::start(const Check& check, ProbeDeadline deadline, ProbeCallback done)
{
    const auto* probe = std::get_if<PostgresProbe>(&check.probe);
    if (!probe) {
        Observation observation;
        observation.error = "the postgres prober was given a check that is not a postgres check (" + check.name + ")";
        m_state->answerSoon(std::make_shared<ProbeRun>(std::move(done), deadline, std::string()), std::move(observation));
        return;
    }
    Worker& mine = m_state->worker(probe->dsn, probe->connectTimeout);
    auto run = std::make_shared<ProbeRun>(std::move(done), deadline, mine.target().display());

    if (probe->builtin != PostgresProbe::Builtin::SameDatabase) {
        m_state->watch(run, {&mine});
        mine.post(run, [run, probe = *probe](Session& session, const std::atomic<bool>& stop) {
            run->finish(observe(session, probe, *run, stop, [&](pqxx::transaction_base& tx, Observation& obs) {
                pg::observeBuiltin(tx, probe, session.target(), obs);
            }));
        });
        return;
    }

    // Both sides through their own DSN's worker and connection, in parallel; whichever side
    // answers second composes the answer.
    Worker& theirs = m_state->worker(probe->sameDatabaseAs, probe->connectTimeout);
    struct Join {
        std::mutex mutex;
        Observation sides[2];
        int waiting = 2;
    };
    auto join = std::make_shared<Join>();
    const pg::Target other = theirs.target();
    m_state->watch(run, {&mine, &theirs});
    for (int side = 0; side < 2; ++side) {
        PostgresProbe sideProbe = *probe;
        sideProbe.dsn = side == 0 ? probe->dsn : probe->sameDatabaseAs;
        Worker& worker = side == 0 ? mine : theirs;
        worker.post(run, [run, join, side, other, sideProbe](Session& session, const std::atomic<bool>& stop) {
            Observation observation = observe(session, sideProbe, *run, stop, [&](pqxx::transaction_base& tx, Observation& obs) {
                obs.observed["this"] = pg::serverSummary(tx, session.target());
            });
            bool last = false;
            {
                std::lock_guard lock(join->mutex);
                join->sides[side] = std::move(observation);
                last = --join->waiting == 0;
            }
            if (last)
                run->finish(sameDatabase(std::move(join->sides[0]), join->sides[1], other));
        });
    }
}

} // namespace hopscope
