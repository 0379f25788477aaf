// The tcp prober against real loopback listeners: open, closed, and one whose accept queue
// is full so that the kernel drops our SYN and the connect can only time out.
#include "serverprocess.h"
#include "tcpprober.h"

#include <QTcpServer>
#include <QTcpSocket>
#include "probelaunch.h"

#include <QTest>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <memory>
#include <optional>

using namespace hopscope;
using hopscope::test::await;
using hopscope::test::launch;
using hopscope::test::Outcome;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {


Check tcpCheck(const QString& host, int port)
{
    Check check;
    check.name = "tcp";
    check.kind = CheckKind::Tcp;
    check.probe = TcpProbe{host.toStdString(), port, {}};
    return check;
}

QString q(const char* s)
{
    return QString::fromUtf8(s);
}

bool connectedOf(const Observation& o)
{
    return o.observed.value("connected", false);
}

// Accepts and drops every connection, with room for many in the queue at once.
class OpenServer final {
public:
    bool listen(const QHostAddress& address)
    {
        m_server.setListenBacklogSize(1024);
        m_server.setMaxPendingConnections(1024);
        QObject::connect(&m_server, &QTcpServer::newConnection, &m_server, [this] {
            while (m_server.hasPendingConnections())
                m_server.nextPendingConnection()->deleteLater();
        });
        return m_server.listen(address, 0);
    }
    quint16 port() const { return m_server.serverPort(); }

private:
    QTcpServer m_server;
};

// A listener with backlog 0 whose queue the constructor fills with connections it never
// accepts. Linux then drops new SYNs, so a connect to it hangs until the caller gives up.
class FullListener final {
public:
    FullListener()
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof addr;
        if (m_fd < 0 || ::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), length) != 0 || ::listen(m_fd, 0) != 0
            || ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &length) != 0)
            return;
        m_port = ntohs(addr.sin_port);
        for (int i = 0; i < 16 && !m_full; ++i) {
            const int client = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            m_clients.push_back(client);
            if (::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0)
                continue;
            // A connect that is still pending after 300 ms means SYNs are being dropped.
            pollfd p{client, POLLOUT, 0};
            m_full = ::poll(&p, 1, 300) == 0;
        }
    }
    ~FullListener()
    {
        for (const int c : m_clients)
            ::close(c);
        if (m_fd >= 0)
            ::close(m_fd);
    }
    FullListener(const FullListener&) = delete;
    FullListener& operator=(const FullListener&) = delete;

    bool isFull() const { return m_full; }
    quint16 port() const { return m_port; }

private:
    int m_fd = -1;
    quint16 m_port = 0;
    bool m_full = false;
    std::vector<int> m_clients;
};

} // namespace

class TestTcpProber final : public QObject {
    Q_OBJECT

private slots:
    void connects_data();
    void connects();
    void refused_data();
    void refused();
    void rejectsBadChecks_data();
    void rejectsBadChecks();
    void timesOutWhenSynsAreDropped();
    void unresolvableName();
    void twoHundredConcurrentProbes();
    void shutdownCompletesProbesInFlight();
};

void TestTcpProber::connects_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<bool>("ipv6");

    QTest::newRow("IPv4 literal") << q("127.0.0.1") << false;
    QTest::newRow("host name") << q("localhost") << false;
    QTest::newRow("IPv6 literal") << q("::1") << true;
    QTest::newRow("bracketed IPv6") << q("[::1]") << true;
}

void TestTcpProber::connects()
{
    QFETCH(QString, host);
    QFETCH(bool, ipv6);
    OpenServer server;
    if (!server.listen(ipv6 ? QHostAddress::LocalHostIPv6 : QHostAddress::LocalHost))
        QSKIP(ipv6 ? "no IPv6 loopback on this machine" : "cannot listen on 127.0.0.1");

    TcpProber prober;
    auto future = launch(prober, tcpCheck(host, server.port()), 3s);
    const auto outcome = await(future, 4s);
    QVERIFY(outcome);
    const Observation& o = outcome->observation;
    QVERIFY2(o.completed, o.error.c_str());
    QVERIFY(connectedOf(o));
    QVERIFY(o.latencyMs >= 0 && o.latencyMs < 3000);
    QCOMPARE(o.observed.value("latency_ms", -1.0), o.latencyMs);
    QVERIFY2(QString::fromStdString(o.figure).startsWith(QStringLiteral("connected \u00b7 ")), o.figure.c_str());
}

void TestTcpProber::refused_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("error");  // the start of it; %1 is the port

    QTest::newRow("IPv4 literal") << q("127.0.0.1") << q("connection refused by 127.0.0.1:%1");
    QTest::newRow("host name") << q("localhost") << q("connection refused by localhost:%1 (tried ");
}

void TestTcpProber::refused()
{
    QFETCH(QString, host);
    QFETCH(QString, error);
    const quint16 port = test::freeLoopbackPort();  // free a moment ago: nothing listens
    QVERIFY(port != 0);

    TcpProber prober;
    auto future = launch(prober, tcpCheck(host, port), 3s);
    const auto outcome = await(future, 4s);
    QVERIFY(outcome);
    const Observation& o = outcome->observation;
    QVERIFY(!o.completed);
    QVERIFY2(QString::fromStdString(o.error).startsWith(error.arg(port)), o.error.c_str());
    QCOMPARE(QString::fromStdString(o.figure), QStringLiteral("refused"));
    QVERIFY(o.observed.contains("connected"));
    QVERIFY(!connectedOf(o));
    QVERIFY2(outcome->elapsedMs < 1000, qPrintable(QString::number(outcome->elapsedMs)));
}

