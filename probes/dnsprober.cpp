#include "dnsprober.h"

#include <ares.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>
#include <vector>

namespace hopscope {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// c-ares retransmits after this long, doubling each try (1 + 2 + 4 + 8 s). The check's
// deadline, not c-ares, decides when to give up: these only recover a lost UDP packet.
constexpr int kTryTimeoutMs = 1000;
constexpr int kTries = 4;

void initAresOnce()
{
    // ares_library_init is not thread-safe and only the first call matters. Never cleaned
    // up: other code in the process may hold channels of its own.
    static std::once_flag once;
    std::call_once(once, [] { ares_library_init(ARES_LIB_INIT_ALL); });
}

std::optional<int> queryType(std::string type)
{
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return char(std::toupper(c)); });
    static const std::map<std::string, int> types{{"A", ns_t_a},     {"AAAA", ns_t_aaaa}, {"CNAME", ns_t_cname},
                                                  {"TXT", ns_t_txt}, {"MX", ns_t_mx},     {"SRV", ns_t_srv}};
    const auto it = types.find(type);
    return it == types.end() ? std::nullopt : std::optional<int>(it->second);
}

std::string rcodeName(int rcode)
{
    static const char* const names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"};
    return rcode >= 0 && rcode < 6 ? names[rcode] : "RCODE " + std::to_string(rcode);
}

std::string ipText(int family, const void* addr)
{
    char buf[INET6_ADDRSTRLEN] = {};
    return inet_ntop(family, addr, buf, sizeof buf) ? std::string(buf) : std::string();
}

// "127.0.0.1:5353", "[::1]:53", "10.0.0.2" → the "ip:port" c-ares takes, which is also how
// messages name the server. Host names are not accepted: c-ares needs an address here.
std::optional<std::string> nameserverAddress(const std::string& text)
{
    std::string host = text;
    std::string port = "53";
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string::npos)
            return std::nullopt;
        host = text.substr(1, close - 1);
        const std::string rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':')
                return std::nullopt;
            port = rest.substr(1);
        }
    } else if (std::count(text.begin(), text.end(), ':') == 1) {
        host = text.substr(0, text.find(':'));
        port = text.substr(text.find(':') + 1);
    }
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }))
        return std::nullopt;
    const int number = std::stoi(port);
    if (number < 1 || number > 65535)
        return std::nullopt;
    in6_addr addr{};
    if (inet_pton(AF_INET, host.c_str(), &addr) == 1)
        return host + ":" + port;
    if (inet_pton(AF_INET6, host.c_str(), &addr) == 1)
        return "[" + host + "]:" + port;
    return std::nullopt;
}

