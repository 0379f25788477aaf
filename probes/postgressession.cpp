#include "postgressession.h"

#include <libpq-fe.h>
#include <pqxx/pqxx>

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <regex>
#include <utility>

namespace hopscope::pg {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

std::string envOr(const char* name, std::string fallback)
{
    const char* value = std::getenv(name);
    return value && *value ? std::string(value) : fallback;
}

// libpq quotes the offending token of a bad connection string, and that token may be the
// password: keep the message, lose the quoted text (but keep a quoted "=", which is grammar).
std::string withoutQuotedText(const std::string& text)
{
    static const std::regex quoted("\"([^\"]*)\"");
    std::string out;
    auto last = text.cbegin();
    for (std::sregex_iterator it(text.begin(), text.end(), quoted), end; it != end; ++it) {
        out.append(last, (*it)[0].first);
        out += (*it)[1].str() == "=" ? std::string("\"=\"") : std::string("\"…\"");
        last = (*it)[0].second;
    }
    out.append(last, text.cend());
    while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
        out.pop_back();
    return out;
}

// Hands pqxx a connection we opened ourselves: pqxx's own connect blocks with no deadline.
class AdoptPolicy final : public pqxx::connectionpolicy {
public:
    explicit AdoptPolicy(PGconn* conn) : pqxx::connectionpolicy(std::string{}), m_conn(conn) {}
    ~AdoptPolicy() noexcept override
    {
        if (m_conn)
            PQfinish(m_conn);
    }
    AdoptPolicy(const AdoptPolicy&) = delete;
    AdoptPolicy& operator=(const AdoptPolicy&) = delete;

    handle do_startconnect(handle orig) override
    {
        if (orig)
            return orig;
        if (!m_conn)
            throw pqxx::broken_connection{"the connection was closed"};
        return std::exchange(m_conn, nullptr);
    }

private:
    PGconn* m_conn;
};

class AdoptedConnection final : public pqxx::connection_base {
public:
    explicit AdoptedConnection(PGconn* conn) : pqxx::connection_base(m_policy), m_policy(conn)
    {
        init();
        // Otherwise pqxx silently reconnects a broken connection itself, blocking with no
        // deadline; the session reconnects instead, under the probe's deadline.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
        inhibit_reactivation(true);
#pragma GCC diagnostic pop
    }
    ~AdoptedConnection() { close(); }
    AdoptedConnection(const AdoptedConnection&) = delete;
    AdoptedConnection& operator=(const AdoptedConnection&) = delete;

private:
    AdoptPolicy m_policy;
};

// Opens a connection with libpq's non-blocking API so that both the deadline and a stop
// request end the attempt on time, whatever the server does (a server that accepts TCP and
// never answers included). Host name resolution inside PQconnectPoll still blocks.
PGconn* openWithin(const Target& target, Clock::time_point limit, const std::atomic<bool>& stop)
{
    const auto started = Clock::now();
    std::vector<const char*> keywords;
    std::vector<const char*> values;
    for (std::size_t i = 0; i < target.keywords.size(); ++i) {
        keywords.push_back(target.keywords[i].c_str());
        values.push_back(target.values[i].c_str());
    }
    keywords.push_back(nullptr);
    values.push_back(nullptr);

    PGconn* conn = PQconnectStartParams(keywords.data(), values.data(), 0);
    if (!conn)
        throw ProbeError("out of memory opening a connection to " + target.hostPort());
    const auto fail = [&](const std::string& message) {
        PQfinish(conn);
        throw ProbeError(message);
    };
    if (PQstatus(conn) == CONNECTION_BAD)
        fail(cleanMessage(PQerrorMessage(conn), target));

    PostgresPollingStatusType status = PGRES_POLLING_WRITING;
    while (status != PGRES_POLLING_OK) {
        if (status == PGRES_POLLING_FAILED)
            fail(cleanMessage(PQerrorMessage(conn), target));
        if (stop)
            fail("the prober was stopped while connecting to " + target.hostPort());
        const auto now = Clock::now();
        if (now >= limit) {
            const auto waited = std::chrono::round<milliseconds>(limit - started);
            fail("timed out after " + humanDuration(waited) + " connecting to " + target.hostPort());
        }
        const int socket = PQsocket(conn);
        if (socket < 0) {  // between two addresses of a host: libpq moves on by itself
            status = PQconnectPoll(conn);
            continue;
        }
        pollfd pfd{socket, short(status == PGRES_POLLING_READING ? POLLIN : POLLOUT), 0};
        // Short slices so a stop request is seen promptly.
        const auto slice = std::min(std::chrono::ceil<milliseconds>(limit - now), milliseconds(50));
        const int ready = ::poll(&pfd, 1, int(slice.count()));
        if (ready < 0 && errno != EINTR)
            fail(std::string("could not wait for ") + target.hostPort() + ": " + std::strerror(errno));
        if (ready > 0)
            status = PQconnectPoll(conn);
    }
    return conn;
}

} // namespace

