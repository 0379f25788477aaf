#pragma once

#include "prober.h"

#include <memory>

namespace hopscope {

// Answers `tcp` checks: can a connection to host:port be opened before the deadline? One
// worker thread runs non-blocking connects for every probe in flight under one poll(), so
// two hundred checks cost one thread. The connection is closed as soon as it is open.
//
// A literal IP is connected to at once. A host name is resolved with getaddrinfo on a helper
// thread (one per distinct name in flight), because getaddrinfo cannot be bounded; if it is
// still resolving at the deadline the probe ends anyway with "timed out after 3 s resolving
// db.internal" and the helper's late answer is dropped. Each resolved address is tried in
// turn until one connects, so "localhost" reaches a server that listens on 127.0.0.1 only.
//
// Outcomes: a connection is completed, with connected == true and latency_ms. A refused or
// timed-out connect is NOT completed — `error` says why ("connection refused by
// 127.0.0.1:9", "timed out after 3 s connecting to 10.0.0.5:5432") so the hop goes red
// with that sentence — but observed.connected == false is still set, so a condition such
// as `connected == false` (a port that must stay closed) can read it.
//
// Observed: connected, latency_ms, address (the "ip:port" last tried).
class TcpProber final : public Prober {
public:
    TcpProber();
    ~TcpProber() override;  // completes whatever is still in flight with an error, then joins
    TcpProber(const TcpProber&) = delete;
    TcpProber& operator=(const TcpProber&) = delete;

    void start(const Check& check, ProbeDeadline deadline, ProbeCallback done) override;

private:
    class Loop;
    std::unique_ptr<Loop> m_loop;
};

} // namespace hopscope