// How an answer compares with an expected one: IPs in canonical form, names without case
// or the trailing dot, TXT exactly as written.
std::string comparable(int type, std::string value)
{
    in6_addr addr{};
    if (type == ns_t_a && inet_pton(AF_INET, value.c_str(), &addr) == 1)
        return ipText(AF_INET, &addr);
    if (type == ns_t_aaaa && inet_pton(AF_INET6, value.c_str(), &addr) == 1)
        return ipText(AF_INET6, &addr);
    if (type == ns_t_txt)
        return value;
    std::transform(value.begin(), value.end(), value.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (!value.empty() && value.back() == '.')
        value.pop_back();
    return value;
}

// c-ares has no CNAME parser, and ares_parse_a_reply only reports aliases next to addresses,
// so walk the answer section for CNAME rdata ourselves.
int parseCnames(const unsigned char* abuf, int alen, std::vector<std::string>& out)
{
    if (alen < 12)
        return ARES_EBADRESP;
    const int qdcount = (abuf[4] << 8) | abuf[5];
    const int ancount = (abuf[6] << 8) | abuf[7];
    const unsigned char* p = abuf + 12;
    const unsigned char* end = abuf + alen;
    auto skipName = [&](std::string* into) {
        char* name = nullptr;
        long length = 0;
        if (ares_expand_name(p, abuf, alen, &name, &length) != ARES_SUCCESS)
            return false;
        if (into)
            *into = name;
        ares_free_string(name);
        p += length;
        return p <= end;
    };
    for (int i = 0; i < qdcount; ++i) {
        if (!skipName(nullptr) || end - p < 4)
            return ARES_EBADRESP;
        p += 4;
    }
    for (int i = 0; i < ancount; ++i) {
        if (!skipName(nullptr) || end - p < 10)
            return ARES_EBADRESP;
        const int type = (p[0] << 8) | p[1];
        const int rdlength = (p[8] << 8) | p[9];
        p += 10;
        if (end - p < rdlength)
            return ARES_EBADRESP;
        const unsigned char* next = p + rdlength;
        if (type == ns_t_cname) {
            std::string target;
            if (!skipName(&target))
                return ARES_EBADRESP;
            out.push_back(target);
        }
        p = next;
    }
    return out.empty() ? ARES_ENODATA : ARES_SUCCESS;
}

int parseRecords(int type, const unsigned char* abuf, int alen, std::vector<std::string>& out)
{
    int status = ARES_ENODATA;
    if (type == ns_t_a || type == ns_t_aaaa) {
        hostent* host = nullptr;
        status = type == ns_t_a ? ares_parse_a_reply(abuf, alen, &host, nullptr, nullptr)
                                : ares_parse_aaaa_reply(abuf, alen, &host, nullptr, nullptr);
        for (char** a = host ? host->h_addr_list : nullptr; a && *a; ++a)
            out.push_back(ipText(host->h_addrtype, *a));
        if (host)
            ares_free_hostent(host);
    } else if (type == ns_t_cname) {
        status = parseCnames(abuf, alen, out);
    } else if (type == ns_t_txt) {
        ares_txt_ext* txt = nullptr;
        status = ares_parse_txt_reply_ext(abuf, alen, &txt);
        for (auto* t = txt; t; t = t->next) {
            // A TXT record may be split into several strings; they read as one.
            if (t->record_start || out.empty())
                out.emplace_back();
            out.back().append(reinterpret_cast<const char*>(t->txt), t->length);
        }
        ares_free_data(txt);
    } else if (type == ns_t_mx) {
        ares_mx_reply* mx = nullptr;
        status = ares_parse_mx_reply(abuf, alen, &mx);
        for (auto* m = mx; m; m = m->next)
            out.push_back(std::to_string(m->priority) + " " + m->host);
        ares_free_data(mx);
    } else if (type == ns_t_srv) {
        ares_srv_reply* srv = nullptr;
        status = ares_parse_srv_reply(abuf, alen, &srv);
        for (auto* s = srv; s; s = s->next)
            out.push_back(std::to_string(s->priority) + " " + std::to_string(s->weight) + " " + std::to_string(s->port) + " "
                          + s->host);
        ares_free_data(srv);
    }
    return status;
}

std::string msText(double ms)
{
    return std::to_string(std::lround(ms)) + " ms";
}

Observation answered(const DnsProbe& probe, int type, const std::string& server, const std::string& rcode,
                     std::vector<std::string> records, double latencyMs)
{
    Observation o;
    o.completed = true;
    o.latencyMs = latencyMs;
    const auto count = records.size();
    auto& v = o.observed;
    v["answers"] = count;
    v["rcode"] = rcode;
    v["latency_ms"] = latencyMs;
    v["server"] = server;
    if (!probe.expectAddresses.empty()) {
        std::set<std::string> got;
        std::set<std::string> expected;
        for (const auto& r : records)
            got.insert(comparable(type, r));
        for (const auto& e : probe.expectAddresses)
            expected.insert(comparable(type, e));
        v["addresses_match"] = got == expected;
    }
    v["addresses"] = std::move(records);
    const std::string answers = std::to_string(count) + (count == 1 ? " answer" : " answers");
    if (rcode == "NXDOMAIN") {
        v["message"] = "NXDOMAIN from " + server;
        o.figure = "NXDOMAIN";
    } else if (count == 0) {
        v["message"] = "no " + probe.type + " records for " + probe.name + " at " + server;
        o.figure = answers + " \xC2\xB7 " + msText(latencyMs);
    } else {
        v["message"] = answers + " from " + server;
        o.figure = answers + " \xC2\xB7 " + msText(latencyMs);
    }
    return o;
}

Observation failed(const std::string& server, std::string error, std::string figure, double latencyMs,
                   const std::string& rcode = {})
{
    Observation o;
    o.error = std::move(error);
    o.figure = std::move(figure);
    o.latencyMs = latencyMs;
    o.observed["latency_ms"] = latencyMs;
    if (!server.empty())
        o.observed["server"] = server;
    if (!rcode.empty())
        o.observed["rcode"] = rcode;
    return o;
}

// Every way a query can end other than with an answer, in an engineer's words.
Observation failure(int status, const std::string& server, const std::string& name, Clock::time_point issued)
{
    const double ms = msSince(issued);
    switch (status) {
    case ARES_ESERVFAIL:
        return failed(server, "SERVFAIL from " + server, "SERVFAIL", ms, "SERVFAIL");
    case ARES_EREFUSED:
        return failed(server, "REFUSED by " + server, "REFUSED", ms, "REFUSED");
    case ARES_EFORMERR:
        return failed(server, "FORMERR from " + server + ": it could not read the query", "FORMERR", ms, "FORMERR");
    case ARES_ENOTIMP:
        return failed(server, "NOTIMP from " + server, "NOTIMP", ms, "NOTIMP");
    case ARES_ETIMEOUT:
        return failed(server,
                      "timed out after " + humanDuration(roundedBudget(Clock::now() - issued)) + " waiting for " + server,
                      "timed out", ms);
    case ARES_ECONNREFUSED:
        return failed(server, "connection refused by " + server, "refused", ms);
    case ARES_EBADNAME:
        return failed(server, "\"" + name + "\" is not a valid DNS name", "bad name", ms);
    case ARES_ECANCELLED:
    case ARES_EDESTRUCTION:
        return failed(server, "cancelled: the dns prober was shut down before " + server + " answered", "cancelled", ms);
    default:
        return failed(server, "no answer from " + server + ": " + ares_strerror(status), "failed", ms);
    }
}

} // namespace