Target parseDsn(const std::string& dsn, milliseconds connectTimeout)
{
    Target target;
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(dsn.c_str(), &error);
    if (!options) {
        target.parseError = error ? withoutQuotedText(error) : std::string("out of memory");
        PQfreemem(error);
        return target;
    }
    std::string host, hostaddr, port, database, user;
    bool hasApplicationName = false;
    for (PQconninfoOption* option = options; option->keyword; ++option) {
        if (!option->val)
            continue;
        const std::string keyword = option->keyword;
        const std::string value = option->val;
        if (keyword == "connect_timeout")
            continue;  // ours, below
        if (keyword == "host") host = value;
        else if (keyword == "hostaddr") hostaddr = value;
        else if (keyword == "port") port = value;
        else if (keyword == "dbname") database = value;
        else if (keyword == "user") user = value;
        else if (keyword == "password") target.password = value;
        else if (keyword == "application_name") hasApplicationName = true;
        target.keywords.push_back(keyword);
        target.values.push_back(value);
    }
    PQconninfoFree(options);

    // libpq's own connect_timeout only matters where libpq connects by itself (PQcancel,
    // PQreset); the session enforces the real limit. libpq ignores values under 2 s.
    const auto seconds = std::max<long long>(2, (connectTimeout.count() + 999) / 1000);
    target.keywords.emplace_back("connect_timeout");
    target.values.push_back(std::to_string(seconds));
    if (!hasApplicationName) {
        target.keywords.emplace_back("application_name");
        target.values.emplace_back("hopscope");
    }

    target.host = !host.empty() ? host : !hostaddr.empty() ? hostaddr : envOr("PGHOST", "localhost");
    target.port = !port.empty() ? port : envOr("PGPORT", "5432");
    user = !user.empty() ? user : envOr("PGUSER", envOr("USER", "postgres"));
    target.database = !database.empty() ? database : envOr("PGDATABASE", user);
    return target;
}

