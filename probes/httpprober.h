#pragma once

#include "prober.h"

#include <memory>

namespace hopscope {

// Probes http and https checks with libcurl's multi interface: one worker thread drives
// every transfer at once, so a sweep of hundreds of checks costs one thread and lasts
// about as long as its slowest check, not the sum of them.
//
// Every probe opens a fresh connection and resolves afresh (nothing is reused between
// probes), because a reused connection would hide exactly the DNS, TCP and TLS phases an
// engineer is trying to see. Only http:// and https:// URLs are ever fetched.
//
// Observed values: status, latency_ms (whole transfer), dns_ms, connect_ms (TCP handshake),
// tls_ms (TLS handshake), ttfb_ms (from the request sent to the first response byte: the
// server's own time), body (at most maxBodyBytes, as UTF-8), body_bytes (bytes received),
// truncated, json (the body when it parses as JSON), headers (lower-cased names),
// cert_days_left (https, also when verification is off), redirects.
//
// Size cap: once the body passes maxBodyBytes the transfer is stopped, not drained, so a
// 100 MB answer costs neither memory nor time; the probe still completes, truncated.
//
// Destroying the prober stops its thread; probes still running are completed with the
// error "cancelled" (from the worker thread, before the destructor returns).
class HttpProber final : public Prober {
public:
    HttpProber();
    ~HttpProber() override;
    HttpProber(const HttpProber&) = delete;
    HttpProber& operator=(const HttpProber&) = delete;

    void start(const Check& check, ProbeDeadline deadline, ProbeCallback done) override;

private:
    class Worker;
    std::unique_ptr<Worker> m_worker;
};

} // namespace hopscope
