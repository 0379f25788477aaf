#pragma once

#include "prober.h"

#include <memory>

namespace hopscope {

// Probes PostgreSQL with libpqxx. One persistent connection per distinct DSN, opened lazily
// and reopened after a failure, so watching a database never adds to its connection pressure
// (incident 002 ran out of connections). libpq blocks, so each DSN has its own worker thread:
// probes of one DSN queue behind each other on its connection, different DSNs run in
// parallel. Every probe runs in a READ ONLY transaction with statement_timeout and
// lock_timeout set to what is left of its deadline, and a watchdog reports a probe that
// outlives its deadline (a server that stops answering mid-query) and cuts its connection.
// Messages name the server as host:port/dbname, never with the DSN's password.
class PostgresProber final : public Prober {
public:
    PostgresProber();
    // Stops the workers: a query in progress is cut off, and every probe not yet answered
    // is answered with an error, so `done` is still called exactly once.
    ~PostgresProber() override;
    PostgresProber(const PostgresProber&) = delete;
    PostgresProber& operator=(const PostgresProber&) = delete;

    void start(const Check& check, ProbeDeadline deadline, ProbeCallback done) override;

private:
    class State;
    std::unique_ptr<State> m_state;
};

} // namespace hopscope
