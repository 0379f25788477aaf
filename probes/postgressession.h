#pragma once
// Internal to the postgres prober: one DSN's persistent connection, opened against a deadline.

#include "observation.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace pqxx {
class connection_base;
}

namespace hopscope::pg {

// What a DSN says, parsed once by libpq itself: the parameters to connect with, and how to
// name the server in messages. `display` never holds the password.
struct Target {
    std::vector<std::string> keywords;
    std::vector<std::string> values;
    std::string host = "localhost";
    std::string port = "5432";
    std::string database;
    std::string password;    // kept only to scrub it from any message that might echo it
    std::string parseError;  // set when the DSN is not a connection string libpq accepts
    std::string hostPort() const { return host + ":" + port; }
    std::string display() const { return hostPort() + "/" + database; }
};

// Parses a key=value or postgresql:// DSN. application_name defaults to "hopscope" so the
// probe's own connections can be told apart in pg_stat_activity; a DSN that names one wins.
Target parseDsn(const std::string& dsn, std::chrono::milliseconds connectTimeout);

// A libpq or server message in an engineer's words: no "FATAL:" prefixes, no hints, no
// password, one line. "Connection refused" becomes "connection refused by host:port".
std::string cleanMessage(std::string_view raw, const Target& target);

// A probe that could not complete, with the message to show. `inconclusive`: the server
// answered, but what the check reads is not there (see Observation::inconclusive).
class ProbeError final : public std::runtime_error {
public:
    explicit ProbeError(const std::string& what, bool inconclusive = false)
        : std::runtime_error(what), m_inconclusive(inconclusive) {}
    bool inconclusive() const { return m_inconclusive; }

private:
    bool m_inconclusive;
};

// One persistent connection for one DSN. Used only from its worker thread, except
// interrupt(), which any thread may call to make a blocked call return at once.
class Session final {
public:
    explicit Session(Target target);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // The open connection when it is still healthy, else a new one opened before
    // min(deadline, now + connectTimeout). Throws ProbeError with the reason.
    pqxx::connection_base& connect(ProbeDeadline deadline, std::chrono::milliseconds connectTimeout,
                                   const std::atomic<bool>& stop);
    // Whether the last connect() reused an open connection (a stale one may fail once).
    bool reused() const { return m_reused; }
    // Closes the connection after it broke; the next connect() opens a new one.
    void drop();
    // libpq's last message for this connection, cleaned: why a connection broke.
    std::string lastError() const;
    void interrupt();
    const Target& target() const { return m_target; }

private:
    struct Connection;
    bool idleConnectionLooksHealthy() const;
    void publishSocket(int socket);

    Target m_target;
    std::unique_ptr<Connection> m_connection;
    bool m_reused = false;
    mutable std::mutex m_socketMutex;  // interrupt() must never shut down a socket number reused elsewhere
    int m_socket = -1;
};

} // namespace hopscope::pg
