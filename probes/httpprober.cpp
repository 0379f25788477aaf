#include "httpprober.h"

#include <arpa/inet.h>
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <ctime>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace hopscope {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// OpenSSL's X509_V_ERR_* values, as CURLINFO_SSL_VERIFYRESULT reports them (probes does not
// link OpenSSL itself).
constexpr long kCertNotYetValid = 9;
constexpr long kCertHasExpired = 10;
constexpr long kDepthZeroSelfSigned = 18;
constexpr long kSelfSignedInChain = 19;
constexpr long kUnknownIssuer = 20;
constexpr long kUnverifiableLeaf = 21;

// nlohmann::json refuses to serialise invalid UTF-8, and a body cut at the cap or a Latin-1
// header can be invalid: each bad byte becomes U+FFFD so the evidence can always be shown.
std::string validUtf8(std::string_view in)
{
    std::string out;
    out.reserve(in.size());
    std::size_t i = 0;
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(in[k]); };
    while (i < in.size()) {
        const unsigned char c = byte(i);
        std::size_t len = 0;
        unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte (Unicode table 3-7)
        if (c < 0x80)
            len = 1;
        else if (c >= 0xC2 && c <= 0xDF)
            len = 2;
        else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            lo = c == 0xE0 ? 0xA0 : 0x80;
            hi = c == 0xED ? 0x9F : 0xBF;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            lo = c == 0xF0 ? 0x90 : 0x80;
            hi = c == 0xF4 ? 0x8F : 0xBF;
        }
        bool ok = len > 0 && i + len <= in.size();
        for (std::size_t k = 1; ok && k < len; ++k) {
            const unsigned char b = byte(i + k);
            ok = k == 1 ? (b >= lo && b <= hi) : (b >= 0x80 && b <= 0xBF);
        }
        if (ok) {
            out.append(in.substr(i, len));
            i += len;
        } else {
            out.append("\xEF\xBF\xBD");
            ++i;
        }
    }
    return out;
}

double roundedMs(curl_off_t micros)
{
    return std::round(static_cast<double>(micros) / 100.0) / 10.0;
}

struct Request {
    HttpProbe probe;
    ProbeDeadline deadline;
    milliseconds timeoutLabel;  // the timeout as the engineer wrote it, for messages
    ProbeCallback done;
    std::string refusal;  // set when the check cannot be probed at all
    Clock::time_point admitted{};
};

// One transfer in flight: its easy handle and everything curl keeps pointers into.
struct Transfer {
    explicit Transfer(Request r) : request(std::move(r)), easy(curl_easy_init()) {}
    ~Transfer()
    {
        curl_easy_cleanup(easy);
        curl_slist_free_all(headerList);
    }
    Transfer(const Transfer&) = delete;
    Transfer& operator=(const Transfer&) = delete;

    Request request;
    CURL* easy = nullptr;
    curl_slist* headerList = nullptr;
    std::string body;
    std::uint64_t bodyBytes = 0;
    bool truncated = false;
    bool headerArrived = false;
    nlohmann::json headers = nlohmann::json::object();
    char errorBuffer[CURL_ERROR_SIZE] = {};
};

size_t onBody(char* data, size_t size, size_t count, void* user)
{
    auto* t = static_cast<Transfer*>(user);
    const std::size_t n = size * count;
    const std::uint64_t cap = t->request.probe.maxBodyBytes;
    t->bodyBytes += n;
    if (t->body.size() < cap)
        t->body.append(data, std::min<std::uint64_t>(n, cap - t->body.size()));
    if (t->bodyBytes > cap) {
        // Stop rather than drain: reading the rest of a huge answer would only cost time.
        t->truncated = true;
        return 0;
    }
    return n;
}

size_t onHeader(char* data, size_t size, size_t count, void* user)
{
    auto* t = static_cast<Transfer*>(user);
    const std::size_t n = size * count;
    std::string_view line(data, n);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
        line.remove_suffix(1);
    if (line.starts_with("HTTP/")) {
        // A new response (after a redirect or a 100 Continue): only the last one's headers count.
        t->headerArrived = true;
        t->headers = nlohmann::json::object();
        return n;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos)
        return n;
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    const std::string text = validUtf8(value);
    auto& slot = t->headers[validUtf8(name)];
    slot = slot.is_string() ? slot.get<std::string>() + ", " + text : text;
    return n;
}

