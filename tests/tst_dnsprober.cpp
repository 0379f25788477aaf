// The dns prober against a real dnsmasq on a loopback port, plus tiny UDP servers in this
// file for what dnsmasq will not do on demand (SERVFAIL, never answering).
#include "dnsmasqfixture.h"
#include "dnsprober.h"

#include "probelaunch.h"

#include <QTest>
#include <QUdpSocket>

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


Check dnsCheck(const QString& name, const QString& type, const QString& server, const QStringList& expect = {})
{
    DnsProbe probe;
    probe.name = name.toStdString();
    probe.type = type.toStdString();
    probe.server = server.toStdString();
    for (const auto& e : expect)
        probe.expectAddresses.push_back(e.toStdString());
    Check check;
    check.name = "dns";
    check.kind = CheckKind::Dns;
    check.probe = probe;
    return check;
}

QString q(const char* s)
{
    return QString::fromUtf8(s);
}

QStringList ql(std::initializer_list<const char*> items)
{
    QStringList list;
    for (const char* i : items)
        list << q(i);
    return list;
}

// A value the probe observed, or null when it observed none.
nlohmann::json field(const Observation& o, const char* name)
{
    return o.observed.value(name, nlohmann::json());
}

QString text(const nlohmann::json& value)
{
    return QString::fromStdString(value.is_string() ? value.get<std::string>() : value.dump());
}

QStringList sortedAddresses(const Observation& o)
{
    QStringList list;
    for (const auto& a : o.observed.value("addresses", nlohmann::json::array()))
        list << QString::fromStdString(a.get<std::string>());
    list.sort();
    return list;
}

// Answers every query with the given rcode and no records.
class RcodeServer final {
public:
    explicit RcodeServer(int rcode)
    {
        m_socket.bind(QHostAddress::LocalHost, 0);
        QObject::connect(&m_socket, &QUdpSocket::readyRead, &m_socket, [this, rcode] {
            while (m_socket.hasPendingDatagrams()) {
                QHostAddress from;
                quint16 fromPort = 0;
                QByteArray packet(int(m_socket.pendingDatagramSize()), '\0');
                m_socket.readDatagram(packet.data(), packet.size(), &from, &fromPort);
                if (packet.size() < 12)
                    continue;
                packet[2] = char(packet[2] | 0x80);              // QR: a response
                packet[3] = char((packet[3] & 0xF0) | rcode);  // RCODE
                m_socket.writeDatagram(packet, from, fromPort);
            }
        });
    }
    QString server() const { return QStringLiteral("127.0.0.1:%1").arg(m_socket.localPort()); }

private:
    QUdpSocket m_socket;
};

} // namespace

class TestDnsProber final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void recordTypes_data();
    void recordTypes();
    void expectAddresses_data();
    void expectAddresses();
    void nxdomainIsAnAnswer();
    void errorsNameTheServer_data();
    void errorsNameTheServer();
    void nothingListening();
    void silentServerTimesOut();
    void hundredConcurrentQueries();
    void systemResolverLocalhost();
    void shutdownCompletesQueriesInFlight();

private:
    void requireDnsmasq();

    test::DnsmasqFixture m_dnsmasq;
    QString m_skipReason;
};

void TestDnsProber::initTestCase()
{
    if (test::DnsmasqFixture::program().isEmpty()) {
        m_skipReason = QStringLiteral("dnsmasq is not installed (Debian: dnsmasq-base)");
        return;
    }
    const QString hosts = QStringLiteral(
        "192.0.2.10 www.example.test\n"
        "192.0.2.11 www.example.test\n"
        "2001:db8::10 www.example.test\n"
        "2001:db8::20 v6only.example.test\n"
        "192.0.2.30 target.example.test\n");
    const QStringList records{
        QStringLiteral("--local=/example.test/"),  // unknown names there are NXDOMAIN, others REFUSED
        QStringLiteral("--cname=alias.example.test,target.example.test"),
        QStringLiteral("--txt-record=txt.example.test,v=spf1 -all"),
        QStringLiteral("--mx-host=example.test,mail.example.test,10"),
        QStringLiteral("--srv-host=_http._tcp.example.test,web.example.test,8080,1,5"),
    };
    QVERIFY2(m_dnsmasq.start(hosts, records), qPrintable(m_dnsmasq.error()));
}

