#include "dnsmasqfixture.h"

#include <QFile>
#include <QUdpSocket>

namespace hopscope::test {

QString DnsmasqFixture::program()
{
    return findProgram(QStringLiteral("dnsmasq"));
}

QString DnsmasqFixture::server() const
{
    return QStringLiteral("127.0.0.1:%1").arg(m_port);
}

quint16 freeLoopbackPortForDns()
{
    // freeLoopbackPort() only checks TCP; dnsmasq needs the UDP port too.
    for (int i = 0; i < 20; ++i) {
        const quint16 port = freeLoopbackPort();
        QUdpSocket udp;
        if (port != 0 && udp.bind(QHostAddress::LocalHost, port))
            return port;
    }
    return 0;
}

bool DnsmasqFixture::start(const QString& hosts, const QStringList& recordArgs)
{
    const QString dnsmasq = program();
    if (dnsmasq.isEmpty()) {
        m_error = QStringLiteral("dnsmasq is not installed (Debian: dnsmasq-base)");
        return false;
    }
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("could not create a temporary directory: %1").arg(m_dir.errorString());
        return false;
    }
    QFile hostsFile(m_dir.filePath(QStringLiteral("hosts")));
    if (!hostsFile.open(QIODevice::WriteOnly) || hostsFile.write(hosts.toUtf8()) < 0) {
        m_error = QStringLiteral("could not write %1").arg(hostsFile.fileName());
        return false;
    }
    hostsFile.close();

    // Another process may take the port between our check and dnsmasq's bind: try again.
    for (int attempt = 0; attempt < 3; ++attempt) {
        m_port = freeLoopbackPortForDns();
        QStringList args{
            QStringLiteral("--keep-in-foreground"),
            QStringLiteral("--conf-file=/dev/null"),
            QStringLiteral("--no-resolv"),
            QStringLiteral("--no-hosts"),
            QStringLiteral("--port=%1").arg(m_port),
            QStringLiteral("--listen-address=127.0.0.1"),
            QStringLiteral("--bind-interfaces"),
            QStringLiteral("--addn-hosts=%1").arg(hostsFile.fileName()),
            QStringLiteral("--pid-file=%1").arg(m_dir.filePath(QStringLiteral("dnsmasq.pid"))),
            QStringLiteral("--log-facility=-"),
        };
        // As root dnsmasq would switch to nobody, who cannot read our private temporary directory.
        if (runningAsRoot())
            args << QStringLiteral("--user=root") << QStringLiteral("--group=root");
        args += recordArgs;
        if (!m_process.start(dnsmasq, args)) {
            m_error = m_process.error();
            return false;
        }
        // dnsmasq opens its UDP and TCP sockets together before it serves: TCP accepting means UDP is up.
        if (m_process.waitForPort(m_port, std::chrono::seconds(10)))
            return true;
        m_error = m_process.error();
        m_process.stop();
    }
    return false;
}

} // namespace hopscope::test
