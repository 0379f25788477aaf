#pragma once

#include "serverprocess.h"

#include <QString>
#include <QTemporaryDir>

namespace hopscope::test {

// nginx as a load balancer on loopback, the way the incidents' ALB was set up: a host rule
// for one name, and a default server that answers a fixed 404 to every other Host (the
// listener's default action). Runs as the current user with all its files in a temporary
// directory, and is stopped by pid when the fixture goes out of scope.
class NginxFixture final {
public:
    // The nginx binary, or an empty string when it is not installed (the tests then skip).
    static QString program();

    // Starts nginx on a free port. Requests for routedHost are proxied to 127.0.0.1:upstreamPort;
    // with upstreamPort 0 nginx answers them itself with 200 {"status":"ok"}.
    bool start(quint16 upstreamPort, const QString& routedHost = QStringLiteral("app.example.test"));
    quint16 port() const { return m_port; }
    QString error() const { return m_error; }

private:
    QTemporaryDir m_dir;
    ServerProcess m_server;
    quint16 m_port = 0;
    QString m_error;
};

} // namespace hopscope::test
