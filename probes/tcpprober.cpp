#include "tcpprober.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace hopscope {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct Endpoint {
    sockaddr_storage addr{};
    socklen_t length = 0;
};

struct Request {
    TcpProbe probe;
    std::string error;  // set when the check cannot be run at all
    ProbeDeadline deadline;
    milliseconds budget{0};
    ProbeCallback done;
};

struct Resolved {
    std::string host;
    std::vector<Endpoint> endpoints;  // port still 0
    std::string error;
};

// What the prober and its resolver helpers share. A helper may outlive the prober (it
// cannot interrupt getaddrinfo), so it holds this, never the prober, and only posts here.
struct Inbox {
    std::mutex mutex;
    std::deque<Request> requests;
    std::deque<Resolved> resolved;
    bool stopping = false;
    const int wake = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

    ~Inbox() { ::close(wake); }
    void notify() const
    {
        const std::uint64_t one = 1;
        [[maybe_unused]] auto written = ::write(wake, &one, sizeof one);
    }
};

std::string endpointText(const Endpoint& e)
{
    char buf[INET6_ADDRSTRLEN] = {};
    if (e.addr.ss_family == AF_INET6) {
        const auto* sa = reinterpret_cast<const sockaddr_in6*>(&e.addr);
        inet_ntop(AF_INET6, &sa->sin6_addr, buf, sizeof buf);
        return "[" + std::string(buf) + "]:" + std::to_string(ntohs(sa->sin6_port));
    }
    const auto* sa = reinterpret_cast<const sockaddr_in*>(&e.addr);
    inet_ntop(AF_INET, &sa->sin_addr, buf, sizeof buf);
    return std::string(buf) + ":" + std::to_string(ntohs(sa->sin_port));
}

void setPort(Endpoint& e, int port)
{
    if (e.addr.ss_family == AF_INET6)
        reinterpret_cast<sockaddr_in6*>(&e.addr)->sin6_port = htons(static_cast<std::uint16_t>(port));
    else
        reinterpret_cast<sockaddr_in*>(&e.addr)->sin_port = htons(static_cast<std::uint16_t>(port));
}

// "10.0.0.5", "::1" or "[::1]" → an endpoint without a port; nullopt for a host name.
std::optional<Endpoint> literalAddress(std::string host)
{
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    Endpoint e;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&e.addr);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&e.addr);
    if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        e.length = sizeof(sockaddr_in);
        return e;
    }
    if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        e.length = sizeof(sockaddr_in6);
        return e;
    }
    return std::nullopt;
}

void resolveInBackground(std::shared_ptr<Inbox> inbox, std::string host)
{
    std::thread([inbox = std::move(inbox), host = std::move(host)] {
        Resolved result{host, {}, {}};
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        addrinfo* list = nullptr;
        const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &list);
        if (rc != 0) {
            result.error = rc == EAI_SYSTEM ? std::strerror(errno) : ::gai_strerror(rc);
        } else {
            for (auto* ai = list; ai; ai = ai->ai_next) {
                if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
                    continue;
                Endpoint e;
                std::memcpy(&e.addr, ai->ai_addr, ai->ai_addrlen);
                e.length = ai->ai_addrlen;
                result.endpoints.push_back(e);
            }
            ::freeaddrinfo(list);
        }
        {
            std::lock_guard lock(inbox->mutex);
            if (inbox->stopping)
                return;
            inbox->resolved.push_back(std::move(result));
        }
        inbox->notify();
    }).detach();
}

Observation notConnected(std::string error, std::string figure, double latencyMs, const std::string& address = {})
{
    Observation o;
    o.error = std::move(error);
    o.figure = std::move(figure);
    o.latencyMs = latencyMs;
    o.observed["connected"] = false;
    o.observed["latency_ms"] = latencyMs;
    if (!address.empty())
        o.observed["address"] = address;
    return o;
}

} // namespace

class TcpProber::Loop {
public:
    Loop();
    ~Loop();
    void post(Request request);

private:
    struct Attempt {
        Request request;
        std::string target;  // "host:port" as the check wrote it
        bool literal = false;
        bool resolving = false;
        std::vector<Endpoint> endpoints;
        std::size_t next = 0;  // the endpoint being tried, or the next to try
        int fd = -1;
        std::vector<std::string> tried;
        int lastErrno = 0;
        Clock::time_point started;
    };

    void run();
    void accept(Request request);
    void onResolved(Resolved result);
    std::optional<Observation> advance(Attempt& attempt);
    std::optional<Observation> connected(Attempt& attempt);
    void finish(std::uint64_t id, Observation observation);
    void expire();
    int pollTimeoutMs() const;
    void shutdown();

    std::shared_ptr<Inbox> m_inbox = std::make_shared<Inbox>();
    // Only the worker touches these.
    std::map<std::uint64_t, Attempt> m_attempts;
    std::map<std::string, std::vector<std::uint64_t>> m_resolving;  // host → attempts waiting for it
    std::uint64_t m_nextId = 0;
    std::thread m_thread;  // last, so it starts once everything above exists
};