void TestDnsProber::requireDnsmasq()
{
    if (!m_skipReason.isEmpty())
        QSKIP(qPrintable(m_skipReason));
}

void TestDnsProber::recordTypes_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<QString>("rcode");

    QTest::newRow("A") << q("A") << q("www.example.test") << ql({"192.0.2.10", "192.0.2.11"}) << q("NOERROR");
    QTest::newRow("AAAA") << q("AAAA") << q("www.example.test") << ql({"2001:db8::10"}) << q("NOERROR");
    QTest::newRow("CNAME") << q("CNAME") << q("alias.example.test") << ql({"target.example.test"}) << q("NOERROR");
    QTest::newRow("TXT") << q("TXT") << q("txt.example.test") << ql({"v=spf1 -all"}) << q("NOERROR");
    QTest::newRow("MX") << q("MX") << q("example.test") << ql({"10 mail.example.test"}) << q("NOERROR");
    QTest::newRow("SRV") << q("SRV") << q("_http._tcp.example.test") << ql({"1 5 8080 web.example.test"}) << q("NOERROR");
    QTest::newRow("lowercase type") << q("a") << q("www.example.test") << ql({"192.0.2.10", "192.0.2.11"}) << q("NOERROR");
    QTest::newRow("A of a CNAME") << q("A") << q("alias.example.test") << ql({"192.0.2.30"}) << q("NOERROR");
    QTest::newRow("no data") << q("A") << q("v6only.example.test") << ql({}) << q("NOERROR");
}

void TestDnsProber::recordTypes()
{
    requireDnsmasq();
    QFETCH(QString, type);
    QFETCH(QString, name);
    QFETCH(QStringList, expected);
    QFETCH(QString, rcode);

    DnsProber prober;
    auto future = launch(prober, dnsCheck(name, type, m_dnsmasq.server()), 3s);
    const auto outcome = await(future, 4s);
    QVERIFY(outcome);
    const Observation& o = outcome->observation;
    QVERIFY2(o.completed, o.error.c_str());
    QCOMPARE(text(field(o, "rcode")), rcode);
    QCOMPARE(field(o, "answers").get<int>(), expected.size());
    expected.sort();
    QCOMPARE(sortedAddresses(o), expected);
    QCOMPARE(text(field(o, "server")), m_dnsmasq.server());
    QVERIFY(!o.observed.contains("addresses_match"));
    QVERIFY(o.latencyMs >= 0);
    const QString answers = expected.size() == 1 ? QStringLiteral("1 answer") : QStringLiteral("%1 answers").arg(expected.size());
    QVERIFY2(QString::fromStdString(o.figure).startsWith(answers + QStringLiteral(" \u00b7 ")), o.figure.c_str());
}

void TestDnsProber::expectAddresses_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QStringList>("expect");
    QTest::addColumn<bool>("match");

    QTest::newRow("same") << q("A") << q("www.example.test") << ql({"192.0.2.10", "192.0.2.11"}) << true;
    QTest::newRow("other order") << q("A") << q("www.example.test") << ql({"192.0.2.11", "192.0.2.10"}) << true;
    QTest::newRow("one missing") << q("A") << q("www.example.test") << ql({"192.0.2.10"}) << false;
    QTest::newRow("one extra") << q("A") << q("www.example.test") << ql({"192.0.2.10", "192.0.2.11", "192.0.2.12"})
                               << false;
    QTest::newRow("different") << q("A") << q("www.example.test") << ql({"198.51.100.1"}) << false;
    QTest::newRow("IPv6 written long") << q("AAAA") << q("www.example.test") << ql({"2001:DB8:0:0::10"}) << true;
    QTest::newRow("CNAME with dot and case") << q("CNAME") << q("alias.example.test") << ql({"Target.Example.Test."}) << true;
    QTest::newRow("expected but no data") << q("A") << q("v6only.example.test") << ql({"192.0.2.20"}) << false;
}