void TestTcpProber::rejectsBadChecks_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("error");

    QTest::newRow("port 0") << q("127.0.0.1") << 0 << q("port 0 is out of range (1-65535)");
    QTest::newRow("port too high") << q("127.0.0.1") << 70000 << q("port 70000 is out of range (1-65535)");
    QTest::newRow("no host") << QString() << 80 << q("the check names no host");
}

void TestTcpProber::rejectsBadChecks()
{
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, error);
    TcpProber prober;
    auto future = launch(prober, tcpCheck(host, port), 3s);
    const auto outcome = await(future, 1s);
    QVERIFY(outcome);
    QVERIFY(!outcome->observation.completed);
    QCOMPARE(QString::fromStdString(outcome->observation.error), error);
}

void TestTcpProber::timesOutWhenSynsAreDropped()
{
    FullListener listener;
    if (!listener.isFull())
        QSKIP("this kernel kept accepting connections to a full backlog-0 listener, so no connect hangs here");

    TcpProber prober;
    auto future = launch(prober, tcpCheck(QStringLiteral("127.0.0.1"), listener.port()), 2s);
    const auto outcome = await(future, 5s);
    QVERIFY(outcome);
    const Observation& o = outcome->observation;
    qInfo("full backlog: \"%s\" after %.0f ms", o.error.c_str(), outcome->elapsedMs);
    QVERIFY(!o.completed);
    QCOMPARE(QString::fromStdString(o.error), QStringLiteral("timed out after 2 s connecting to 127.0.0.1:%1").arg(listener.port()));
    QCOMPARE(QString::fromStdString(o.figure), QStringLiteral("timed out"));
    QVERIFY(!connectedOf(o));
    QVERIFY2(outcome->elapsedMs >= 1990 && outcome->elapsedMs < 3000, qPrintable(QString::number(outcome->elapsedMs)));
}

void TestTcpProber::unresolvableName()
{
    // .invalid never resolves (RFC 6761). Where the system resolver answers at once this is
    // "could not resolve"; where it is slow or unreachable the deadline still holds.
    TcpProber prober;
    auto future = launch(prober, tcpCheck(QStringLiteral("nothing.invalid"), 80), 2s);
    const auto outcome = await(future, 5s);
    QVERIFY(outcome);
    const QString error = QString::fromStdString(outcome->observation.error);
    qInfo("unresolvable: \"%s\" after %.0f ms", qPrintable(error), outcome->elapsedMs);
    QVERIFY(!outcome->observation.completed);
    QVERIFY2(error.startsWith(QStringLiteral("could not resolve nothing.invalid: "))
                 || error == QStringLiteral("timed out after 2 s resolving nothing.invalid"),
             qPrintable(error));
    QVERIFY2(outcome->elapsedMs < 3000, qPrintable(QString::number(outcome->elapsedMs)));
}

void TestTcpProber::twoHundredConcurrentProbes()
{
    OpenServer open;
    QVERIFY(open.listen(QHostAddress::LocalHost));
    const quint16 closed = test::freeLoopbackPort();
    TcpProber prober;
    const auto started = Clock::now();
    std::vector<std::future<Outcome>> futures;
    for (int i = 0; i < 200; ++i)
        futures.push_back(launch(prober, tcpCheck(QStringLiteral("127.0.0.1"), i % 4 == 0 ? closed : open.port()), 5s));
    QVERIFY(QTest::qWaitFor(
        [&] {
            return std::all_of(futures.begin(), futures.end(),
                               [](auto& f) { return f.wait_for(0s) == std::future_status::ready; });
        },
        6000));
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
    for (std::size_t i = 0; i < futures.size(); ++i) {
        const Observation o = futures[i].get().observation;
        QCOMPARE(connectedOf(o), i % 4 != 0);
        QCOMPARE(o.completed, i % 4 != 0);
    }
    qInfo("200 concurrent probes done in %lld ms", static_cast<long long>(ms));
    QVERIFY2(ms < 3000, qPrintable(QString::number(ms)));
}

void TestTcpProber::shutdownCompletesProbesInFlight()
{
    FullListener listener;
    if (!listener.isFull())
        QSKIP("this kernel kept accepting connections to a full backlog-0 listener, so no connect hangs here");
    std::future<Outcome> future;
    {
        TcpProber prober;
        future = launch(prober, tcpCheck(QStringLiteral("127.0.0.1"), listener.port()), 30s);
    }
    // The destructor joined the worker, so the callback has already run.
    QCOMPARE(future.wait_for(0s), std::future_status::ready);
    const Observation o = future.get().observation;
    QVERIFY(!o.completed);
    QCOMPARE(QString::fromStdString(o.error), QStringLiteral("cancelled: the tcp prober was shut down before it connected"));
}

QTEST_GUILESS_MAIN(TestTcpProber)
#include "tst_tcpprober.moc"
