#pragma once

#include "serverprocess.h"

#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace hopscope::test {

// A dnsmasq on a free loopback port that answers only from what the test gives it: a hosts
// file (A and AAAA) and record options (--cname=, --txt-record=, --mx-host=, --srv-host=,
// --local=/domain/ to answer NXDOMAIN for unknown names there). No upstream servers, no
// /etc/hosts, no config file, so the answers are the same on every machine.
class DnsmasqFixture final {
public:
    // Starts dnsmasq and waits until it answers. Returns false with error() set.
    bool start(const QString& hosts, const QStringList& recordArgs);
    void stop() { m_process.stop(); }

    quint16 port() const { return m_port; }
    QString server() const;  // "127.0.0.1:PORT", as a check's `server` is written
    QString error() const { return m_error; }

    // Where dnsmasq is installed, or empty: tests QSKIP when it is.
    static QString program();

private:
    QTemporaryDir m_dir;
    ServerProcess m_process;
    quint16 m_port = 0;
    QString m_error;
};

// A loopback port that was free for both TCP and UDP a moment ago.
quint16 freeLoopbackPortForDns();

} // namespace hopscope::test