// Configures the easy handle from the probe; returns an error message, or "" when ready.
std::string configure(Transfer& t, milliseconds remaining)
{
    const HttpProbe& p = t.request.probe;
    CURL* e = t.easy;
    if (!e)
        return "could not create a curl transfer";
    curl_easy_setopt(e, CURLOPT_PRIVATE, static_cast<void*>(&t));
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.errorBuffer);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    if (curl_easy_setopt(e, CURLOPT_URL, p.url.c_str()) != CURLE_OK)
        return "malformed URL: " + p.url;
    // Never file://, gopher:// and the like, not even through a redirect.
    if (curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK
        || curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") != CURLE_OK)
        return "this libcurl cannot be limited to http and https (7.85 or newer is needed)";
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(remaining.count()));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(remaining.count()));
    // Each probe measures the whole path: no reused connection, no cached DNS answer.
    curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(e, CURLOPT_DNS_CACHE_TIMEOUT, 0L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "Hopscope/" HOPSCOPE_VERSION);

    if (p.method == "HEAD")
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    else if (p.method != "GET" || !p.body.empty())
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, p.method.c_str());
    if (!p.body.empty()) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, p.body.c_str());
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(p.body.size()));
    }
    bool hasExpect = false;
    for (const auto& [name, value] : p.headers) {
        // "Name:" would make curl drop the header; "Name;" sends it empty.
        const std::string line = value.empty() ? name + ";" : name + ": " + value;
        t.headerList = curl_slist_append(t.headerList, line.c_str());
        std::string lower = name;
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        hasExpect = hasExpect || lower == "expect";
    }
    if (!hasExpect)  // curl's 100-continue wait adds a second to large bodies on many servers
        t.headerList = curl_slist_append(t.headerList, "Expect:");
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.headerList);

    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, p.followRedirects ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, static_cast<long>(p.maxRedirects));
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, p.verifyTls ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, p.verifyTls ? 2L : 0L);
    curl_easy_setopt(e, CURLOPT_CERTINFO, 1L);  // cert_days_left, even when verification is off
    if (!p.caFile.empty())
        curl_easy_setopt(e, CURLOPT_CAINFO, p.caFile.c_str());
    if (!p.clientCert.empty())
        curl_easy_setopt(e, CURLOPT_SSLCERT, p.clientCert.c_str());
    if (!p.clientKey.empty())
        curl_easy_setopt(e, CURLOPT_SSLKEY, p.clientKey.c_str());

    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &onBody);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, static_cast<void*>(&t));
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &onHeader);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, static_cast<void*>(&t));
    return {};
}

curl_off_t timeInfo(CURL* e, CURLINFO what)
{
    curl_off_t value = 0;
    curl_easy_getinfo(e, what, &value);
    return value;
}

// Days until the server certificate's notAfter; negative once it has expired.
std::optional<long> certDaysLeft(CURL* e)
{
    curl_certinfo* info = nullptr;
    if (curl_easy_getinfo(e, CURLINFO_CERTINFO, &info) != CURLE_OK || !info || info->num_of_certs < 1)
        return std::nullopt;
    constexpr std::string_view key = "Expire date:";
    for (const curl_slist* item = info->certinfo[0]; item; item = item->next) {
        const std::string_view line(item->data);
        if (!line.starts_with(key))
            continue;
        const std::string date(line.substr(key.size()));  // "Jan  2 00:00:00 2020 GMT"
        const std::time_t notAfter = curl_getdate(date.c_str(), nullptr);
        if (notAfter == -1)
            return std::nullopt;
        const double seconds = std::difftime(notAfter, std::time(nullptr));
        return static_cast<long>(std::floor(seconds / 86400.0));
    }
    return std::nullopt;
}

std::string hostOf(const std::string& url)
{
    std::string host = url;
    if (CURLU* u = curl_url()) {
        char* part = nullptr;
        if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK
            && curl_url_get(u, CURLUPART_HOST, &part, 0) == CURLUE_OK) {
            host = part;
            curl_free(part);
        }
        curl_url_cleanup(u);
    }
    return host;
}

// "connection reset by peer" + " while waiting for the response header"
std::string during(const std::string& what, const std::string& phase)
{
    return what + (phase.starts_with("during") ? " " : " while ") + phase;
}

struct Failure {
    std::string message;
    std::string figure;
};

