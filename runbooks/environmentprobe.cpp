#include "environmentprobe.h"

#include "scheduler.h"

namespace hopscope {

namespace {

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

} // namespace

EnvironmentProbe::EnvironmentProbe(QObject* parent) : QObject(parent) {}

EnvironmentProbe::~EnvironmentProbe() = default;

void EnvironmentProbe::start(const Environment& environment, std::chrono::milliseconds timeout)
{
    m_environment = environment;
    m_results.clear();
    m_scheduler = std::make_unique<Scheduler>(makeProbers());
    m_scheduler->setDefaultTimeout(timeout);
    m_scheduler->setEnvironments({environment});
    connect(m_scheduler.get(), &Scheduler::resultReady, this,
            [this](const CheckResult& r) { m_results[r.hop][r.check] = r; });
    connect(m_scheduler.get(), &Scheduler::sweepFinished, this, [this] {
        const Diagnosis diagnosis = diagnose(m_environment, m_results);
        emit finished(describeDiagnosis(m_environment, diagnosis), diagnosis.overall);
    });
    m_scheduler->probeNow();
}

QString describeDiagnosis(const Environment& environment, const Diagnosis& diagnosis)
{
    QStringList lines;
    lines << QStringLiteral("- Overall: **%1**").arg(q(std::string(toString(diagnosis.overall))));
    const auto causes = causeSummaries(environment, diagnosis);
    if (causes.empty())
        lines << QStringLiteral("- Likely cause: none (no hop failing on its own)");
    for (const auto& cause : causes)
        lines << QStringLiteral("- Likely cause: %1").arg(q(cause));
    lines << QString();
    for (const HopVerdict& v : diagnosis.hops) {
        const Hop* hop = environment.hop(v.hop);
        QString line = QStringLiteral("- `%1` %2: %3").arg(q(v.hop), hop ? q(hop->title) : QString(), q(std::string(toString(v.status))));
        if (v.role == HopRole::LikelyCause || v.role == HopRole::Symptom)
            line += QStringLiteral(" (%1)").arg(q(std::string(toString(v.role))));
        for (std::size_t i = 0; hop && i < hop->checks.size() && i < v.results.size(); ++i) {
            const CheckResult* r = v.results[i];
            if (r && r->status != CheckStatus::Pass)
                line += QStringLiteral("\n  - %1: %2 — %3").arg(q(std::string(toString(r->status))), q(hop->checks[i].name), q(r->message));
        }
        if (!v.runbooks.empty()) {
            QStringList ids;
            for (const auto& id : v.runbooks)
                ids << q(id);
            line += QStringLiteral("\n  - runbooks: %1").arg(ids.join(QStringLiteral(", ")));
        }
        lines << line;
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace hopscope