void TestDnsProber::expectAddresses()
{
    requireDnsmasq();
    QFETCH(QString, type);
    QFETCH(QString, name);
    QFETCH(QStringList, expect);
    QFETCH(bool, match);

    DnsProber prober;
    auto future = launch(prober, dnsCheck(name, type, m_dnsmasq.server(), expect), 3s);
    const auto outcome = await(future, 4s);
    QVERIFY(outcome);
    QVERIFY2(outcome->observation.completed, outcome->observation.error.c_str());
    QCOMPARE(field(outcome->observation, "addresses_match").get<bool>(), match);
}

void TestDnsProber::nxdomainIsAnAnswer()
{
    requireDnsmasq();
    DnsProber prober;
    auto future = launch(prober, dnsCheck(QStringLiteral("nothere.example.test"), QStringLiteral("A"), m_dnsmasq.server()), 3s);
    const auto outcome = await(future, 4s);
    QVERIFY(outcome);
    const Observation& o = outcome->observation;
    QVERIFY2(o.completed, o.error.c_str());
    QVERIFY(o.error.empty());
    QCOMPARE(field(o, "answers").get<int>(), 0);
    QCOMPARE(text(field(o, "rcode")), QStringLiteral("NXDOMAIN"));
    QCOMPARE(text(field(o, "message")), QStringLiteral("NXDOMAIN from ") + m_dnsmasq.server());
    QCOMPARE(QString::fromStdString(o.figure), QStringLiteral("NXDOMAIN"));
}

void TestDnsProber::errorsNameTheServer_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("server");  // "dnsmasq", "servfail", or a literal
    QTest::addColumn<QString>("error");   // with %1 for the server

    QTest::newRow("REFUSED") << q("example.org") << q("A") << q("dnsmasq") << q("REFUSED by %1");
    QTest::newRow("SERVFAIL") << q("www.example.test") << q("A") << q("servfail") << q("SERVFAIL from %1");
    QTest::newRow("server is a name") << q("www.example.test") << q("A") << q("ns1.example.test:53")
                                      << q("the nameserver \"%1\" is not an IP address with an optional port "
                                         "(\"127.0.0.1:5353\", \"[::1]:53\")");
    QTest::newRow("port out of range") << q("www.example.test") << q("A") << q("127.0.0.1:70000")
                                       << q("the nameserver \"%1\" is not an IP address with an optional port "
                                          "(\"127.0.0.1:5353\", \"[::1]:53\")");
    QTest::newRow("unsupported type") << q("www.example.test") << q("PTR") << q("127.0.0.1")
                                      << q("unsupported record type \"PTR\" (A, AAAA, CNAME, TXT, MX or SRV)");
}

void TestDnsProber::errorsNameTheServer()
{
    QFETCH(QString, name);
    QFETCH(QString, type);
    QFETCH(QString, server);
    QFETCH(QString, error);
    if (server == QStringLiteral("dnsmasq")) {
        requireDnsmasq();
        server = m_dnsmasq.server();
    }
    RcodeServer servfail(2);
    if (server == QStringLiteral("servfail"))
        server = servfail.server();

    DnsProber prober;
    auto future = launch(prober, dnsCheck(name, type, server), 3s);
    const auto outcome = await(future, 4s);
    QVERIFY(outcome);
    QVERIFY(!outcome->observation.completed);
    QCOMPARE(QString::fromStdString(outcome->observation.error), error.contains(QStringLiteral("%1")) ? error.arg(server) : error);
}

void TestDnsProber::nothingListening()
{
    // Loopback answers a closed UDP port with ICMP port unreachable, which c-ares reads as
    // "connection refused"; a network that drops it would time out instead. Either way the
    // probe ends in time and says which server.
    const quint16 port = test::freeLoopbackPortForDns();
    QVERIFY(port != 0);
    const QString server = QStringLiteral("127.0.0.1:%1").arg(port);
    DnsProber prober;
    auto future = launch(prober, dnsCheck(QStringLiteral("www.example.test"), QStringLiteral("A"), server), 2s);
    const auto outcome = await(future, 4s);
    QVERIFY(outcome);
    qInfo("nothing listening: \"%s\" after %.0f ms", outcome->observation.error.c_str(), outcome->elapsedMs);
    QVERIFY(!outcome->observation.completed);
    const QString error = QString::fromStdString(outcome->observation.error);
    QVERIFY2(error == QStringLiteral("connection refused by ") + server
                 || error == QStringLiteral("timed out after 2 s waiting for ") + server,
             qPrintable(error));
    QVERIFY2(outcome->elapsedMs < 3000, qPrintable(QString::number(outcome->elapsedMs)));
}