class DnsProber::Loop {
public:
    struct Request {
        DnsProbe probe;
        std::string error;  // set when the check cannot be run at all
        ProbeDeadline deadline;
        milliseconds budget{0};
        ProbeCallback done;
    };

    Loop();
    ~Loop();
    void post(Request request);

private:
    struct Channel {
        ares_channel handle = nullptr;
        std::string label;  // "127.0.0.1:15353", or "the system resolver (10.0.0.2:53)"
        bool system = false;
        int owed = 0;     // callbacks c-ares still owes us, including for queries already timed out
        int waiting = 0;  // queries whose caller has not had its answer yet
    };
    struct Query {
        Loop* loop = nullptr;
        Channel* channel = nullptr;
        Request request;
        int type = 0;
        Clock::time_point issued;
        bool finished = false;
    };

    void run();
    void issue(Request request);
    Channel* channelFor(const std::string& server, std::string& error);
    int pollTimeoutMs() const;
    void processReady(std::vector<pollfd>& fds, const std::vector<Channel*>& owners);
    void expire();
    void shutdown();
    void finish(Query& query, Observation observation);
    void release(Query& query);
    static void onReply(void* arg, int status, int timeouts, unsigned char* abuf, int alen);
    static void onAddrinfo(void* arg, int status, int timeouts, ares_addrinfo* result);

    std::mutex m_mutex;
    std::deque<Request> m_incoming;
    bool m_stopping = false;
    int m_wake = -1;  // eventfd: start() and the destructor wake the poll with it
    // Only the worker touches these.
    std::map<std::string, std::unique_ptr<Channel>> m_channels;  // by "ip:port"; "" is the system resolver
    std::unordered_map<Query*, std::unique_ptr<Query>> m_queries;
    std::thread m_thread;  // last, so it starts once everything above exists
};

DnsProber::Loop::Loop()
    : m_wake(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC))
    , m_thread([this] { run(); })
{
}