// Where in the exchange the transfer was when it failed, in an engineer's words.
std::string phaseOf(const Transfer& t, bool https)
{
    const std::string host = hostOf(t.request.probe.url);
    if (timeInfo(t.easy, CURLINFO_CONNECT_TIME_T) == 0) {
        in_addr address{};
        const bool literal = inet_pton(AF_INET, host.c_str(), &address) == 1 || host.starts_with('[');
        const bool resolved = literal || timeInfo(t.easy, CURLINFO_NAMELOOKUP_TIME_T) > 0;
        return (resolved ? "connecting to " : "resolving ") + host;
    }
    if (https && timeInfo(t.easy, CURLINFO_APPCONNECT_TIME_T) == 0)
        return "during the TLS handshake";
    if (!t.headerArrived)
        return "waiting for the response header";
    curl_off_t expected = -1;
    curl_easy_getinfo(t.easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &expected);
    return "reading the response body (" + std::to_string(t.bodyBytes) + " of "
           + (expected >= 0 ? std::to_string(expected) : std::string("?")) + " bytes)";
}

Failure tlsFailure(const Transfer& t)
{
    long verify = 0;
    curl_easy_getinfo(t.easy, CURLINFO_SSL_VERIFYRESULT, &verify);
    switch (verify) {
    case kCertHasExpired: return {"TLS certificate has expired", "cert expired"};
    case kCertNotYetValid: return {"TLS certificate is not valid yet", "cert not yet valid"};
    case kDepthZeroSelfSigned: return {"self-signed certificate", "self-signed"};
    case kSelfSignedInChain: return {"self-signed certificate in the chain", "self-signed"};
    case kUnknownIssuer:
    case kUnverifiableLeaf: return {"TLS certificate issued by an unknown authority", "unknown CA"};
    default: break;
    }
    const std::string detail(t.errorBuffer);
    if (detail.find("subject name") != std::string::npos)
        return {"TLS certificate does not match host " + hostOf(t.request.probe.url), "wrong cert"};
    return {"TLS certificate rejected: " + detail, "TLS error"};
}

Failure describe(CURLcode code, const Transfer& t)
{
    const bool https = t.request.probe.url.starts_with("https:");
    long osErrno = 0;
    curl_easy_getinfo(t.easy, CURLINFO_OS_ERRNO, &osErrno);
    const std::string detail(t.errorBuffer[0] ? t.errorBuffer : curl_easy_strerror(code));
    const bool reset = osErrno == ECONNRESET || detail.find("reset by peer") != std::string::npos;
    switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
        return {"timed out after " + humanDuration(t.request.timeoutLabel) + " " + phaseOf(t, https), "timeout"};
    case CURLE_COULDNT_RESOLVE_HOST: return {"could not resolve host " + hostOf(t.request.probe.url), "no DNS"};
    case CURLE_COULDNT_CONNECT:
        if (osErrno == ECONNREFUSED)
            return {"connection refused", "refused"};
        if (osErrno == ENETUNREACH || osErrno == EHOSTUNREACH)
            return {"no route to " + hostOf(t.request.probe.url), "unreachable"};
        return {"could not connect: " + detail, "no connect"};
    case CURLE_PEER_FAILED_VERIFICATION: return tlsFailure(t);
    case CURLE_SSL_CONNECT_ERROR:
        return {reset ? "connection reset by peer during the TLS handshake" : "TLS handshake failed: " + detail,
                "TLS error"};
    case CURLE_SSL_CERTPROBLEM: return {"could not use the client certificate: " + detail, "client cert"};
    case CURLE_SSL_CACERT_BADFILE: return {"could not read the CA file " + t.request.probe.caFile, "CA file"};
    case CURLE_TOO_MANY_REDIRECTS:
        return {"too many redirects (" + std::to_string(t.request.probe.maxRedirects) + ")", "redirect loop"};
    case CURLE_UNSUPPORTED_PROTOCOL:
        return {"only http:// and https:// URLs are probed, not " + t.request.probe.url, "bad URL"};
    case CURLE_URL_MALFORMAT: return {"malformed URL: " + t.request.probe.url, "bad URL"};
    case CURLE_GOT_NOTHING: return {"the server closed the connection without answering", "no answer"};
    case CURLE_PARTIAL_FILE:
        return {during("the server closed the connection", phaseOf(t, https)), "cut short"};
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
        if (reset)
            return {during("connection reset by peer", phaseOf(t, https)), "reset"};
        return {during(detail, phaseOf(t, https)), "network error"};
    default: return {detail, "error"};
    }
}