std::string cleanMessage(std::string_view raw, const Target& target)
{
    std::string text(raw);
    // Short passwords would match ordinary words; libpq does not echo passwords anyway.
    if (target.password.size() >= 3) {
        for (auto at = text.find(target.password); at != std::string::npos; at = text.find(target.password, at))
            text.replace(at, target.password.size(), "****");
    }

    // libpq reports one line per address tried ("connection to server at ... failed: why"),
    // each followed by tab-indented hints; the last attempt is the one that matters.
    static const std::regex attempt(R"re(^connection to server (?:at "([^"]*)"(?: \([^)]*\))?, port (\d+)|on socket "[^"]*") failed: )re");
    static const std::regex severity(R"re(^(?:FATAL|ERROR|PANIC|WARNING):\s+)re");
    std::string line;
    std::string where = target.hostPort();
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        std::string candidate = text.substr(start, end - start);
        start = end + 1;
        if (candidate.empty() || candidate[0] == '\t' || candidate.rfind("HINT:", 0) == 0 ||
            candidate.rfind("LINE ", 0) == 0 || candidate.find_first_not_of(" ^") == std::string::npos)
            continue;
        if (candidate.rfind("DETAIL:", 0) == 0 || candidate.rfind("CONTEXT:", 0) == 0)
            continue;
        std::smatch match;
        if (std::regex_search(candidate, match, attempt)) {
            if (match[1].matched)
                where = match[1].str() + ":" + match[2].str();
            candidate = match.suffix();
        }
        candidate = std::regex_replace(candidate, severity, "");
        if (!candidate.empty())
            line = candidate;
    }
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r'))
        line.pop_back();

    if (line.rfind("Connection refused", 0) == 0 || line.find("could not connect to server: Connection refused") == 0)
        return "connection refused by " + where;
    if (line == "timeout expired")
        return "timed out connecting to " + where;
    if (line.rfind("server closed the connection unexpectedly", 0) == 0)
        return "the server at " + where + " closed the connection unexpectedly";
    if (line == "sorry, too many clients already")
        return "sorry, too many clients already (max_connections is exhausted on " + where + ")";
    if (line.empty())
        return "no message from " + where;
    return line;
}

struct Session::Connection {
    explicit Connection(PGconn* conn) : raw(conn), connection(conn), quiet(connection) {}
    PGconn* raw;
    AdoptedConnection connection;
    pqxx::quiet_errorhandler quiet;  // notices are not errors, and must not reach stderr
};

Session::Session(Target target) : m_target(std::move(target)) {}

Session::~Session()
{
    drop();
}

pqxx::connection_base& Session::connect(ProbeDeadline deadline, milliseconds connectTimeout,
                                        const std::atomic<bool>& stop)
{
    if (!m_target.parseError.empty())
        throw ProbeError("the DSN is not a valid connection string: " + m_target.parseError);
    if (m_connection && idleConnectionLooksHealthy()) {
        m_reused = true;
        return m_connection->connection;
    }
    drop();
    m_reused = false;
    const auto limit = std::min(deadline, Clock::now() + connectTimeout);
    PGconn* raw = openWithin(m_target, limit, stop);
    try {
        m_connection = std::make_unique<Connection>(raw);
    } catch (const std::exception& e) {
        throw ProbeError(cleanMessage(e.what(), m_target));
    }
    publishSocket(PQsocket(raw));
    return m_connection->connection;
}

bool Session::idleConnectionLooksHealthy() const
{
    PGconn* raw = m_connection->raw;
    if (PQstatus(raw) != CONNECTION_OK || PQtransactionStatus(raw) != PQTRANS_IDLE)
        return false;
    // The server only speaks when spoken to: anything readable on an idle connection is a
    // goodbye (pg_terminate_backend, idle_session_timeout, a restart) or end of file.
    pollfd pfd{PQsocket(raw), POLLIN, 0};
    return ::poll(&pfd, 1, 0) == 0;
}

void Session::drop()
{
    publishSocket(-1);
    m_connection.reset();
}

std::string Session::lastError() const
{
    if (!m_connection)
        return {};
    const char* message = PQerrorMessage(m_connection->raw);
    return message && *message ? cleanMessage(message, m_target) : std::string();
}

void Session::publishSocket(int socket)
{
    std::lock_guard lock(m_socketMutex);
    m_socket = socket;
}

void Session::interrupt()
{
    // Shutting the socket down (not closing it: the descriptor still belongs to libpq) makes a
    // blocked read return at once. PQcancel would open a new connection, which can itself hang.
    std::lock_guard lock(m_socketMutex);
    if (m_socket >= 0)
        ::shutdown(m_socket, SHUT_RDWR);
}

} // namespace hopscope::pg