DnsProber::Loop::~Loop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    const std::uint64_t one = 1;
    [[maybe_unused]] auto written = ::write(m_wake, &one, sizeof one);
    m_thread.join();
    ::close(m_wake);
}

void DnsProber::Loop::post(Request request)
{
    {
        std::lock_guard lock(m_mutex);
        m_incoming.push_back(std::move(request));
    }
    const std::uint64_t one = 1;
    [[maybe_unused]] auto written = ::write(m_wake, &one, sizeof one);
}

void DnsProber::Loop::run()
{
    std::vector<pollfd> fds;
    std::vector<Channel*> owners;
    for (;;) {
        std::deque<Request> incoming;
        {
            std::lock_guard lock(m_mutex);
            if (m_stopping)
                break;
            incoming.swap(m_incoming);
        }
        for (auto& request : incoming)
            issue(std::move(request));

        fds.assign(1, pollfd{m_wake, POLLIN, 0});
        owners.assign(1, nullptr);
        for (const auto& [key, channel] : m_channels) {
            ares_socket_t sockets[ARES_GETSOCK_MAXNUM];
            const int bits = ares_getsock(channel->handle, sockets, ARES_GETSOCK_MAXNUM);
            for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
                short events = 0;
                if (ARES_GETSOCK_READABLE(bits, i))
                    events |= POLLIN;
                if (ARES_GETSOCK_WRITABLE(bits, i))
                    events |= POLLOUT;
                if (events) {
                    fds.push_back(pollfd{sockets[i], events, 0});
                    owners.push_back(channel.get());
                }
            }
        }
        ::poll(fds.data(), static_cast<nfds_t>(fds.size()), pollTimeoutMs());
        if (fds[0].revents) {
            std::uint64_t count = 0;
            [[maybe_unused]] auto got = ::read(m_wake, &count, sizeof count);
        }
        processReady(fds, owners);
        expire();
    }
    shutdown();
}