// `cutOff`: the worker ended the transfer at its deadline itself, so curl's total time is not final.
Observation finish(CURLcode code, Transfer& t, bool cutOff = false)
{
    CURL* e = t.easy;
    Observation o;
    const curl_off_t dns = timeInfo(e, CURLINFO_NAMELOOKUP_TIME_T);
    const curl_off_t connect = timeInfo(e, CURLINFO_CONNECT_TIME_T);
    const curl_off_t tls = timeInfo(e, CURLINFO_APPCONNECT_TIME_T);
    const curl_off_t sent = timeInfo(e, CURLINFO_PRETRANSFER_TIME_T);
    const curl_off_t firstByte = timeInfo(e, CURLINFO_STARTTRANSFER_TIME_T);
    const auto sinceAdmitted = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t.request.admitted);
    o.latencyMs = roundedMs(cutOff ? sinceAdmitted.count() : timeInfo(e, CURLINFO_TOTAL_TIME_T));
    auto& seen = o.observed;
    seen["latency_ms"] = o.latencyMs;
    seen["dns_ms"] = roundedMs(dns);
    if (connect > 0)
        seen["connect_ms"] = roundedMs(connect - dns);
    seen["tls_ms"] = tls > 0 ? roundedMs(tls - connect) : 0.0;
    if (firstByte > 0)
        seen["ttfb_ms"] = roundedMs(firstByte - sent);
    if (const auto days = certDaysLeft(e))
        seen["cert_days_left"] = *days;
    long redirects = 0;
    curl_easy_getinfo(e, CURLINFO_REDIRECT_COUNT, &redirects);
    seen["redirects"] = redirects;

    // Stopping at the size cap is how curl reports our own write callback declining more.
    const bool ok = code == CURLE_OK || (code == CURLE_WRITE_ERROR && t.truncated);
    if (!ok) {
        Failure failure = describe(code, t);
        o.error = std::move(failure.message);
        o.figure = std::move(failure.figure);
        seen["body_bytes"] = t.bodyBytes;
        return o;
    }
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    o.completed = true;
    seen["status"] = status;
    seen["headers"] = std::move(t.headers);
    seen["body_bytes"] = t.bodyBytes;
    seen["truncated"] = t.truncated;
    if (!t.truncated && !t.body.empty()) {
        auto parsed = nlohmann::json::parse(t.body, nullptr, false);
        if (!parsed.is_discarded())
            seen["json"] = std::move(parsed);
    }
    seen["body"] = validUtf8(t.body);
    o.figure = std::to_string(status) + " \xC2\xB7 " + std::to_string(std::lround(o.latencyMs)) + " ms";
    return o;
}

Observation failed(std::string error, std::string figure)
{
    Observation o;
    o.error = std::move(error);
    o.figure = std::move(figure);
    return o;
}

} // namespace

// The thread that owns the multi handle. Only enqueue() and the destructor are called from
// other threads; everything else runs on m_thread.
class HttpProber::Worker final {
public:
    Worker() : m_multi(curl_multi_init()), m_thread([this] { run(); }) {}
    ~Worker()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stopping = true;
        }
        curl_multi_wakeup(m_multi);
        m_thread.join();
        curl_multi_cleanup(m_multi);
    }
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    void enqueue(Request request)
    {
        {
            std::lock_guard lock(m_mutex);
            m_pending.push_back(std::move(request));
        }
        curl_multi_wakeup(m_multi);
    }