void TestDnsProber::silentServerTimesOut()
{
    // Bound but never read: the query arrives and no answer ever comes.
    QUdpSocket silent;
    QVERIFY(silent.bind(QHostAddress::LocalHost, 0));
    const QString server = QStringLiteral("127.0.0.1:%1").arg(silent.localPort());
    DnsProber prober;
    auto future = launch(prober, dnsCheck(QStringLiteral("www.example.test"), QStringLiteral("A"), server), 2s);
    const auto outcome = await(future, 5s);
    QVERIFY(outcome);
    qInfo("silent server: \"%s\" after %.0f ms", outcome->observation.error.c_str(), outcome->elapsedMs);
    QVERIFY(!outcome->observation.completed);
    QCOMPARE(QString::fromStdString(outcome->observation.error), QStringLiteral("timed out after 2 s waiting for ") + server);
    QCOMPARE(QString::fromStdString(outcome->observation.figure), QStringLiteral("timed out"));
    QVERIFY2(outcome->elapsedMs >= 1990 && outcome->elapsedMs < 3000, qPrintable(QString::number(outcome->elapsedMs)));
}

void TestDnsProber::hundredConcurrentQueries()
{
    requireDnsmasq();
    DnsProber prober;
    const auto started = Clock::now();
    std::vector<std::future<Outcome>> futures;
    for (int i = 0; i < 100; ++i) {
        const bool nx = i % 10 == 0;  // a few NXDOMAINs mixed in
        const QString name = nx ? QStringLiteral("nothere%1.example.test").arg(i) : QStringLiteral("www.example.test");
        futures.push_back(launch(prober, dnsCheck(name, QStringLiteral("A"), m_dnsmasq.server()), 5s));
    }
    for (std::size_t i = 0; i < futures.size(); ++i) {
        QCOMPARE(futures[i].wait_until(started + 6s), std::future_status::ready);
        const Observation o = futures[i].get().observation;
        QVERIFY2(o.completed, o.error.c_str());
        QCOMPARE(field(o, "answers").get<int>(), i % 10 == 0 ? 0 : 2);
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
    qInfo("100 concurrent queries answered in %lld ms", static_cast<long long>(ms));
    QVERIFY2(ms < 3000, qPrintable(QString::number(ms)));
}

void TestDnsProber::systemResolverLocalhost()
{
    DnsProber prober;
    auto future = launch(prober, dnsCheck(QStringLiteral("localhost"), QStringLiteral("A"), QString(), {QStringLiteral("127.0.0.1")}), 3s);
    const auto outcome = await(future, 4s);
    QVERIFY(outcome);
    const Observation& o = outcome->observation;
    QVERIFY2(o.completed, o.error.c_str());
    QVERIFY2(sortedAddresses(o).contains(QStringLiteral("127.0.0.1")), o.observed.dump().c_str());
    QVERIFY(text(field(o, "server")).startsWith(QStringLiteral("the system resolver (")));
}

void TestDnsProber::shutdownCompletesQueriesInFlight()
{
    QUdpSocket silent;
    QVERIFY(silent.bind(QHostAddress::LocalHost, 0));
    const QString server = QStringLiteral("127.0.0.1:%1").arg(silent.localPort());
    std::future<Outcome> future;
    {
        DnsProber prober;
        future = launch(prober, dnsCheck(QStringLiteral("www.example.test"), QStringLiteral("A"), server), 30s);
    }
    // The destructor joined the worker, so the callback has already run.
    QCOMPARE(future.wait_for(0s), std::future_status::ready);
    const Observation o = future.get().observation;
    QVERIFY(!o.completed);
    QVERIFY2(QString::fromStdString(o.error).startsWith(QStringLiteral("cancelled: the dns prober was shut down")), o.error.c_str());
}

QTEST_GUILESS_MAIN(TestDnsProber)
#include "tst_dnsprober.moc"
