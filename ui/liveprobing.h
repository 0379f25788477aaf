#pragma once

#include "diagnosis.h"
#include "hopstatus.h"
#include "scheduler.h"
#include "workspace.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QString>

#include <chrono>
#include <functional>
#include <map>
#include <memory>

class QTimer;

namespace hopscope {

// A hop that changed colour, for the timeline: "12:03:15 db went red: relation … does not exist".
struct StatusChange {
    QDateTime at;
    QString file;
    QString environment;
    QString hop;
    QString hopTitle;
    HopStatus from = HopStatus::Grey;
    HopStatus to = HopStatus::Grey;
    HopRole role = HopRole::Unknown;
    QString message;  // the worst check's message, or its figure when it passed
};

// Probes every environment of every open file, live, and keeps the diagnosis of each.
// One scheduler per file: reloading or closing a file replaces or drops its scheduler, so
// results still in flight for the old contents are never applied to the new ones.
// No widgets: views read environment() and listen to environmentUpdated().
class LiveProbing final : public QObject {
    Q_OBJECT
public:
    using ProberFactory = std::function<ProberSet()>;

    struct EnvironmentState {
        const Environment* environment = nullptr;  // in `file`, which this state keeps alive
        Workspace::FilePtr file;
        ResultsByHop results;
        Diagnosis diagnosis;  // points into `results`
        std::map<std::string, int> inFlight;  // checks out, by hop
        std::map<std::string, HopStatus> announced;  // what the timeline last said of each hop
        bool swept = false;  // every check has answered at least once
        bool stale = false;  // no answer for longer than the interval allows
        QDateTime lastAnswer;
    };

    // Tests and benchmarks may pass their own probers; the default talks to real servers.
    explicit LiveProbing(Workspace* workspace, QObject* parent = nullptr, ProberFactory probers = makeProbers);
    ~LiveProbing() override;

    // Paused: no probing on the interval; probeNow() still works and results still arrive.
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }
    // One interval for every environment; zero goes back to each file's own.
    void setIntervalOverride(std::chrono::milliseconds interval);
    std::chrono::milliseconds intervalOverride() const { return m_intervalOverride; }
    void setDefaultTimeout(std::chrono::milliseconds timeout);

    void probeNow();
    void probeNow(const QString& file, const QString& environment);

    const EnvironmentState* environment(const QString& file, const QString& name) const;
    HopState hopState(const EnvironmentState& env, const Hop& hop) const;
    QHash<QString, HopState> hopStates(const QString& file, const QString& name) const;
    // Every environment with a check has been swept at least once since its file was (re)loaded.
    bool firstRoundDone() const;
    int inFlight() const;

    // When a hop's last answer counts as stale: three intervals, and never under 30 s.
    static std::chrono::milliseconds staleAfter(std::chrono::milliseconds interval);

signals:
    // Results, flags or the diagnosis of an environment changed; at most every 100 ms each.
    void environmentUpdated(const QString& file, const QString& environment);
    void resultArrived(const QString& file, const hopscope::CheckResult& result);
    void statusChanged(const hopscope::StatusChange& change);
    void progressChanged(int done, int total);
    void firstRoundFinished();

private:
    struct FileState;

    void onFileOpened(const QString& path);
    void onFileClosed(const QString& path);
    void startFile(const QString& path);
    std::vector<Environment> scheduledCopies(const LoadedFile& file) const;
    void restartAll();
    void onResult(const QString& path, const CheckResult& result);
    void onSweepFinished(const QString& path, const QString& environment);
    void markDirty(const QString& path, const QString& environment);
    void flush();
    void checkStaleness();
    void announce(const QString& path, EnvironmentState& env);
    void updateProgress();
    void maybeFinishFirstRound();
    std::chrono::milliseconds intervalOf(const Environment& env) const;

    Workspace* m_workspace;
    ProberFactory m_probers;
    std::map<QString, std::unique_ptr<FileState>> m_files;
    QSet<QPair<QString, QString>> m_dirty;
    QTimer* m_flushTimer;
    QTimer* m_staleTimer;
    std::chrono::milliseconds m_intervalOverride{0};
    std::chrono::milliseconds m_defaultTimeout{10'000};
    bool m_paused = false;
    bool m_firstRoundAnnounced = false;
};

} // namespace hopscope

Q_DECLARE_METATYPE(hopscope::StatusChange)
