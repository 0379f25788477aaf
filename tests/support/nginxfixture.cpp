#include "nginxfixture.h"

#include <QFile>

namespace hopscope::test {

QString NginxFixture::program()
{
    return findProgram(QStringLiteral("nginx"));
}

bool NginxFixture::start(quint16 upstreamPort, const QString& routedHost)
{
    const QString nginx = program();
    if (nginx.isEmpty()) {
        m_error = QStringLiteral("nginx is not installed");
        return false;
    }
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("could not create a temporary directory: %1").arg(m_dir.errorString());
        return false;
    }
    m_port = freeLoopbackPort();
    const QString dir = m_dir.path();
    const QString routed = upstreamPort == 0
        ? QStringLiteral("return 200 '{\"status\":\"ok\"}';")
        : QStringLiteral("proxy_pass http://127.0.0.1:%1; proxy_set_header Host $host;").arg(upstreamPort);
    // Every path nginx would otherwise write under /var lives in the temporary directory.
    // As root, nginx would switch its workers to "nobody", who cannot read that directory.
    const QString config = QStringLiteral(
        "%1"
        "daemon off;\n"
        "master_process on;\n"
        "worker_processes 1;\n"
        "worker_rlimit_nofile 8192;\n"
        "pid %2/nginx.pid;\n"
        "error_log stderr warn;\n"
        "events { worker_connections 4096; }\n"
        "http {\n"
        "  access_log off;\n"
        "  client_body_temp_path %2/client_body;\n"
        "  proxy_temp_path %2/proxy;\n"
        "  fastcgi_temp_path %2/fastcgi;\n"
        "  uwsgi_temp_path %2/uwsgi;\n"
        "  scgi_temp_path %2/scgi;\n"
        "  default_type application/json;\n"
        "  server {\n"
        "    listen 127.0.0.1:%3 default_server backlog=4096;\n"
        "    server_name _;\n"
        "    location / { return 404 '{\"error\":\"no rule matched this host\"}'; }\n"
        "  }\n"
        "  server {\n"
        "    listen 127.0.0.1:%3;\n"
        "    server_name %4;\n"
        "    location / { %5 }\n"
        "  }\n"
        "}\n")
        .arg(runningAsRoot() ? QStringLiteral("user root;\n") : QString(), dir)
        .arg(m_port)
        .arg(routedHost, routed);
    QFile file(dir + QStringLiteral("/nginx.conf"));
    if (!file.open(QIODevice::WriteOnly) || file.write(config.toUtf8()) != config.toUtf8().size()) {
        m_error = QStringLiteral("could not write %1").arg(file.fileName());
        return false;
    }
    file.close();
    // -e keeps nginx from opening /var/log/nginx/error.log before it has read our config.
    const QStringList args{QStringLiteral("-p"), dir, QStringLiteral("-e"), QStringLiteral("stderr"),
                           QStringLiteral("-c"), file.fileName()};
    if (!m_server.start(nginx, args, dir) || !m_server.waitForPort(m_port)) {
        m_error = m_server.error();
        return false;
    }
    return true;
}

} // namespace hopscope::test