void DnsProber::Loop::processReady(std::vector<pollfd>& fds, const std::vector<Channel*>& owners)
{
    for (std::size_t i = 1; i < fds.size(); ++i) {
        const short ready = fds[i].revents;
        if (!ready)
            continue;
        // An error or hang-up is handed to c-ares as readable so that it reads the error.
        const bool readable = ready & (POLLIN | POLLERR | POLLHUP);
        const bool writable = ready & POLLOUT;
        ares_process_fd(owners[i]->handle, readable ? fds[i].fd : ARES_SOCKET_BAD, writable ? fds[i].fd : ARES_SOCKET_BAD);
    }
    // With no socket named, c-ares only runs its timers: retransmits and per-try timeouts.
    for (const auto& [key, channel] : m_channels) {
        if (channel->owed > 0)
            ares_process_fd(channel->handle, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    }
}

int DnsProber::Loop::pollTimeoutMs() const
{
    const auto now = Clock::now();
    std::optional<Clock::time_point> next;
    auto consider = [&](Clock::time_point t) { next = next ? std::min(*next, t) : t; };
    for (const auto& [raw, query] : m_queries) {
        if (!query->finished)
            consider(query->request.deadline);
    }
    for (const auto& [key, channel] : m_channels) {
        timeval tv{};
        if (channel->owed > 0 && ares_timeout(channel->handle, nullptr, &tv))
            consider(now + std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec));
    }
    if (!next)
        return -1;
    // Round up: waking a moment early would only spin until the deadline.
    const auto wait = std::chrono::ceil<milliseconds>(*next - now).count();
    return int(std::clamp<long long>(wait, 0, 60'000));
}

void DnsProber::Loop::issue(Request request)
{
    auto reject = [&](std::string error, std::string figure) {
        request.done(failed({}, std::move(error), std::move(figure), 0));
    };
    if (!request.error.empty())
        return reject(request.error, "not run");
    const auto type = queryType(request.probe.type);
    if (!type)
        return reject("unsupported record type \"" + request.probe.type + "\" (A, AAAA, CNAME, TXT, MX or SRV)", "not run");
    std::string error;
    Channel* channel = channelFor(request.probe.server, error);
    if (!channel)
        return reject(error, "not run");

    auto owned = std::make_unique<Query>();
    Query* query = owned.get();
    query->loop = this;
    query->channel = channel;
    query->type = *type;
    query->issued = Clock::now();
    query->request = std::move(request);
    const std::string name = query->request.probe.name;
    // Registered before asking: c-ares may call back at once (a bad name, the hosts file).
    m_queries.emplace(query, std::move(owned));
    ++channel->owed;
    ++channel->waiting;
    if (channel->system && (*type == ns_t_a || *type == ns_t_aaaa)) {
        // The way applications resolve: the hosts file first, then resolv.conf's servers.
        ares_addrinfo_hints hints{};
        hints.ai_family = *type == ns_t_a ? AF_INET : AF_INET6;
        hints.ai_flags = ARES_AI_NOSORT;
        ares_getaddrinfo(channel->handle, name.c_str(), nullptr, &hints, &Loop::onAddrinfo, query);
    } else if (channel->system) {
        ares_search(channel->handle, name.c_str(), ns_c_in, *type, &Loop::onReply, query);
    } else {
        ares_query(channel->handle, name.c_str(), ns_c_in, *type, &Loop::onReply, query);
    }
}

DnsProber::Loop::Channel* DnsProber::Loop::channelFor(const std::string& server, std::string& error)
{
    std::string key;
    if (!server.empty()) {
        const auto address = nameserverAddress(server);
        if (!address) {
            error = "the nameserver \"" + server + "\" is not an IP address with an optional port "
                    "(\"127.0.0.1:5353\", \"[::1]:53\")";
            return nullptr;
        }
        key = *address;
    }
    if (const auto it = m_channels.find(key); it != m_channels.end())
        return it->second.get();

    initAresOnce();
    ares_options options{};
    options.timeout = kTryTimeoutMs;
    options.tries = kTries;
    int mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
    if (!key.empty()) {
        // Hand SERVFAIL and REFUSED back at once rather than retrying the one server we have.
        options.flags = ARES_FLAG_NOCHECKRESP;
        mask |= ARES_OPT_FLAGS;
    }
    auto channel = std::make_unique<Channel>();
    int status = ares_init_options(&channel->handle, &options, mask);
    if (status == ARES_SUCCESS && !key.empty())
        status = ares_set_servers_ports_csv(channel->handle, key.c_str());
    if (status != ARES_SUCCESS) {
        if (channel->handle)
            ares_destroy(channel->handle);
        error = std::string("could not set up a DNS resolver: ") + ares_strerror(status);
        return nullptr;
    }
    channel->system = key.empty();
    channel->label = key;
    if (channel->system) {
        std::string servers;
        ares_addr_port_node* list = nullptr;
        if (ares_get_servers_ports(channel->handle, &list) == ARES_SUCCESS) {
            for (auto* s = list; s; s = s->next) {
                const std::string ip = ipText(s->family, &s->addr);
                const std::string port = std::to_string(s->udp_port ? s->udp_port : 53);
                servers += (servers.empty() ? "" : ", ") + (s->family == AF_INET6 ? "[" + ip + "]" : ip) + ":" + port;
            }
            ares_free_data(list);
        }
        channel->label = "the system resolver (" + (servers.empty() ? std::string("no nameservers") : servers) + ")";
    }
    return m_channels.emplace(key, std::move(channel)).first->second.get();
}

void DnsProber::Loop::onReply(void* arg, int status, int, unsigned char* abuf, int alen)
{
    auto& query = *static_cast<Query*>(arg);
    Loop& loop = *query.loop;
    if (!query.finished) {
        const auto& probe = query.request.probe;
        const std::string& server = query.channel->label;
        std::vector<std::string> records;
        int parsed = status;
        if (status == ARES_SUCCESS)
            parsed = parseRecords(query.type, abuf, alen, records);
        if (parsed == ARES_SUCCESS || parsed == ARES_ENODATA)
            loop.finish(query, answered(probe, query.type, server, "NOERROR", std::move(records), msSince(query.issued)));
        else if (parsed == ARES_ENOTFOUND)
            loop.finish(query, answered(probe, query.type, server, "NXDOMAIN", {}, msSince(query.issued)));
        else if (status == ARES_SUCCESS)
            loop.finish(query, failed(server, "could not read the answer from " + server + ": " + ares_strerror(parsed),
                                      "bad answer", msSince(query.issued), rcodeName(abuf[3] & 0x0f)));
        else
            loop.finish(query, failure(status, server, probe.name, query.issued));
    }
    loop.release(query);
}

void DnsProber::Loop::onAddrinfo(void* arg, int status, int, ares_addrinfo* result)
{
    auto& query = *static_cast<Query*>(arg);
    Loop& loop = *query.loop;
    if (!query.finished) {
        const std::string& server = query.channel->label;
        std::vector<std::string> records;
        for (auto* node = result ? result->nodes : nullptr; node; node = node->ai_next) {
            const void* addr = node->ai_family == AF_INET6
                ? static_cast<const void*>(&reinterpret_cast<const sockaddr_in6*>(node->ai_addr)->sin6_addr)
                : static_cast<const void*>(&reinterpret_cast<const sockaddr_in*>(node->ai_addr)->sin_addr);
            std::string ip = ipText(node->ai_family, addr);
            if (std::find(records.begin(), records.end(), ip) == records.end())
                records.push_back(std::move(ip));
        }
        if (status == ARES_SUCCESS || status == ARES_ENODATA)
            loop.finish(query, answered(query.request.probe, query.type, server, "NOERROR", std::move(records), msSince(query.issued)));
        else if (status == ARES_ENOTFOUND)
            loop.finish(query, answered(query.request.probe, query.type, server, "NXDOMAIN", {}, msSince(query.issued)));
        else
            loop.finish(query, failure(status, server, query.request.probe.name, query.issued));
    }
    if (result)
        ares_freeaddrinfo(result);
    loop.release(query);
}

void DnsProber::Loop::finish(Query& query, Observation observation)
{
    query.finished = true;
    --query.channel->waiting;
    auto done = std::move(query.request.done);
    done(std::move(observation));
}

void DnsProber::Loop::release(Query& query)
{
    --query.channel->owed;
    m_queries.erase(&query);
}

void DnsProber::Loop::expire()
{
    const auto now = Clock::now();
    std::vector<Query*> overdue;
    for (const auto& [raw, query] : m_queries) {
        if (!query->finished && query->request.deadline <= now)
            overdue.push_back(raw);
    }
    for (Query* query : overdue) {
        const std::string& server = query->channel->label;
        finish(*query, failed(server, "timed out after " + humanDuration(query->request.budget) + " waiting for " + server,
                              "timed out", msSince(query->issued)));
    }
    // Nobody waits on these any more: cancelling stops retransmits to a server that is down.
    for (const auto& [key, channel] : m_channels) {
        if (channel->waiting == 0 && channel->owed > 0)
            ares_cancel(channel->handle);
    }
}

void DnsProber::Loop::shutdown()
{
    std::deque<Request> left;
    {
        std::lock_guard lock(m_mutex);
        left.swap(m_incoming);
    }
    for (auto& request : left)
        request.done(failed({}, "cancelled: the dns prober was shut down before the query was sent", "cancelled", 0));
    // ares_destroy calls back every query still in flight with ARES_EDESTRUCTION.
    for (const auto& [key, channel] : m_channels)
        ares_destroy(channel->handle);
    m_channels.clear();
}

DnsProber::DnsProber()
    : m_loop(std::make_unique<Loop>())
{
}

DnsProber::~DnsProber() = default;

void DnsProber::start(const Check& check, ProbeDeadline deadline, ProbeCallback done)
{
    Loop::Request request;
    if (const auto* probe = std::get_if<DnsProbe>(&check.probe))
        request.probe = *probe;
    else
        request.error = "the dns prober was given a " + std::string(toString(check.kind)) + " check";
    request.deadline = deadline;
    request.budget = roundedBudget(deadline - Clock::now());
    request.done = std::move(done);
    m_loop->post(std::move(request));
}

} // namespace hopscope