private:
    void run()
    {
        for (;;) {
            std::vector<Request> incoming;
            bool stopping = false;
            {
                std::lock_guard lock(m_mutex);
                incoming.swap(m_pending);
                stopping = m_stopping;
            }
            if (stopping) {
                cancelAll(std::move(incoming));
                return;
            }
            for (auto& request : incoming)
                admit(std::move(request));
            int running = 0;
            curl_multi_perform(m_multi, &running);
            collect();
            enforceDeadlines();
            curl_multi_poll(m_multi, nullptr, 0, pollTimeoutMs(), nullptr);
        }
    }

    void admit(Request request)
    {
        if (!request.refusal.empty()) {
            auto done = std::move(request.done);
            done(failed(request.refusal, "error"));
            return;
        }
        const auto remaining = std::chrono::duration_cast<milliseconds>(request.deadline - Clock::now());
        if (remaining <= milliseconds(0)) {
            auto done = std::move(request.done);
            done(failed("timed out after " + humanDuration(request.timeoutLabel) + " before the request was sent",
                        "timeout"));
            return;
        }
        request.admitted = Clock::now();
        auto transfer = std::make_unique<Transfer>(std::move(request));
        std::string error = configure(*transfer, remaining);
        if (error.empty() && curl_multi_add_handle(m_multi, transfer->easy) != CURLM_OK)
            error = "could not start the transfer";
        if (!error.empty()) {
            auto done = std::move(transfer->request.done);
            transfer.reset();
            done(failed(error, "error"));
            return;
        }
        CURL* easy = transfer->easy;
        m_active.emplace(easy, std::move(transfer));
    }

    void collect()
    {
        int left = 0;
        while (CURLMsg* message = curl_multi_info_read(m_multi, &left)) {
            if (message->msg != CURLMSG_DONE)
                continue;
            complete(message->easy_handle, [&](Transfer& t) { return finish(message->data.result, t); });
        }
    }

    template<typename MakeObservation>
    void complete(CURL* easy, MakeObservation make)
    {
        auto it = m_active.find(easy);
        if (it == m_active.end())
            return;
        std::unique_ptr<Transfer> transfer = std::move(it->second);
        m_active.erase(it);
        Observation observation = make(*transfer);
        curl_multi_remove_handle(m_multi, easy);
        auto done = std::move(transfer->request.done);
        transfer.reset();
        done(std::move(observation));
    }

    // The deadline is enforced here, not by CURLOPT_TIMEOUT_MS alone: curl starts a transfer's
    // clock only when it first runs it, and admitting a thousand transfers at once can take a
    // few hundred milliseconds, which curl would add to the last ones' timeouts.
    void enforceDeadlines()
    {
        const auto now = Clock::now();
        std::vector<CURL*> late;
        for (const auto& [easy, transfer] : m_active) {
            if (now >= transfer->request.deadline)
                late.push_back(easy);
        }
        for (CURL* easy : late)
            complete(easy, [](Transfer& t) { return finish(CURLE_OPERATION_TIMEDOUT, t, true); });
    }

    int pollTimeoutMs() const
    {
        // curl_multi_poll already shortens this to curl's own next timeout; we add our deadlines.
        auto next = Clock::now() + milliseconds(1000);
        for (const auto& [easy, transfer] : m_active)
            next = std::min(next, transfer->request.deadline);
        const auto wait = std::chrono::duration_cast<milliseconds>(next - Clock::now()).count();
        return static_cast<int>(std::clamp<long long>(wait + 1, 0, 1000));
    }

    void cancelAll(std::vector<Request> notStarted)
    {
        while (!m_active.empty())
            complete(m_active.begin()->first, [](Transfer&) { return failed("cancelled", "cancelled"); });
        for (auto& request : notStarted)
            request.done(failed("cancelled", "cancelled"));
    }

    CURLM* m_multi;
    std::mutex m_mutex;
    std::vector<Request> m_pending;  // guarded by m_mutex
    bool m_stopping = false;         // guarded by m_mutex
    std::unordered_map<CURL*, std::unique_ptr<Transfer>> m_active;  // worker thread only
    std::thread m_thread;  // last: it starts running in the constructor
};

HttpProber::HttpProber()
{
    // curl_global_init is not safe to race with other threads' first curl use.
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    m_worker = std::make_unique<Worker>();
}

HttpProber::~HttpProber() = default;

void HttpProber::start(const Check& check, ProbeDeadline deadline, ProbeCallback done)
{
    const auto* probe = std::get_if<HttpProbe>(&check.probe);
    const auto remaining = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    // Messages quote the timeout the engineer wrote, unless the deadline says otherwise.
    milliseconds label = std::chrono::round<std::chrono::duration<long, std::ratio<1, 10>>>(remaining);
    if (check.timeout && std::chrono::abs(*check.timeout - remaining) < milliseconds(250))
        label = *check.timeout;
    Request request{probe ? *probe : HttpProbe{}, deadline, label, std::move(done), {}};
    if (!probe)  // still answered on the worker thread, as prober.h promises
        request.refusal = "the http prober was given a " + std::string(toString(check.kind)) + " check";
    m_worker->enqueue(std::move(request));
}

} // namespace hopscope
