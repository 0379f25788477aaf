#include "scheduler.h"

#include "commandprober.h"
#include "dnsprober.h"
#include "httpprober.h"
#include "postgresprober.h"
#include "tcpprober.h"

#include <QMetaObject>
#include <QPointer>
#include <QTimer>

#include <algorithm>

namespace hopscope {

namespace {

// A prober must answer by its deadline; past this margin the scheduler answers for it, so a
// bug in one prober can never leave a check (or a sweep) waiting forever.
constexpr std::chrono::milliseconds kWatchdogMargin{2000};

} // namespace

Prober* ProberSet::forKind(CheckKind kind) const
{
    switch (kind) {
    case CheckKind::Dns: return dns.get();
    case CheckKind::Tcp: return tcp.get();
    case CheckKind::Http: return http.get();
    case CheckKind::Postgres: return postgres.get();
    case CheckKind::Command: return command.get();
    }
    return nullptr;
}

ProberSet makeProbers()
{
    ProberSet set;
    set.dns = std::make_unique<DnsProber>();
    set.tcp = std::make_unique<TcpProber>();
    set.http = std::make_unique<HttpProber>();
    set.postgres = std::make_unique<PostgresProber>();
    set.command = std::make_unique<CommandProber>();
    return set;
}

struct Scheduler::Pending {
    quint64 generation = 0;
    QString environment;
    std::string hop;
    Check check;  // as written, for evaluating conditions
    std::vector<std::string> secretValues;
    QTimer* watchdog = nullptr;
};

struct Scheduler::Relay {
    std::mutex mutex;
    Scheduler* scheduler = nullptr;

    void deliver(quint64 token, Observation observation)
    {
        std::lock_guard lock(mutex);
        if (!scheduler)
            return;
        QMetaObject::invokeMethod(
            scheduler, [s = scheduler, token, o = std::move(observation)] { s->complete(token, o); },
            Qt::QueuedConnection);
    }
};

Scheduler::Scheduler(ProberSet probers, QObject* parent)
    : QObject(parent), m_probers(std::move(probers)), m_relay(std::make_shared<Relay>())
{
    qRegisterMetaType<hopscope::CheckResult>();
    m_relay->scheduler = this;
}

Scheduler::~Scheduler()
{
    {
        std::lock_guard lock(m_relay->mutex);
        m_relay->scheduler = nullptr;
    }
    // Probers join their threads here; any answer they still give goes nowhere.
    m_probers = {};
}

void Scheduler::setEnvironments(std::vector<Environment> environments)
{
    cancel();
    m_environments = std::move(environments);
    if (m_running)
        scheduleTimers();
}

void Scheduler::start()
{
    m_running = true;
    scheduleTimers();
    probeNow();
}

void Scheduler::stop()
{
    m_running = false;
    qDeleteAll(m_timers);
    m_timers.clear();
}

void Scheduler::scheduleTimers()
{
    qDeleteAll(m_timers);
    m_timers.clear();
    for (const Environment& env : m_environments) {
        auto* timer = new QTimer(this);
        timer->setInterval(env.interval);
        const QString name = QString::fromStdString(env.name);
        connect(timer, &QTimer::timeout, this, [this, name] { probeNow(name); });
        timer->start();
        m_timers.push_back(timer);
    }
}

void Scheduler::probeNow(const QString& environment)
{
    for (const Environment& env : m_environments) {
        if (environment.isEmpty() || QString::fromStdString(env.name) == environment)
            probeEnvironment(env);
    }
}

void Scheduler::cancel()
{
    ++m_generation;
    for (auto& [token, pending] : m_pending) {
        if (pending.watchdog)
            pending.watchdog->deleteLater();
    }
    m_pending.clear();
    m_outstanding.clear();
    m_done = m_total = 0;
    emit progressChanged(0, 0);
}

void Scheduler::probeEnvironment(const Environment& env)
{
    const QString name = QString::fromStdString(env.name);
    // Once per sweep: a secret may live in a file, and every check of the sweep sees the same value.
    const ResolvedSecrets secrets = resolveSecrets(env);
    for (const Hop& hop : env.hops) {
        for (const Check& check : hop.checks)
            dispatch(env, secrets, hop, check);
    }
    if (m_outstanding[name] == 0)
        emit sweepFinished(name);  // nothing to probe, or all still running from before
}

void Scheduler::dispatch(const Environment& env, const ResolvedSecrets& secrets, const Hop& hop, const Check& check)
{
    const QString envName = QString::fromStdString(env.name);
    const bool running = std::any_of(m_pending.begin(), m_pending.end(), [&](const auto& entry) {
        const Pending& p = entry.second;
        return p.environment == envName && p.hop == hop.id && p.check.name == check.name;
    });
    if (running)
        return;

    const quint64 token = m_nextToken++;
    Pending& pending = m_pending[token];
    pending.generation = m_generation;
    pending.environment = envName;
    pending.hop = hop.id;
    pending.check = check;
    ++m_outstanding[envName];
    ++m_total;
    emit checkStarted(envName, QString::fromStdString(hop.id), QString::fromStdString(check.name));
    emit progressChanged(m_done, m_total);

    const auto timeout = check.timeout.value_or(m_defaultTimeout);
    RenderedCheck rendered = renderCheck(check, env, secrets);
    pending.secretValues = rendered.secretValues;
    Prober* prober = m_probers.forKind(check.kind);
    if (!rendered.error.empty() || !prober) {
        Observation o;
        o.error = rendered.error.empty() ? "no prober for " + std::string(toString(check.kind)) + " checks" : rendered.error;
        QMetaObject::invokeMethod(this, [this, token, o] { complete(token, o); }, Qt::QueuedConnection);
        return;
    }
    pending.watchdog = new QTimer(this);
    pending.watchdog->setSingleShot(true);
    connect(pending.watchdog, &QTimer::timeout, this, [this, token, timeout] {
        Observation o;
        o.error = "no answer within " + humanDuration(timeout) + " (the probe overran its deadline)";
        complete(token, o);
    });
    pending.watchdog->start(timeout + kWatchdogMargin);
    prober->start(rendered.check, std::chrono::steady_clock::now() + timeout,
                  [relay = m_relay, token](Observation o) { relay->deliver(token, std::move(o)); });
}

void Scheduler::complete(quint64 token, const Observation& observation)
{
    const auto it = m_pending.find(token);
    if (it == m_pending.end())
        return;  // cancelled, replaced, or already answered by the watchdog
    Pending pending = std::move(it->second);
    m_pending.erase(it);
    if (pending.watchdog)
        pending.watchdog->deleteLater();  // may be the timer whose signal is running now
    if (pending.generation != m_generation)
        return;

    CheckResult result = evaluateCheck(pending.check, observation);
    result.environment = pending.environment.toStdString();
    result.hop = pending.hop;
    maskSecrets(result, pending.secretValues);
    ++m_done;
    emit resultReady(result);
    emit progressChanged(m_done, m_total);
    if (--m_outstanding[pending.environment] == 0)
        emit sweepFinished(pending.environment);
    if (m_pending.empty())
        m_done = m_total = 0;
}

} // namespace hopscope