TcpProber::Loop::Loop()
    : m_thread([this] { run(); })
{
}

TcpProber::Loop::~Loop()
{
    {
        std::lock_guard lock(m_inbox->mutex);
        m_inbox->stopping = true;
    }
    m_inbox->notify();
    m_thread.join();
}

void TcpProber::Loop::post(Request request)
{
    {
        std::lock_guard lock(m_inbox->mutex);
        m_inbox->requests.push_back(std::move(request));
    }
    m_inbox->notify();
}

void TcpProber::Loop::run()
{
    std::vector<pollfd> fds;
    std::vector<std::uint64_t> ids;
    for (;;) {
        std::deque<Request> requests;
        std::deque<Resolved> resolved;
        {
            std::lock_guard lock(m_inbox->mutex);
            if (m_inbox->stopping)
                break;
            requests.swap(m_inbox->requests);
            resolved.swap(m_inbox->resolved);
        }
        for (auto& request : requests)
            accept(std::move(request));
        for (auto& result : resolved)
            onResolved(std::move(result));

        fds.assign(1, pollfd{m_inbox->wake, POLLIN, 0});
        ids.assign(1, 0);
        for (const auto& [id, attempt] : m_attempts) {
            if (attempt.fd >= 0) {
                fds.push_back(pollfd{attempt.fd, POLLOUT, 0});
                ids.push_back(id);
            }
        }
        ::poll(fds.data(), static_cast<nfds_t>(fds.size()), pollTimeoutMs());
        if (fds[0].revents) {
            std::uint64_t count = 0;
            [[maybe_unused]] auto got = ::read(m_inbox->wake, &count, sizeof count);
        }
        for (std::size_t i = 1; i < fds.size(); ++i) {
            if (!fds[i].revents)
                continue;
            auto& attempt = m_attempts.at(ids[i]);
            if (auto outcome = connected(attempt))
                finish(ids[i], std::move(*outcome));
        }
        expire();
    }
    shutdown();
}

void TcpProber::Loop::accept(Request request)
{
    const std::uint64_t id = ++m_nextId;
    auto& attempt = m_attempts[id];
    attempt.request = std::move(request);
    attempt.started = Clock::now();
    const TcpProbe& probe = attempt.request.probe;
    const bool v6 = probe.host.find(':') != std::string::npos && probe.host.find('[') == std::string::npos;
    attempt.target = (v6 ? "[" + probe.host + "]" : probe.host) + ":" + std::to_string(probe.port);
    if (!attempt.request.error.empty())
        return finish(id, notConnected(attempt.request.error, "not run", 0));
    if (probe.host.empty())
        return finish(id, notConnected("the check names no host", "not run", 0));
    if (probe.port < 1 || probe.port > 65535)
        return finish(id, notConnected("port " + std::to_string(probe.port) + " is out of range (1-65535)", "not run", 0));

    if (auto literal = literalAddress(probe.host)) {
        attempt.literal = true;
        attempt.endpoints.push_back(*literal);
        setPort(attempt.endpoints.back(), probe.port);
        if (auto outcome = advance(attempt))
            finish(id, std::move(*outcome));
        return;
    }
    attempt.resolving = true;
    auto& waiting = m_resolving[probe.host];
    waiting.push_back(id);
    if (waiting.size() > 1)
        return;  // a helper is already resolving this name
    try {
        resolveInBackground(m_inbox, probe.host);
    } catch (const std::system_error& e) {
        onResolved(Resolved{probe.host, {}, std::string("could not start a resolver thread: ") + e.what()});
    }
}

void TcpProber::Loop::onResolved(Resolved result)
{
    const auto waiting = m_resolving.extract(result.host);
    if (waiting.empty())
        return;
    for (const std::uint64_t id : waiting.mapped()) {
        const auto it = m_attempts.find(id);
        if (it == m_attempts.end())
            continue;  // it timed out while the name was resolving
        Attempt& attempt = it->second;
        attempt.resolving = false;
        if (!result.error.empty() || result.endpoints.empty()) {
            const std::string why = result.error.empty() ? "no IPv4 or IPv6 address" : result.error;
            finish(id, notConnected("could not resolve " + attempt.request.probe.host + ": " + why, "unresolved",
                                    msSince(attempt.started)));
            continue;
        }
        attempt.endpoints = result.endpoints;
        for (auto& e : attempt.endpoints)
            setPort(e, attempt.request.probe.port);
        if (auto outcome = advance(attempt))
            finish(id, std::move(*outcome));
    }
}

