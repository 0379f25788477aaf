#include "hoptext.h"

#include "templatestring.h"

#include <QRegularExpression>
#include <QStringList>

namespace hopscope {

namespace {

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

QString masked()
{
    return QStringLiteral("••••");
}

// A ${name} reference says where a secret comes from, not what it is, so it may be shown.
bool isReference(const QString& value)
{
    return value.startsWith(QLatin1String("${")) && value.endsWith(QLatin1Char('}'));
}

bool isSecretHeader(const QString& name)
{
    static const QRegularExpression secret(QStringLiteral("auth|token|key|secret|cookie|password"),
                                           QRegularExpression::CaseInsensitiveOption);
    return secret.match(name).hasMatch();
}

QString joined(const std::vector<std::string>& items)
{
    QStringList list;
    for (const std::string& item : items)
        list << q(item);
    return list.join(QStringLiteral(", "));
}

QString tableColumns(const TableColumns& t)
{
    QStringList columns;
    for (const std::string& c : t.columns)
        columns << q(c);
    return columns.isEmpty() ? q(t.table) : q(t.table) % u'(' % columns.join(QStringLiteral(", ")) % u')';
}

QString elided(const QString& text, int max = 80)
{
    const QString simplified = text.simplified();
    return simplified.size() <= max ? simplified : simplified.left(max - 1) % u'…';
}

} // namespace

QString HopText::kindName(HopKind kind)
{
    switch (kind) {
    case HopKind::Dns: return tr("DNS");
    case HopKind::LoadBalancer: return tr("Load balancer");
    case HopKind::TargetGroup: return tr("Target group");
    case HopKind::Containers: return tr("Containers");
    case HopKind::MigrationJob: return tr("Migration job");
    case HopKind::Database: return tr("Database");
    case HopKind::Custom: break;
    }
    return tr("Custom");
}

QString HopText::title(const Hop& hop)
{
    return hop.title.empty() ? q(hop.id) : q(hop.title);
}

QString HopText::checkName(const Check& check)
{
    if (!check.name.empty())
        return q(check.name);
    return tr("%1 check").arg(QString::fromUtf8(toString(check.kind)));
}

QString HopText::checkCount(int count)
{
    return tr("%n check(s)", nullptr, count);
}

QString HopText::statusName(HopStatus status)
{
    switch (status) {
    case HopStatus::Grey: return tr("not probed yet");
    case HopStatus::Green: return tr("healthy");
    case HopStatus::Amber: return tr("degraded");
    case HopStatus::Red: return tr("failing");
    }
    return {};
}

QString HopText::roleName(HopRole role)
{
    switch (role) {
    case HopRole::LikelyCause: return tr("likely cause");
    case HopRole::Symptom: return tr("symptom");
    case HopRole::Degraded: return tr("degraded");
    case HopRole::Healthy:
    case HopRole::Unknown: break;
    }
    return {};
}

QString HopText::checkStatusName(CheckStatus status)
{
    switch (status) {
    case CheckStatus::Pass: return tr("passed");
    case CheckStatus::Warn: return tr("warned");
    case CheckStatus::Fail: return tr("failed");
    case CheckStatus::Error: return tr("could not probe");
    }
    return {};
}

QString HopText::diagnosisSummary(const Environment& env, const Diagnosis& d, const QString& fileName)
{
    QStringList lines;
    lines << tr("%1 (%2): %3").arg(QString::fromStdString(env.name), fileName, statusName(d.overall));
    QStringList symptoms;
    QStringList runbooks;
    for (const std::string& id : d.likelyCauses) {
        const Hop* hop = env.hop(id);
        const HopVerdict* v = d.verdict(id);
        if (!hop || !v)
            continue;
        lines << tr("Likely cause: %1 (%2): %3").arg(q(id), title(*hop), q(hopFigure(*v)));
        for (const std::string& r : v->runbooks)
            runbooks << q(r);
    }
    for (const HopVerdict& v : d.hops) {
        if (v.role == HopRole::Symptom)
            symptoms << q(v.hop);
    }
    if (!symptoms.isEmpty())
        lines << tr("Symptoms: %1").arg(symptoms.join(QStringLiteral(", ")));
    runbooks.removeDuplicates();
    if (!runbooks.isEmpty())
        lines << tr("Runbooks: %1").arg(runbooks.join(QStringLiteral(", ")));
    lines << tr("Hops:");
    for (const Hop& hop : env.hops) {
        const HopVerdict* v = d.verdict(hop.id);
        const HopStatus status = v ? v->status : HopStatus::Grey;
        QString figure = v ? q(hopFigure(*v)) : QString();
        if (figure.isEmpty())
            figure = statusName(status);
        lines << QStringLiteral("  [%1] %2 (%3): %4").arg(statusName(status), q(hop.id), title(hop), figure);
    }
    return lines.join(u'\n');
}

QString HopText::expand(const std::string& text, const KeyValues& variables)
{
    if (variables.empty())
        return q(text);
    return q(renderTemplate(text, [&](const std::string& name) -> std::optional<std::string> {
        for (const auto& [key, value] : variables) {
            if (key == name)
                return value;
        }
        return std::nullopt;
    }));
}

QString HopText::probeSummary(const Check& check, const KeyValues& variables)
{
    const QString kind = QString::fromUtf8(toString(check.kind));
    // Filled in before masking, so a password kept in a variable is masked all the same.
    const auto v = [&](const std::string& text) { return expand(text, variables); };
    if (const auto* dns = std::get_if<DnsProbe>(&check.probe)) {
        QString text = kind % u' ' % q(dns->type) % u' ' % v(dns->name);
        if (!dns->server.empty())
            text += tr(" via %1").arg(v(dns->server));
        return text;
    }
    if (const auto* tcp = std::get_if<TcpProbe>(&check.probe))
        return kind % u' ' % v(tcp->host) % u':'
             % (tcp->portTemplate.empty() ? QString::number(tcp->port) : v(tcp->portTemplate));
    if (const auto* http = std::get_if<HttpProbe>(&check.probe)) {
        QStringList parts{kind % u' ' % q(http->method) % u' ' % maskDsn(v(http->url))};
        for (const auto& [name, value] : http->headers) {
            const QString shown = isSecretHeader(q(name)) && !isReference(q(value)) ? masked() : v(value);
            parts << q(name) % QStringLiteral(": ") % shown;
        }
        return parts.join(QStringLiteral(" · "));
    }
    if (const auto* command = std::get_if<CommandProbe>(&check.probe))
        return kind % u' ' % commandLine(command->argv, variables);
    if (const auto* pg = std::get_if<PostgresProbe>(&check.probe)) {
        using B = PostgresProbe::Builtin;
        switch (pg->builtin) {
        case B::Connect: return tr("%1 connect").arg(kind);
        case B::Query: return tr("%1 query: %2").arg(kind, elided(v(pg->query)));
        case B::RequiredTables: return tr("%1 required tables: %2").arg(kind, joined(pg->requiredTables));
        case B::Migrations: {
            const QString head = !pg->migrations.expected.empty()
                ? q(pg->migrations.expected)
                : tr("newest in %1").arg(v(pg->migrations.expectedFrom));
            return tr("%1 migrations: %2.%3 at %4")
                .arg(kind, q(pg->migrations.table), q(pg->migrations.column), head);
        }
        case B::Connections: return tr("%1 connections in use vs max_connections").arg(kind);
        case B::Indexes: {
            QStringList indexes;
            for (const TableColumns& t : pg->indexes)
                indexes << tableColumns(t);
            return tr("%1 indexes: %2").arg(kind, indexes.join(QStringLiteral(", ")));
        }
        case B::Explain: return tr("%1 explain: %2").arg(kind, elided(v(pg->query)));
        case B::Duplicates: return tr("%1 duplicates in %2").arg(kind, tableColumns(pg->duplicates));
        case B::SameDatabase: return tr("%1 same database as %2").arg(kind, maskDsn(v(pg->sameDatabaseAs)));
        }
    }
    return kind;
}

QString HopText::probeTarget(const Check& check, const KeyValues& variables)
{
    if (const auto* pg = std::get_if<PostgresProbe>(&check.probe))
        return maskDsn(expand(pg->dsn, variables));
    return {};
}

QString HopText::maskDsn(const QString& dsn)
{
    QString result = dsn;
    // URL form: scheme://user:password@host/...
    static const QRegularExpression userInfo(QStringLiteral("^([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@]*):([^@/]*)@"));
    const QRegularExpressionMatch url = userInfo.match(result);
    if (url.hasMatch() && !isReference(url.captured(2)))
        result.replace(url.capturedStart(2), url.capturedLength(2), masked());
    // Keyword form: host=… password=… dbname=…
    static const QRegularExpression keyword(QStringLiteral("(\\bpassword\\s*=\\s*)('[^']*'|\\S+)"));
    QRegularExpressionMatch kw = keyword.match(result);
    while (kw.hasMatch()) {
        const int start = kw.capturedStart(2);
        if (!isReference(kw.captured(2))) {
            result.replace(start, kw.capturedLength(2), masked());
            kw = keyword.match(result, start + masked().size());
        } else {
            kw = keyword.match(result, kw.capturedEnd(2));
        }
    }
    return result;
}

QString HopText::commandLine(const std::vector<std::string>& argv, const KeyValues& variables)
{
    QStringList words;
    static const QRegularExpression needsQuotes(QStringLiteral("[\\s'\"\\\\`|&;<>()*?]"));
    for (const std::string& arg : argv) {
        QString word = expand(arg, variables);
        if (word.isEmpty() || needsQuotes.match(word).hasMatch())
            word = u'\'' % word.replace(QStringLiteral("'"), QStringLiteral("'\\''")) % u'\'';
        words << word;
    }
    return words.join(u' ');
}

} // namespace hopscope
