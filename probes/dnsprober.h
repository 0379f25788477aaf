#pragma once

#include "prober.h"

#include <memory>

namespace hopscope {

// Answers `dns` checks with c-ares. One worker thread runs one event loop for every query
// in flight, so a hundred checks cost one thread and a few sockets, never a thread each.
//
// An explicit nameserver ("127.0.0.1:15353", "[::1]:53", "10.0.0.2") is asked directly,
// without search domains or the hosts file, so the check sees exactly what that server
// says. With no nameserver the check asks the way the machine's applications do: A/AAAA
// through the hosts file then resolv.conf's servers, other types through resolv.conf.
//
// What counts as an answer:
//   - NOERROR with records, NOERROR without (no data) and NXDOMAIN complete the probe:
//     the server answered, and conditions such as `rcode == "NOERROR"` or `answers > 0` judge it.
//   - SERVFAIL, REFUSED, no answer by the deadline, and a refused port do not: `error`
//     names the server ("timed out after 2 s waiting for 127.0.0.1:15353").
//
// Observed: answers (count), addresses (IPs; the CNAME target; TXT strings; "10 mail.x" for
// MX; "priority weight port target" for SRV), rcode, latency_ms, server (who was asked),
// message ("NXDOMAIN from 127.0.0.1:15353"), and addresses_match (only when the check lists
// expected addresses: the answers equal them as a set, IPs compared in canonical form).
class DnsProber final : public Prober {
public:
    DnsProber();
    ~DnsProber() override;  // completes whatever is still in flight with an error, then joins
    DnsProber(const DnsProber&) = delete;
    DnsProber& operator=(const DnsProber&) = delete;

    void start(const Check& check, ProbeDeadline deadline, ProbeCallback done) override;

private:
    class Loop;
    std::unique_ptr<Loop> m_loop;
};

} // namespace hopscope
