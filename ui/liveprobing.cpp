#include "liveprobing.h"

#include "hoptext.h"

#include <QLoggingCategory>
#include <QTimer>

#include <algorithm>

Q_LOGGING_CATEGORY(lcLive, "hopscope.live", QtWarningMsg)

namespace hopscope {

namespace {

constexpr std::chrono::milliseconds kFlushInterval{100};
constexpr std::chrono::milliseconds kStaleCheckInterval{2000};

bool hasChecks(const Environment& env)
{
    return std::any_of(env.hops.begin(), env.hops.end(), [](const Hop& h) { return !h.checks.empty(); });
}

} // namespace

struct LiveProbing::FileState {
    Workspace::FilePtr file;
    std::unique_ptr<Scheduler> scheduler;
    std::map<QString, EnvironmentState> environments;  // by name
    int done = 0;
    int total = 0;
};

LiveProbing::LiveProbing(Workspace* workspace, QObject* parent, ProberFactory probers)
    : QObject(parent)
    , m_workspace(workspace)
    , m_probers(std::move(probers))
    , m_flushTimer(new QTimer(this))
    , m_staleTimer(new QTimer(this))
{
    qRegisterMetaType<hopscope::StatusChange>();
    m_flushTimer->setSingleShot(true);
    m_flushTimer->setInterval(kFlushInterval);
    connect(m_flushTimer, &QTimer::timeout, this, &LiveProbing::flush);
    m_staleTimer->setInterval(kStaleCheckInterval);
    connect(m_staleTimer, &QTimer::timeout, this, &LiveProbing::checkStaleness);
    m_staleTimer->start();

    connect(workspace, &Workspace::fileOpened, this, &LiveProbing::onFileOpened);
    connect(workspace, &Workspace::fileReloaded, this, &LiveProbing::onFileOpened);
    connect(workspace, &Workspace::fileClosed, this, &LiveProbing::onFileClosed);
    for (const QString& path : workspace->paths())
        startFile(path);
}

LiveProbing::~LiveProbing() = default;

std::chrono::milliseconds LiveProbing::staleAfter(std::chrono::milliseconds interval)
{
    return std::max(3 * interval, std::chrono::milliseconds(30'000));
}

std::chrono::milliseconds LiveProbing::intervalOf(const Environment& env) const
{
    return m_intervalOverride.count() > 0 ? m_intervalOverride : env.interval;
}

void LiveProbing::setPaused(bool paused)
{
    if (paused == m_paused)
        return;
    m_paused = paused;
    for (auto& [path, state] : m_files) {
        if (paused)
            state->scheduler->stop();
        else
            state->scheduler->start();  // probes at once, then on the interval
    }
}

void LiveProbing::setIntervalOverride(std::chrono::milliseconds interval)
{
    if (interval == m_intervalOverride)
        return;
    m_intervalOverride = interval;
    // The scheduler takes intervals with its environments; results gathered so far stay.
    for (auto& [path, state] : m_files) {
        state->scheduler->setEnvironments(scheduledCopies(*state->file));
        for (auto& [name, env] : state->environments)
            env.inFlight.clear();
    }
    checkStaleness();
}

void LiveProbing::setDefaultTimeout(std::chrono::milliseconds timeout)
{
    m_defaultTimeout = timeout;
    for (auto& [path, state] : m_files)
        state->scheduler->setDefaultTimeout(timeout);
}

void LiveProbing::probeNow()
{
    for (auto& [path, state] : m_files)
        state->scheduler->probeNow();
}

void LiveProbing::probeNow(const QString& file, const QString& environment)
{
    const auto it = m_files.find(Workspace::normalizedPath(file));
    if (it != m_files.end())
        it->second->scheduler->probeNow(environment);
}

const LiveProbing::EnvironmentState* LiveProbing::environment(const QString& file, const QString& name) const
{
    // Views ask with the workspace's own spelling, many times a second: try that first.
    auto it = m_files.find(file);
    if (it == m_files.end())
        it = m_files.find(Workspace::normalizedPath(file));
    if (it == m_files.end())
        return nullptr;
    const auto env = it->second->environments.find(name);
    return env == it->second->environments.end() ? nullptr : &env->second;
}

HopState LiveProbing::hopState(const EnvironmentState& env, const Hop& hop) const
{
    HopState state;
    if (const HopVerdict* verdict = env.diagnosis.verdict(hop.id)) {
        state.status = verdict->status;
        state.role = verdict->role;
        state.figure = QString::fromStdString(hopFigure(*verdict));
    }
    const auto flying = env.inFlight.find(hop.id);
    state.probing = flying != env.inFlight.end() && flying->second > 0;
    state.stale = env.stale && state.status != HopStatus::Grey;
    return state;
}

QHash<QString, HopState> LiveProbing::hopStates(const QString& file, const QString& name) const
{
    QHash<QString, HopState> states;
    const EnvironmentState* env = environment(file, name);
    if (!env)
        return states;
    for (const Hop& hop : env->environment->hops)
        states.insert(QString::fromStdString(hop.id), hopState(*env, hop));
    return states;
}

bool LiveProbing::firstRoundDone() const
{
    for (const auto& [path, state] : m_files) {
        for (const auto& [name, env] : state->environments) {
            if (!env.swept && hasChecks(*env.environment))
                return false;
        }
    }
    return true;
}

int LiveProbing::inFlight() const
{
    int count = 0;
    for (const auto& [path, state] : m_files)
        count += state->scheduler->inFlight();
    return count;
}

std::vector<Environment> LiveProbing::scheduledCopies(const LoadedFile& file) const
{
    std::vector<Environment> copies = file.environments;
    for (Environment& env : copies)
        env.interval = intervalOf(env);
    return copies;
}

void LiveProbing::onFileOpened(const QString& path)
{
    startFile(path);
}

void LiveProbing::onFileClosed(const QString& path)
{
    const auto it = m_files.find(path);
    if (it == m_files.end())
        return;
    m_files.erase(it);  // the scheduler goes with it, and so do its answers still in flight
    updateProgress();
    maybeFinishFirstRound();
}

void LiveProbing::startFile(const QString& path)
{
    const Workspace::FilePtr file = m_workspace->file(path);
    if (!file)
        return;
    // A reload starts from nothing: a result for the old contents may not describe the new.
    auto state = std::make_unique<FileState>();
    state->file = file;
    for (const Environment& env : file->environments) {
        EnvironmentState& es = state->environments[QString::fromStdString(env.name)];
        es.environment = &env;
        es.file = file;
        es.diagnosis = diagnose(env, es.results);
    }
    state->scheduler = std::make_unique<Scheduler>(m_probers());
    Scheduler* scheduler = state->scheduler.get();
    // In place before the scheduler says anything; the old state, scheduler and all, goes here.
    m_files[path] = std::move(state);
    scheduler->setDefaultTimeout(m_defaultTimeout);
    connect(scheduler, &Scheduler::resultReady, this, [this, path](const CheckResult& r) { onResult(path, r); });
    connect(scheduler, &Scheduler::sweepFinished, this,
            [this, path](const QString& env) { onSweepFinished(path, env); });
    connect(scheduler, &Scheduler::checkStarted, this, [this, path](const QString& env, const QString& hop, const QString&) {
        FileState& fs = *m_files.at(path);
        if (auto it = fs.environments.find(env); it != fs.environments.end()) {
            ++it->second.inFlight[hop.toStdString()];
            markDirty(path, env);
        }
    });
    connect(scheduler, &Scheduler::progressChanged, this, [this, path](int done, int total) {
        FileState& fs = *m_files.at(path);
        fs.done = done;
        fs.total = total;
        updateProgress();
    });
    scheduler->setEnvironments(scheduledCopies(*file));

    for (const Environment& env : file->environments)
        markDirty(path, QString::fromStdString(env.name));
    m_firstRoundAnnounced = false;
    if (m_paused)
        scheduler->probeNow();  // once, so a newly opened file is not blank
    else
        scheduler->start();
    maybeFinishFirstRound();  // a file without checks has nothing to wait for
}

void LiveProbing::onResult(const QString& path, const CheckResult& result)
{
    FileState& fs = *m_files.at(path);
    const QString name = QString::fromStdString(result.environment);
    const auto it = fs.environments.find(name);
    if (it == fs.environments.end())
        return;
    EnvironmentState& env = it->second;
    env.results[result.hop][result.check] = result;
    if (int& flying = env.inFlight[result.hop]; flying > 0)
        --flying;
    env.diagnosis = diagnose(*env.environment, env.results);
    env.lastAnswer = QDateTime::currentDateTimeUtc();
    env.stale = false;
    emit resultArrived(path, result);
    markDirty(path, name);
}

void LiveProbing::onSweepFinished(const QString& path, const QString& environment)
{
    FileState& fs = *m_files.at(path);
    const auto it = fs.environments.find(environment);
    if (it == fs.environments.end())
        return;
    it->second.swept = true;
    markDirty(path, environment);
}

void LiveProbing::markDirty(const QString& path, const QString& environment)
{
    m_dirty.insert({path, environment});
    if (!m_flushTimer->isActive())
        m_flushTimer->start();
}

void LiveProbing::flush()
{
    const auto dirty = std::exchange(m_dirty, {});
    for (const auto& [path, name] : dirty) {
        const auto file = m_files.find(path);
        if (file == m_files.end())
            continue;
        const auto env = file->second->environments.find(name);
        if (env == file->second->environments.end())
            continue;
        announce(path, env->second);
        emit environmentUpdated(path, name);
    }
    maybeFinishFirstRound();
}

void LiveProbing::announce(const QString& path, EnvironmentState& env)
{
    // Mid-way through the first sweep the roles are guesses from half the answers; the
    // timeline starts with the first complete picture.
    if (!env.swept)
        return;
    for (const Hop& hop : env.environment->hops) {
        const HopVerdict* verdict = env.diagnosis.verdict(hop.id);
        if (!verdict)
            continue;
        const auto previous = env.announced.find(hop.id);
        const HopStatus before = previous == env.announced.end() ? HopStatus::Grey : previous->second;
        if (verdict->status == before)
            continue;
        env.announced[hop.id] = verdict->status;
        // A hop turning green on its first probe is the normal case, not news.
        if (before == HopStatus::Grey && verdict->status == HopStatus::Green)
            continue;
        StatusChange change;
        change.at = QDateTime::currentDateTime();
        change.file = path;
        change.environment = QString::fromStdString(env.environment->name);
        change.hop = QString::fromStdString(hop.id);
        change.hopTitle = HopText::title(hop);
        change.from = before;
        change.to = verdict->status;
        change.role = verdict->role;
        change.message = QString::fromStdString(hopFigure(*verdict));
        qCDebug(lcLive).noquote() << change.environment << change.hop << "went" << toString(change.to).data()
                                 << change.message;
        emit statusChanged(change);
    }
}

void LiveProbing::checkStaleness()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (auto& [path, state] : m_files) {
        for (auto& [name, env] : state->environments) {
            const bool stale = env.lastAnswer.isValid()
                && env.lastAnswer.msecsTo(now) > staleAfter(intervalOf(*env.environment)).count();
            if (stale != env.stale) {
                env.stale = stale;
                markDirty(path, name);
            }
        }
    }
}

void LiveProbing::updateProgress()
{
    int done = 0;
    int total = 0;
    for (const auto& [path, state] : m_files) {
        done += state->done;
        total += state->total;
    }
    emit progressChanged(done, total);
}

void LiveProbing::maybeFinishFirstRound()
{
    if (m_firstRoundAnnounced || !firstRoundDone())
        return;
    m_firstRoundAnnounced = true;
    emit firstRoundFinished();
}

} // namespace hopscope
