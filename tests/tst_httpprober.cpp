// The http prober against real servers on loopback: tests/support/httptestserver.py (which
// misbehaves on purpose, path by path), the same over TLS with a self-signed and an expired
// certificate, and nginx as a load balancer with host rules and a default action.
#include "httpprober.h"
#include "nginxfixture.h"
#include "serverprocess.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace hopscope;
using namespace hopscope::test;
using namespace std::chrono_literals;

namespace {

struct Result {
    Observation observation;
    qint64 elapsedMs = 0;
    bool calledOnWorker = false;
};

QString qs(const std::string& text)
{
    return QString::fromStdString(text);
}

// Runs a tool to make test certificates; returns its output on failure, "" on success.
QString runTool(const QString& program, const QStringList& args, const QString& dir)
{
    QProcess process;
    process.setWorkingDirectory(dir);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(program, args);
    if (!process.waitForFinished(30000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return program + QLatin1Char(' ') + args.join(QLatin1Char(' ')) + QStringLiteral(": ")
               + QString::fromUtf8(process.readAll());
    return {};
}

// A listening socket whose accept queue is full: Linux then drops new SYNs, so a connect hangs
// as it would to a firewalled host, without a packet leaving loopback.
class FullBacklog final {
public:
    FullBacklog()
    {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        auto* raw = reinterpret_cast<sockaddr*>(&address);
        m_listener = ::socket(AF_INET, SOCK_STREAM, 0);
        if (m_listener < 0 || ::bind(m_listener, raw, length) != 0 || ::listen(m_listener, 0) != 0
            || ::getsockname(m_listener, raw, &length) != 0)
            return;
        m_port = ntohs(address.sin_port);
        for (int i = 0; i < 3; ++i) {  // one fills the queue; the others make sure of it
            const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
            ::connect(fd, raw, length);
            m_fillers.push_back(fd);
        }
    }
    ~FullBacklog()
    {
        for (int fd : m_fillers)
            ::close(fd);
        if (m_listener >= 0)
            ::close(m_listener);
    }
    FullBacklog(const FullBacklog&) = delete;
    FullBacklog& operator=(const FullBacklog&) = delete;
    quint16 port() const { return m_port; }

private:
    int m_listener = -1;
    quint16 m_port = 0;
    std::vector<int> m_fillers;
};

} // namespace

class TestHttpProber final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void observesStatusJsonHeadersAndPhases();
    void completesOnAnyStatus_data();
    void completesOnAnyStatus();
    void failuresNamePhaseWithinTimeout_data();
    void failuresNamePhaseWithinTimeout();
    void followsRedirectsWhenAsked();
    void sendsMethodHeadersAndBody();
    void capsHugeBody_data();
    void capsHugeBody();
    void refusesOtherSchemes();
    void probesConcurrently();
    void cancelsInFlightOnDestruction();
    void routesByHostThroughNginx_data();
    void routesByHostThroughNginx();
    void tls_data();
    void tls();

private:
    Result probe(HttpProbe http, std::chrono::milliseconds timeout);
    QString url(const QString& path) const { return urlOn(m_http.port, path, false); }
    static QString urlOn(quint16 port, const QString& path, bool https)
    {
        return QStringLiteral("%1://127.0.0.1:%2%3").arg(https ? QStringLiteral("https") : QStringLiteral("http")).arg(port).arg(path);
    }
    bool startServer(ServerProcess& server, quint16& port, const QStringList& extra);
    QString makeCertificates();

    struct Server {
        ServerProcess process;
        quint16 port = 0;
    };
    QString m_python;
    QString m_script;
    Server m_http;
    Server m_selfSigned;
    Server m_expired;
    QTemporaryDir m_certs;
    QString m_tlsSkipReason;
    FullBacklog m_fullBacklog;
    std::unique_ptr<HttpProber> m_prober;
};

bool TestHttpProber::startServer(ServerProcess& server, quint16& port, const QStringList& extra)
{
    port = freeLoopbackPort();
    const QStringList args = QStringList{m_script, QStringLiteral("--port"), QString::number(port)} + extra;
    return server.start(m_python, args) && server.waitForPort(port);
}

void TestHttpProber::initTestCase()
{
    m_python = findProgram(QStringLiteral("python3"));
    if (m_python.isEmpty())
        QSKIP("python3 is not installed: it runs the test server");
    m_script = QStringLiteral(HOPSCOPE_SOURCE_DIR "/tests/support/httptestserver.py");
    QVERIFY2(QFile::exists(m_script), qPrintable(m_script));
    QVERIFY2(m_fullBacklog.port() != 0, "could not make a listening socket with a full backlog");
    QVERIFY2(startServer(m_http.process, m_http.port, {}), qPrintable(m_http.process.error()));
    m_prober = std::make_unique<HttpProber>();

    m_tlsSkipReason = makeCertificates();
    if (m_tlsSkipReason.isEmpty()) {
        const QString d = m_certs.path() + QLatin1Char('/');
        QVERIFY2(startServer(m_selfSigned.process, m_selfSigned.port,
                             {QStringLiteral("--cert"), d + QStringLiteral("self.pem"), QStringLiteral("--key"), d + QStringLiteral("self.key")}),
                 qPrintable(m_selfSigned.process.error()));
        QVERIFY2(startServer(m_expired.process, m_expired.port,
                             {QStringLiteral("--cert"), d + QStringLiteral("expired.pem"), QStringLiteral("--key"), d + QStringLiteral("expired.key")}),
                 qPrintable(m_expired.process.error()));
    }
}

// A self-signed certificate valid for 30 days, and one signed by a test CA that expired in
// 2020. OpenSSL 3.0's `x509` cannot back-date, but `ca` takes -startdate/-enddate.
QString TestHttpProber::makeCertificates()
{
    const QString openssl = findProgram(QStringLiteral("openssl"));
    if (openssl.isEmpty())
        return QStringLiteral("openssl is not installed: it makes the test certificates");
    if (!m_certs.isValid())
        return QStringLiteral("no temporary directory for certificates");
    const QString dir = m_certs.path();
    const QStringList ecKey{QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                            QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes")};
    const QString san = QStringLiteral("subjectAltName=IP:127.0.0.1,DNS:localhost");
    QFile config(dir + QStringLiteral("/ca.cnf"));
    QFile index(dir + QStringLiteral("/index.txt"));
    QFile serial(dir + QStringLiteral("/serial"));
    if (!config.open(QIODevice::WriteOnly) || !index.open(QIODevice::WriteOnly) || !serial.open(QIODevice::WriteOnly))
        return QStringLiteral("could not write the test CA's files");
    serial.write("01\n");
    config.write(QStringLiteral("[ca]\ndefault_ca = testca\n[testca]\ndatabase = %1/index.txt\nnew_certs_dir = %1\n"
                                "certificate = %1/ca.pem\nprivate_key = %1/ca.key\nserial = %1/serial\n"
                                "default_md = sha256\npolicy = anything\n[anything]\ncommonName = supplied\n"
                                "[leaf]\nbasicConstraints = CA:FALSE\n%2\n")
                     .arg(dir, san)
                     .toUtf8());
    config.close();
    index.close();
    serial.close();
    const QList<QStringList> steps{
        QStringList{QStringLiteral("req"), QStringLiteral("-x509")} + ecKey
            + QStringList{QStringLiteral("-keyout"), QStringLiteral("self.key"), QStringLiteral("-out"), QStringLiteral("self.pem"),
                          QStringLiteral("-days"), QStringLiteral("30"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
                          QStringLiteral("-addext"), san},
        QStringList{QStringLiteral("req"), QStringLiteral("-x509")} + ecKey
            + QStringList{QStringLiteral("-keyout"), QStringLiteral("ca.key"), QStringLiteral("-out"), QStringLiteral("ca.pem"),
                          QStringLiteral("-days"), QStringLiteral("3650"), QStringLiteral("-subj"), QStringLiteral("/CN=Hopscope Test CA")},
        QStringList{QStringLiteral("req"), QStringLiteral("-new")} + ecKey
            + QStringList{QStringLiteral("-keyout"), QStringLiteral("expired.key"), QStringLiteral("-out"), QStringLiteral("expired.csr"),
                          QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1")},
        QStringList{QStringLiteral("ca"), QStringLiteral("-batch"), QStringLiteral("-notext"), QStringLiteral("-config"), config.fileName(),
                    QStringLiteral("-extensions"), QStringLiteral("leaf"), QStringLiteral("-startdate"), QStringLiteral("20200101000000Z"),
                    QStringLiteral("-enddate"), QStringLiteral("20200102000000Z"), QStringLiteral("-in"), QStringLiteral("expired.csr"),
                    QStringLiteral("-out"), QStringLiteral("expired.pem")},
    };
    for (const auto& args : steps) {
        const QString failure = runTool(openssl, args, dir);
        if (!failure.isEmpty())
            return QStringLiteral("could not make test certificates: ") + failure;
    }
    return {};
}

Result TestHttpProber::probe(HttpProbe http, std::chrono::milliseconds timeout)
{
    Check check;
    check.name = "probe";
    check.kind = CheckKind::Http;
    check.probe = std::move(http);
    check.timeout = timeout;
    std::promise<Result> promise;
    auto future = promise.get_future();
    const auto testThread = std::this_thread::get_id();
    QElapsedTimer timer;
    timer.start();
    m_prober->start(check, std::chrono::steady_clock::now() + timeout, [&](Observation o) {
        promise.set_value(Result{std::move(o), timer.elapsed(), std::this_thread::get_id() != testThread});
    });
    // Bounded: a prober that never calls back fails here instead of hanging the suite.
    if (future.wait_for(timeout + 10s) != std::future_status::ready)
        qFatal("the prober did not call back within its timeout plus 10 s");
    return future.get();
}

void TestHttpProber::observesStatusJsonHeadersAndPhases()
{
    HttpProbe http;
    http.url = url(QStringLiteral("/ok")).toStdString();
    const Result r = probe(http, 3s);
    const auto& seen = r.observation.observed;
    QVERIFY2(r.observation.completed, r.observation.error.c_str());
    QVERIFY(r.calledOnWorker);
    QCOMPARE(seen.at("status").get<int>(), 200);
    QCOMPARE(seen.at("json").at("status").get<std::string>(), std::string("ok"));
    QCOMPARE(seen.at("json").at("running").get<int>(), 2);
    QCOMPARE(seen.at("headers").at("content-type").get<std::string>(), std::string("application/json"));
    QCOMPARE(seen.at("body_bytes").get<std::size_t>(), seen.at("body").get<std::string>().size());
    QCOMPARE(seen.at("truncated").get<bool>(), false);
    QCOMPARE(seen.at("redirects").get<int>(), 0);
    QVERIFY(!seen.contains("cert_days_left"));
    for (const char* phase : {"latency_ms", "dns_ms", "connect_ms", "tls_ms", "ttfb_ms"})
        QVERIFY2(seen.contains(phase) && seen.at(phase).get<double>() >= 0, phase);
    QVERIFY(r.observation.latencyMs > 0);
    QVERIFY2(QRegularExpression(QStringLiteral("^200 \u00b7 \\d+ ms$")).match(qs(r.observation.figure)).hasMatch(),
             r.observation.figure.c_str());
}

void TestHttpProber::completesOnAnyStatus_data()
{
    QTest::addColumn<int>("status");
    for (int status : {200, 204, 404, 500, 503})
        QTest::addRow("%d", status) << status;
}

void TestHttpProber::completesOnAnyStatus()
{
    QFETCH(int, status);
    HttpProbe http;
    http.url = url(QStringLiteral("/status/%1").arg(status)).toStdString();
    const Result r = probe(http, 3s);
    QVERIFY2(r.observation.completed, r.observation.error.c_str());
    QCOMPARE(r.observation.observed.at("status").get<int>(), status);
    QVERIFY(r.observation.error.empty());
    QVERIFY(qs(r.observation.figure).startsWith(QString::number(status)));
}

void TestHttpProber::failuresNamePhaseWithinTimeout_data()
{
    QTest::addColumn<QString>("target");  // a path on the test server, or a full URL
    QTest::addColumn<int>("timeoutMs");
    QTest::addColumn<bool>("follow");
    QTest::addColumn<QString>("expected");
    QTest::newRow("accepts, never answers") << QStringLiteral("/stall-header") << 1000 << false
                                            << QStringLiteral("timed out after 1 s waiting for the response header");
    QTest::newRow("answer slower than timeout") << QStringLiteral("/slow?ms=4000") << 1500 << false
                                                << QStringLiteral("timed out after 1.5 s waiting for the response header");
    QTest::newRow("stalls mid-body") << QStringLiteral("/stall-body") << 1000 << false
                                     << QStringLiteral("timed out after 1 s reading the response body (10 of 1000 bytes)");
    QTest::newRow("reset") << QStringLiteral("/reset") << 3000 << false << QStringLiteral("connection reset by peer");
    QTest::newRow("redirect loop") << QStringLiteral("/redirect-loop") << 3000 << true << QStringLiteral("too many redirects (5)");
    QTest::newRow("connect hangs") << urlOn(m_fullBacklog.port(), QStringLiteral("/ok"), false) << 1000 << false
                                   << QStringLiteral("timed out after 1 s connecting to 127.0.0.1");
    QTest::newRow("closed port") << urlOn(freeLoopbackPort(), QStringLiteral("/ok"), false) << 3000 << false
                                 << QStringLiteral("connection refused");
}

void TestHttpProber::failuresNamePhaseWithinTimeout()
{
    QFETCH(QString, target);
    QFETCH(int, timeoutMs);
    QFETCH(bool, follow);
    QFETCH(QString, expected);
    HttpProbe http;
    http.url = (target.startsWith(QLatin1Char('/')) ? url(target) : target).toStdString();
    http.followRedirects = follow;
    const Result r = probe(http, std::chrono::milliseconds(timeoutMs));
    qInfo("%s: %lld ms (timeout %d ms): %s", QTest::currentDataTag(), r.elapsedMs, timeoutMs, r.observation.error.c_str());
    QVERIFY(!r.observation.completed);
    QVERIFY(r.calledOnWorker);
    QVERIFY2(qs(r.observation.error).startsWith(expected), r.observation.error.c_str());
    QVERIFY2(r.elapsedMs < timeoutMs + 1500, qPrintable(QString::number(r.elapsedMs)));
    QVERIFY(!r.observation.figure.empty());
}

void TestHttpProber::followsRedirectsWhenAsked()
{
    HttpProbe http;
    http.url = url(QStringLiteral("/redirect-once")).toStdString();
    Result r = probe(http, 3s);
    QVERIFY2(r.observation.completed, r.observation.error.c_str());
    QCOMPARE(r.observation.observed.at("status").get<int>(), 302);
    QCOMPARE(r.observation.observed.at("headers").at("location").get<std::string>(), std::string("/ok"));

    http.followRedirects = true;
    r = probe(http, 3s);
    QVERIFY2(r.observation.completed, r.observation.error.c_str());
    QCOMPARE(r.observation.observed.at("status").get<int>(), 200);
    QCOMPARE(r.observation.observed.at("redirects").get<int>(), 1);
    QVERIFY(!r.observation.observed.at("headers").contains("location"));  // only the final response's
}

void TestHttpProber::sendsMethodHeadersAndBody()
{
    HttpProbe http;
    http.url = url(QStringLiteral("/echo")).toStdString();
    http.method = "POST";
    http.body = R"({"dry_run":true})";
    http.headers = {{"Content-Type", "application/json"}, {"X-Probe", "hopscope"}};
    const Result r = probe(http, 3s);
    QVERIFY2(r.observation.completed, r.observation.error.c_str());
    const auto& echo = r.observation.observed.at("json");
    QCOMPARE(echo.at("method").get<std::string>(), std::string("POST"));
    QCOMPARE(echo.at("body").get<std::string>(), http.body);
    QCOMPARE(echo.at("headers").at("X-Probe").get<std::string>(), std::string("hopscope"));
    QVERIFY(!echo.at("headers").contains("Expect"));
}

void TestHttpProber::capsHugeBody_data()
{
    QTest::addColumn<quint64>("cap");
    QTest::newRow("64 KiB") << quint64(64 * 1024);
    QTest::newRow("1 MiB default") << quint64(HttpProbe{}.maxBodyBytes);
}

void TestHttpProber::capsHugeBody()
{
    QFETCH(quint64, cap);
    HttpProbe http;
    http.url = url(QStringLiteral("/big?mb=100")).toStdString();
    http.maxBodyBytes = cap;
    const Result r = probe(http, 5s);
    qInfo("100 MB response, cap %llu: %lld ms (timeout 5000 ms)", cap, r.elapsedMs);
    QVERIFY2(r.observation.completed, r.observation.error.c_str());
    const auto& seen = r.observation.observed;
    QCOMPARE(quint64(seen.at("body").get<std::string>().size()), cap);
    QCOMPARE(seen.at("truncated").get<bool>(), true);
    QVERIFY(seen.at("body_bytes").get<quint64>() > cap);
    QVERIFY(seen.at("body_bytes").get<quint64>() < 100ull * 1024 * 1024);  // stopped, not drained
    QCOMPARE(seen.at("headers").at("content-length").get<std::string>(), std::to_string(100ull * 1024 * 1024));
    QVERIFY(!seen.contains("json"));
    QVERIFY(r.elapsedMs < 5000);
}

void TestHttpProber::refusesOtherSchemes()
{
    HttpProbe http;
    http.url = "file:///etc/passwd";
    const Result r = probe(http, 2s);
    QVERIFY(!r.observation.completed);
    QVERIFY2(qs(r.observation.error).contains(QStringLiteral("only http:// and https://")), r.observation.error.c_str());
    QVERIFY(!r.observation.observed.contains("body"));
}

void TestHttpProber::probesConcurrently()
{
    constexpr int count = 200;
    HttpProbe http;
    http.url = url(QStringLiteral("/slow?ms=200")).toStdString();
    Check check;
    check.kind = CheckKind::Http;
    check.probe = http;
    check.timeout = 15s;
    std::mutex mutex;
    std::condition_variable finished;
    int done = 0;
    int ok = 0;
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < count; ++i) {
        m_prober->start(check, std::chrono::steady_clock::now() + 15s, [&](Observation o) {
            std::lock_guard lock(mutex);
            ++done;
            ok += o.completed && o.observed.at("status") == 200 ? 1 : 0;
            finished.notify_all();
        });
    }
    std::unique_lock lock(mutex);
    QVERIFY(finished.wait_for(lock, 25s, [&] { return done == count; }));
    const qint64 elapsed = timer.elapsed();
    qInfo("%d probes of /slow?ms=200: %lld ms (sequential would be %d ms)", count, elapsed, count * 200);
    QCOMPARE(ok, count);
    QVERIFY2(elapsed < 5000, qPrintable(QString::number(elapsed)));
}

void TestHttpProber::cancelsInFlightOnDestruction()
{
    auto prober = std::make_unique<HttpProber>();
    HttpProbe http;
    http.url = url(QStringLiteral("/stall-header")).toStdString();
    Check check;
    check.kind = CheckKind::Http;
    check.probe = http;
    std::atomic<int> calls = 0;
    std::string error;
    prober->start(check, std::chrono::steady_clock::now() + 30s, [&](Observation o) {
        error = o.error;
        ++calls;
    });
    QElapsedTimer timer;
    timer.start();
    prober.reset();  // must not wait for the 30 s timeout
    QCOMPARE(calls.load(), 1);
    QCOMPARE(error, std::string("cancelled"));
    QVERIFY(timer.elapsed() < 2000);
}

void TestHttpProber::routesByHostThroughNginx_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("status");
    QTest::newRow("host rule") << QStringLiteral("app.example.test") << 200;
    QTest::newRow("default action") << QStringLiteral("unknown.invalid") << 404;
}

void TestHttpProber::routesByHostThroughNginx()
{
    if (NginxFixture::program().isEmpty())
        QSKIP("nginx is not installed: it plays the load balancer");
    QFETCH(QString, host);
    QFETCH(int, status);
    NginxFixture nginx;
    QVERIFY2(nginx.start(m_http.port), qPrintable(nginx.error()));
    HttpProbe http;
    http.url = urlOn(nginx.port(), QStringLiteral("/headers"), false).toStdString();
    http.headers = {{"Host", host.toStdString()}};
    const Result r = probe(http, 3s);
    QVERIFY2(r.observation.completed, r.observation.error.c_str());
    QCOMPARE(r.observation.observed.at("status").get<int>(), status);
    if (status == 200)  // proxied: the app saw the Host the probe sent
        QCOMPARE(r.observation.observed.at("json").at("headers").at("Host").get<std::string>(), host.toStdString());
}

void TestHttpProber::tls_data()
{
    QTest::addColumn<QString>("server");  // "self" or "expired"
    QTest::addColumn<bool>("verify");
    QTest::addColumn<QString>("caFile");
    QTest::addColumn<QString>("expectedError");  // empty: completes with 200
    QTest::addColumn<int>("daysSign");           // sign of cert_days_left, 0 when not observed
    QTest::newRow("self-signed, verified") << QStringLiteral("self") << true << QString() << QStringLiteral("self-signed certificate") << 0;
    QTest::newRow("self-signed, not verified") << QStringLiteral("self") << false << QString() << QString() << 1;
    QTest::newRow("self-signed, trusted CA file") << QStringLiteral("self") << true << QStringLiteral("self.pem") << QString() << 1;
    QTest::newRow("expired, verified") << QStringLiteral("expired") << true << QStringLiteral("ca.pem")
                                       << QStringLiteral("TLS certificate has expired") << 0;
    QTest::newRow("expired, not verified") << QStringLiteral("expired") << false << QString() << QString() << -1;
}

void TestHttpProber::tls()
{
    if (!m_tlsSkipReason.isEmpty())
        QSKIP(qPrintable(m_tlsSkipReason));
    QFETCH(QString, server);
    QFETCH(bool, verify);
    QFETCH(QString, caFile);
    QFETCH(QString, expectedError);
    QFETCH(int, daysSign);
    HttpProbe http;
    http.url = urlOn(server == QStringLiteral("self") ? m_selfSigned.port : m_expired.port, QStringLiteral("/ok"), true).toStdString();
    http.verifyTls = verify;
    if (!caFile.isEmpty())
        http.caFile = QString(m_certs.path() + QLatin1Char('/') + caFile).toStdString();
    const Result r = probe(http, 3s);
    const auto& seen = r.observation.observed;
    if (expectedError.isEmpty()) {
        QVERIFY2(r.observation.completed, r.observation.error.c_str());
        QCOMPARE(seen.at("status").get<int>(), 200);
        QVERIFY(seen.at("tls_ms").get<double>() > 0);
    } else {
        QVERIFY(!r.observation.completed);
        QCOMPARE(qs(r.observation.error), expectedError);
    }
    if (daysSign != 0) {
        QVERIFY(seen.contains("cert_days_left"));
        const long days = seen.at("cert_days_left").get<long>();
        qInfo("cert_days_left = %ld", days);
        QVERIFY(daysSign > 0 ? days > 0 : days < 0);
    }
}

QTEST_GUILESS_MAIN(TestHttpProber)
#include "tst_httpprober.moc"