// Starts connecting to the next endpoint that does not fail at once. Returns the outcome
// when the attempt is over (connected, or every endpoint failed), nullopt while it waits.
std::optional<Observation> TcpProber::Loop::advance(Attempt& attempt)
{
    for (; attempt.next < attempt.endpoints.size(); ++attempt.next) {
        const Endpoint& e = attempt.endpoints[attempt.next];
        attempt.tried.push_back(endpointText(e));
        const int fd = ::socket(e.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            attempt.lastErrno = errno;
            continue;
        }
        const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&e.addr), e.length);
        if (rc == 0 || errno == EINPROGRESS) {
            attempt.fd = fd;
            if (rc != 0)
                return std::nullopt;  // poll() says when it is done
            return connected(attempt);
        }
        attempt.lastErrno = errno;
        ::close(fd);
    }
    const std::string where = attempt.target + (attempt.literal ? "" : " (tried " + [&] {
        std::string list;
        for (const auto& t : attempt.tried)
            list += (list.empty() ? "" : ", ") + t;
        return list;
    }() + ")");
    const std::string address = attempt.tried.empty() ? std::string() : attempt.tried.back();
    const double ms = msSince(attempt.started);
    switch (attempt.lastErrno) {
    case ECONNREFUSED:
        return notConnected("connection refused by " + where, "refused", ms, address);
    case ETIMEDOUT:
        return notConnected("timed out connecting to " + where, "timed out", ms, address);
    case EHOSTUNREACH:
        return notConnected("no route to host " + where, "unreachable", ms, address);
    case ENETUNREACH:
        return notConnected("network unreachable for " + where, "unreachable", ms, address);
    default:
        return notConnected("could not connect to " + where + ": " + std::strerror(attempt.lastErrno), "failed", ms, address);
    }
}

// The socket of the endpoint being tried became writable: it connected or failed.
std::optional<Observation> TcpProber::Loop::connected(Attempt& attempt)
{
    int error = 0;
    socklen_t length = sizeof error;
    if (::getsockopt(attempt.fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0)
        error = errno;
    ::close(attempt.fd);
    attempt.fd = -1;
    if (error != 0) {
        attempt.lastErrno = error;
        ++attempt.next;
        return advance(attempt);
    }
    Observation o;
    o.completed = true;
    o.latencyMs = msSince(attempt.started);
    o.observed["connected"] = true;
    o.observed["latency_ms"] = o.latencyMs;
    o.observed["address"] = attempt.tried.back();
    o.figure = "connected \xC2\xB7 " + std::to_string(std::lround(o.latencyMs)) + " ms";
    return o;
}

void TcpProber::Loop::finish(std::uint64_t id, Observation observation)
{
    const auto it = m_attempts.find(id);
    if (it->second.fd >= 0)
        ::close(it->second.fd);
    auto done = std::move(it->second.request.done);
    m_attempts.erase(it);
    done(std::move(observation));
}

void TcpProber::Loop::expire()
{
    const auto now = Clock::now();
    std::vector<std::uint64_t> overdue;
    for (const auto& [id, attempt] : m_attempts) {
        if (attempt.request.deadline <= now)
            overdue.push_back(id);
    }
    for (const std::uint64_t id : overdue) {
        const Attempt& a = m_attempts.at(id);
        const std::string after = "timed out after " + humanDuration(a.request.budget);
        const std::string address = a.tried.empty() ? std::string() : a.tried.back();
        if (a.resolving) {
            finish(id, notConnected(after + " resolving " + a.request.probe.host, "timed out", msSince(a.started)));
        } else {
            const std::string where = a.target + (a.literal || address.empty() ? "" : " (" + address + ")");
            finish(id, notConnected(after + " connecting to " + where, "timed out", msSince(a.started), address));
        }
    }
}

int TcpProber::Loop::pollTimeoutMs() const
{
    if (m_attempts.empty())
        return -1;
    auto next = ProbeDeadline::max();
    for (const auto& [id, attempt] : m_attempts)
        next = std::min(next, attempt.request.deadline);
    // Round up: waking a moment early would only spin until the deadline.
    const auto wait = std::chrono::ceil<milliseconds>(next - Clock::now()).count();
    return int(std::clamp<long long>(wait, 0, 60'000));
}

void TcpProber::Loop::shutdown()
{
    std::deque<Request> left;
    {
        std::lock_guard lock(m_inbox->mutex);
        left.swap(m_inbox->requests);
    }
    for (auto& request : left)
        request.done(notConnected("cancelled: the tcp prober was shut down before it connected", "cancelled", 0));
    while (!m_attempts.empty()) {
        const auto id = m_attempts.begin()->first;
        finish(id, notConnected("cancelled: the tcp prober was shut down before it connected", "cancelled",
                                msSince(m_attempts.begin()->second.started)));
    }
}

TcpProber::TcpProber()
    : m_loop(std::make_unique<Loop>())
{
}

TcpProber::~TcpProber() = default;

void TcpProber::start(const Check& check, ProbeDeadline deadline, ProbeCallback done)
{
    Request request;
    if (const auto* probe = std::get_if<TcpProbe>(&check.probe))
        request.probe = *probe;
    else
        request.error = "the tcp prober was given a " + std::string(toString(check.kind)) + " check";
    request.deadline = deadline;
    request.budget = roundedBudget(deadline - Clock::now());
    request.done = std::move(done);
    m_loop->post(std::move(request));
}

} // namespace hopscope
