#include "commandprober.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace hopscope {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// After SIGKILL a process in uninterruptible sleep may still not exit; the probe reports
// anyway this long after the kill, and the worker keeps trying to reap it.
constexpr milliseconds kKillMargin{500};

class Fd final {
public:
    Fd() = default;
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd() { reset(); }
    Fd(Fd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    Fd& operator=(Fd&& other) noexcept
    {
        if (this != &other) {
            reset();
            m_fd = std::exchange(other.m_fd, -1);
        }
        return *this;
    }
    int get() const { return m_fd; }
    bool valid() const { return m_fd >= 0; }
    void reset()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }

private:
    int m_fd = -1;
};

struct Job {
    CommandProbe probe;
    std::string timeoutText;  // "5 s", for messages
    ProbeDeadline deadline;
    ProbeCallback done;
};

struct Stream {
    Fd fd;
    std::string data;
    std::uint64_t total = 0;
};

struct Running {
    Job job;
    pid_t pid = -1;
    Fd pidfd;  // readable when the program exits; absent on kernels without pidfd_open
    Stream out;
    Stream err;
    Clock::time_point started;
    bool exited = false;
    siginfo_t info{};
    Clock::time_point exitedAt;
    bool timedOut = false;
    bool termSent = false;
    bool killSent = false;
    Clock::time_point killAt;
};

// A group whose probe has finished: its leader stays unreaped (a zombie) until the group has
// been sent SIGKILL, so the group id cannot be reused by an unrelated process meanwhile.
struct Lingering {
    pid_t pid = -1;
    Fd pidfd;
    Clock::time_point killAt;
    bool killSent = false;
};

std::string errnoText(int err) { return std::strerror(err); }

std::string signalName(int sig)
{
    const char* abbrev = sigabbrev_np(sig);
    return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

double msBetween(Clock::time_point from, Clock::time_point to)
{
    return std::chrono::duration<double, std::milli>(to - from).count();
}

std::string latencyText(double ms)
{
    return humanDuration(milliseconds(static_cast<std::int64_t>(ms + 0.5)));
}

// JSON strings must be UTF-8; a program may print anything, and the cap may cut a character.
std::string validUtf8(const std::string& in)
{
    std::string out;
    out.reserve(in.size());
    const auto* s = reinterpret_cast<const unsigned char*>(in.data());
    const std::size_t n = in.size();
    for (std::size_t i = 0; i < n;) {
        const unsigned char c = s[i];
        std::size_t len = 0;
        unsigned lo = 0x80, hi = 0xBF;
        if (c < 0x80) len = 1;
        else if (c >= 0xC2 && c <= 0xDF) len = 2;
        else if (c >= 0xE0 && c <= 0xEF) { len = 3; lo = c == 0xE0 ? 0xA0 : 0x80; hi = c == 0xED ? 0x9F : 0xBF; }
        else if (c >= 0xF0 && c <= 0xF4) { len = 4; lo = c == 0xF0 ? 0x90 : 0x80; hi = c == 0xF4 ? 0x8F : 0xBF; }
        bool ok = len > 0 && i + len <= n;
        for (std::size_t k = 1; ok && k < len; ++k)
            ok = k == 1 ? (s[i + 1] >= lo && s[i + 1] <= hi) : (s[i + k] & 0xC0) == 0x80;
        if (ok) {
            out.append(in, i, len);
            i += len;
        } else {
            out += "\xEF\xBF\xBD";
            ++i;
        }
    }
    return out;
}

// The inherited environment with the check's additions; an addition replaces a variable of
// the same name rather than adding a second one.
std::vector<std::string> mergedEnvironment(const KeyValues& additions)
{
    std::vector<std::string> env;
    for (char** e = environ; e && *e; ++e)
        env.emplace_back(*e);
    for (const auto& [name, value] : additions) {
        const std::string prefix = name + "=";
        std::erase_if(env, [&](const std::string& v) { return v.starts_with(prefix); });
        env.push_back(prefix + value);
    }
    return env;
}

std::string lookup(const std::vector<std::string>& env, const std::string& name)
{
    for (const auto& v : env)
        if (v.size() > name.size() && v.starts_with(name) && v[name.size()] == '=')
            return v.substr(name.size() + 1);
    return {};
}

std::string joinPath(const std::string& dir, const std::string& name)
{
    if (dir.empty() || name.starts_with('/'))
        return name;
    return dir.ends_with('/') ? dir + name : dir + "/" + name;
}

struct Resolved {
    std::string path;
    std::string error;
};

// Finds a bare program name on the PATH the command will see (its additions included), as
// execvp would, but saying whether nothing was found or only files that may not be run.
Resolved resolveProgram(const std::string& program, const std::string& workDir,
                        const std::vector<std::string>& env)
{
    if (program.find('/') != std::string::npos)
        return {program, {}};
    std::string pathVar = lookup(env, "PATH");
    if (pathVar.empty())
        pathVar = "/bin:/usr/bin";
    bool deniedSeen = false;
    std::size_t begin = 0;
    while (begin <= pathVar.size()) {
        const std::size_t end = std::min(pathVar.find(':', begin), pathVar.size());
        std::string dir = pathVar.substr(begin, end - begin);
        begin = end + 1;
        const std::string candidate = joinPath(joinPath(workDir, dir.empty() ? "." : dir), program);
        struct stat st{};
        if (::stat(candidate.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (::access(candidate.c_str(), X_OK) == 0)
            return {candidate, {}};
        deniedSeen = true;
    }
    return {{}, (deniedSeen ? "permission denied: " : "program not found: ") + program};
}

std::string spawnErrorText(int err, const std::string& program, const std::string& resolvedPath)
{
    struct stat st{};
    switch (err) {
    case ENOENT:
        if (::stat(resolvedPath.c_str(), &st) == 0)
            return "cannot run " + program + ": the interpreter on its #! line was not found";
        return "program not found: " + program;
    case EACCES:
    case EPERM: return "permission denied: " + program;
    case ENOEXEC: return "not an executable program: " + program;
    case ETXTBSY: return "cannot run " + program + ": the file is being written";
    default: return "cannot run " + program + ": " + errnoText(err);
    }
}

struct Spawned {
    pid_t pid = -1;
    Fd out;
    Fd err;
    Fd pidfd;
    std::string error;
};

bool makePipe(Fd& readEnd, Fd& writeEnd)
{
    int fds[2];
    // CLOEXEC so a fork elsewhere in the process (QProcess, libpq) never inherits our ends.
    if (::pipe2(fds, O_CLOEXEC) != 0)
        return false;
    readEnd = Fd(fds[0]);
    writeEnd = Fd(fds[1]);
    ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    return true;
}

// Only argv[0] ever appears in a message: the other arguments may hold secrets.
Spawned spawn(const CommandProbe& probe)
{
    Spawned result;
    if (probe.argv.empty() || probe.argv.front().empty()) {
        result.error = "the command is empty";
        return result;
    }
    const std::string& program = probe.argv.front();
    const std::string& workDir = probe.workingDirectory;
    if (!workDir.empty()) {
        // posix_spawn reports a failed chdir with the same errno as a failed exec; look first.
        struct stat st{};
        if (::stat(workDir.c_str(), &st) != 0) {
            result.error = (errno == ENOENT || errno == ENOTDIR)
                ? "working directory does not exist: " + workDir
                : "cannot use working directory " + workDir + ": " + errnoText(errno);
            return result;
        }
        if (!S_ISDIR(st.st_mode)) {
            result.error = "working directory is not a directory: " + workDir;
            return result;
        }
        if (::access(workDir.c_str(), X_OK) != 0) {
            result.error = "permission denied: working directory " + workDir;
            return result;
        }
    }
    for (const auto& [name, value] : probe.environment) {
        if (name.empty() || name.find('=') != std::string::npos || name.find('\0') != std::string::npos) {
            result.error = "not a valid environment variable name: \"" + name + "\"";
            return result;
        }
    }
    const std::vector<std::string> env = mergedEnvironment(probe.environment);
    const Resolved resolved = resolveProgram(program, workDir, env);
    if (!resolved.error.empty()) {
        result.error = resolved.error;
        return result;
    }

    Fd outWrite, errWrite;
    if (!makePipe(result.out, outWrite) || !makePipe(result.err, errWrite)) {
        result.error = "cannot run " + program + ": " + errnoText(errno);
        return result;
    }

    std::vector<char*> argv;
    for (const auto& a : probe.argv)
        argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (const auto& e : env)
        envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, outWrite.get(), STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, errWrite.get(), STDERR_FILENO);
    if (!workDir.empty())
        posix_spawn_file_actions_addchdir_np(&actions, workDir.c_str());
    // Libraries in other threads may open descriptors without CLOEXEC; none reach the child.
    posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);

    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // A new process group so a timeout can end the program and everything it started.
    // Signal mask and dispositions reset: the application may ignore SIGPIPE, which the
    // child would otherwise inherit.
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&attr, 0);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);

    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, resolved.path.c_str(), &actions, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        result.out.reset();
        result.err.reset();
        result.error = spawnErrorText(rc, program, joinPath(workDir, resolved.path));
        return result;
    }
    result.pid = pid;
    // Through syscall(): Debian 12's <sys/pidfd.h> lacks extern "C", so C++ cannot link it.
    result.pidfd = Fd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    return result;
}

std::size_t defaultMaxRunning()
{
    // Each running command holds three descriptors (two pipes, a pidfd); leave room for the
    // rest of the application rather than raising the limit for everyone.
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
        return 256;
    const auto soft = static_cast<std::size_t>(limit.rlim_cur);
    return std::clamp<std::size_t>(soft > 256 ? (soft - 256) / 4 : 8, 8, 1024);
}

} // namespace

class CommandProber::Worker final {
public:
    explicit Worker(Options options);
    ~Worker();
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;
    void enqueue(Job job);

private:
    void run();
    void startWaiting(Clock::time_point now);
    void advance(Running& r, Clock::time_point now);
    bool readStream(Stream& s);
    void checkExit(Running& r, Clock::time_point now);
    bool ready(const Running& r, Clock::time_point now) const;
    void finish(std::unique_ptr<Running> r, Clock::time_point now);
    void advanceLingering(Clock::time_point now);
    Observation observation(Running& r, Clock::time_point now) const;
    void shutdown();
    static void deliver(ProbeCallback& done, Observation obs);

    Options m_options;
    std::size_t m_maxRunning;
    Fd m_wake;

    std::mutex m_mutex;
    std::deque<Job> m_queue;  // guarded by m_mutex
    bool m_stopping = false;  // guarded by m_mutex

    // Only the worker thread touches these.
    std::deque<Job> m_waiting;
    std::vector<std::unique_ptr<Running>> m_running;
    std::vector<Lingering> m_lingering;
    std::vector<char> m_buffer;

    std::thread m_thread;
};

CommandProber::Worker::Worker(Options options)
    : m_options(options)
    , m_maxRunning(options.maxRunning ? options.maxRunning : defaultMaxRunning())
    , m_wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
    , m_buffer(64 * 1024)
{
    m_thread = std::thread([this] { run(); });
}

CommandProber::Worker::~Worker()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(m_wake.get(), &one, sizeof one);
    m_thread.join();
}

void CommandProber::Worker::enqueue(Job job)
{
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back(std::move(job));
    }
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(m_wake.get(), &one, sizeof one);
}

void CommandProber::Worker::deliver(ProbeCallback& done, Observation obs)
{
    if (!done)
        return;
    // A throwing callback must not take down the worker and every other probe with it.
    try {
        done(std::move(obs));
    } catch (...) {
    }
}

void CommandProber::Worker::run()
{
    std::vector<pollfd> fds;
    for (;;) {
        {
            std::lock_guard lock(m_mutex);
            if (m_stopping)
                break;
            while (!m_queue.empty()) {
                m_waiting.push_back(std::move(m_queue.front()));
                m_queue.pop_front();
            }
        }
        auto now = Clock::now();
        startWaiting(now);
        for (auto& r : m_running)
            advance(*r, now);
        advanceLingering(now);

        // Finish what is ready; finish() may run callbacks that enqueue more work.
        bool finishedAny = false;
        for (std::size_t i = 0; i < m_running.size();) {
            if (ready(*m_running[i], now)) {
                auto r = std::move(m_running[i]);
                m_running.erase(m_running.begin() + static_cast<std::ptrdiff_t>(i));
                finish(std::move(r), now);
                finishedAny = true;
            } else {
                ++i;
            }
        }

        // Sleep until output, an exit, a new job, or the earliest timer; at once when a
        // finished command made room for a waiting one.
        Clock::time_point wakeAt = finishedAny && !m_waiting.empty() ? now : now + std::chrono::seconds(60);
        bool tick = false;  // a process without a pidfd is checked for exit periodically
        fds.clear();
        fds.push_back({m_wake.get(), POLLIN, 0});
        for (const auto& r : m_running) {
            for (const Stream* s : {&r->out, &r->err})
                fds.push_back({s->fd.get(), POLLIN, 0});  // a negative fd is skipped by poll
            fds.push_back({r->exited ? -1 : r->pidfd.get(), POLLIN, 0});
            tick = tick || (!r->exited && !r->pidfd.valid());
            if (r->exited)
                wakeAt = std::min(wakeAt, r->exitedAt + (r->timedOut ? milliseconds(0) : m_options.drainWindow));
            else if (!r->timedOut)
                wakeAt = std::min(wakeAt, r->job.deadline);
            else
                wakeAt = std::min(wakeAt, r->killSent ? r->killAt + kKillMargin : r->killAt);
        }
        for (const auto& l : m_lingering) {
            fds.push_back({l.killSent ? l.pidfd.get() : -1, POLLIN, 0});
            wakeAt = std::min(wakeAt, l.killSent ? now + std::chrono::seconds(1) : l.killAt);
            tick = tick || (l.killSent && !l.pidfd.valid());
        }
        for (const auto& j : m_waiting)
            wakeAt = std::min(wakeAt, j.deadline);
        if (tick)
            wakeAt = std::min(wakeAt, now + milliseconds(20));
        const auto wait = std::chrono::ceil<milliseconds>(wakeAt - now).count();
        const int rc = ::poll(fds.data(), fds.size(), static_cast<int>(std::clamp<std::int64_t>(wait, 0, 60'000)));
        if (rc < 0 && errno != EINTR)
            std::this_thread::sleep_for(milliseconds(10));  // cannot happen with valid fds; never spin
        if (rc <= 0)
            continue;

        if (fds[0].revents) {
            std::uint64_t count = 0;
            [[maybe_unused]] const auto n = ::read(m_wake.get(), &count, sizeof count);
        }
        now = Clock::now();
        std::size_t k = 1;
        for (auto& r : m_running) {
            if (fds[k].revents)
                readStream(r->out);
            if (fds[k + 1].revents)
                readStream(r->err);
            if (fds[k + 2].revents || (!r->exited && !r->pidfd.valid()))
                checkExit(*r, now);
            k += 3;
        }
    }
    shutdown();
}

void CommandProber::Worker::startWaiting(Clock::time_point now)
{
    while (!m_waiting.empty()) {
        Job& front = m_waiting.front();
        if (front.deadline <= now) {
            Job job = std::move(front);
            m_waiting.pop_front();
            Observation obs;
            obs.error = "timed out after " + job.timeoutText + " before it could start";
            if (m_running.size() >= m_maxRunning)
                obs.error += " (" + std::to_string(m_running.size()) + " commands already running)";
            obs.figure = "timed out";
            deliver(job.done, std::move(obs));
            continue;
        }
        if (m_running.size() >= m_maxRunning)
            break;
        Job job = std::move(front);
        m_waiting.pop_front();
        Spawned spawned = spawn(job.probe);
        if (spawned.pid < 0) {
            Observation obs;
            obs.error = spawned.error;
            obs.figure = "not run";
            deliver(job.done, std::move(obs));
            continue;
        }
        auto r = std::make_unique<Running>();
        r->job = std::move(job);
        r->pid = spawned.pid;
        r->pidfd = std::move(spawned.pidfd);
        r->out.fd = std::move(spawned.out);
        r->err.fd = std::move(spawned.err);
        r->started = Clock::now();
        m_running.push_back(std::move(r));
    }
}

void CommandProber::Worker::advance(Running& r, Clock::time_point now)
{
    if (r.exited)
        return;
    if (!r.timedOut && now >= r.job.deadline) {
        r.timedOut = true;
        r.termSent = true;
        ::kill(-r.pid, SIGTERM);
        r.killAt = std::min(now + m_options.killGrace, r.job.deadline + std::chrono::seconds(1));
    }
    if (r.timedOut && !r.killSent && now >= r.killAt) {
        r.killSent = true;
        ::kill(-r.pid, SIGKILL);
    }
}

// Reads what is there without blocking; past the cap it keeps reading and discards, so the
// program never blocks on a full pipe. Bounded per call so one chatty program cannot starve
// the others. Returns false once the stream is closed.
bool CommandProber::Worker::readStream(Stream& s)
{
    for (int i = 0; i < 16 && s.fd.valid(); ++i) {
        const ssize_t n = ::read(s.fd.get(), m_buffer.data(), m_buffer.size());
        if (n > 0) {
            s.total += static_cast<std::uint64_t>(n);
            const std::size_t room = m_options.maxOutputBytes - std::min(m_options.maxOutputBytes, s.data.size());
            s.data.append(m_buffer.data(), std::min(room, static_cast<std::size_t>(n)));
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && errno == EAGAIN) {
            break;
        } else {
            s.fd.reset();  // end of output, or an error a pipe does not recover from
        }
    }
    return s.fd.valid();
}

// Looks without reaping (WNOWAIT): the leader stays a zombie, holding its pid and so its
// group id, until finish() has signalled the group for the last time.
void CommandProber::Worker::checkExit(Running& r, Clock::time_point now)
{
    if (r.exited)
        return;
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(r.pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0) {
        if (info.si_pid == 0)
            return;
        r.info = info;
    } else if (errno == ECHILD) {
        r.info.si_code = 0;  // someone else reaped it; the status is lost
    } else {
        return;
    }
    r.exited = true;
    r.exitedAt = now;
}

bool CommandProber::Worker::ready(const Running& r, Clock::time_point now) const
{
    if (!r.exited)
        return r.killSent && now >= r.killAt + kKillMargin;  // it did not die even of SIGKILL
    if (!r.out.fd.valid() && !r.err.fd.valid())
        return true;
    // Something it started still holds the output open; stop waiting for it.
    return now >= r.exitedAt + (r.timedOut ? milliseconds(0) : m_options.drainWindow);
}

void CommandProber::Worker::finish(std::unique_ptr<Running> r, Clock::time_point now)
{
    readStream(r->out);
    readStream(r->err);
    r->out.fd.reset();
    r->err.fd.reset();
    Observation obs = observation(*r, now);

    // End whatever the program left behind in its group: SIGTERM now (if not sent yet),
    // SIGKILL after the grace period; the leader is reaped after that.
    Lingering l;
    l.pid = r->pid;
    l.pidfd = std::move(r->pidfd);
    l.killSent = r->killSent;
    if (!r->termSent) {
        ::kill(-r->pid, SIGTERM);
        l.killAt = now + m_options.killGrace;
    } else {
        l.killAt = r->killSent ? now : r->killAt;
    }
    m_lingering.push_back(std::move(l));

    deliver(r->job.done, std::move(obs));
}

Observation CommandProber::Worker::observation(Running& r, Clock::time_point now) const
{
    Observation obs;
    auto& o = obs.observed;
    o["pid"] = r.pid;
    o["stdout"] = validUtf8(r.out.data);
    o["stderr"] = validUtf8(r.err.data);
    o["stdout_truncated"] = r.out.total > r.out.data.size();
    o["stderr_truncated"] = r.err.total > r.err.data.size();
    o["stdout_bytes"] = r.out.total;
    o["stderr_bytes"] = r.err.total;
    o["exit_code"] = nullptr;
    if (r.exited && r.info.si_code == CLD_EXITED)
        o["exit_code"] = r.info.si_status;
    else if (r.exited && (r.info.si_code == CLD_KILLED || r.info.si_code == CLD_DUMPED))
        o["signal"] = signalName(r.info.si_status);
    const bool untruncated = r.out.total == r.out.data.size();
    if (untruncated && r.out.data.find_first_not_of(" \t\r\n") != std::string::npos) {
        auto parsed = nlohmann::json::parse(r.out.data, nullptr, false);
        if (!parsed.is_discarded())
            o["json"] = std::move(parsed);
    }

    obs.latencyMs = msBetween(r.started, r.exited ? r.exitedAt : now);
    o["latency_ms"] = obs.latencyMs;
    if (r.timedOut) {
        o["timed_out"] = true;
        obs.error = "timed out after " + r.job.timeoutText + "; killed process group " + std::to_string(r.pid);
        if (r.killSent && r.exited)
            obs.error += " (it ignored SIGTERM)";
        else if (!r.exited)
            obs.error += ", which has not exited even after SIGKILL";
        obs.figure = "timed out · " + r.job.timeoutText;
        return obs;
    }
    obs.completed = true;
    const auto latency = latencyText(obs.latencyMs);
    if (o["exit_code"].is_number())
        obs.figure = "exit " + std::to_string(r.info.si_status) + " · " + latency;
    else if (o.contains("signal"))
        obs.figure = o["signal"].get<std::string>() + " · " + latency;
    else
        obs.figure = "exited · " + latency;
    return obs;
}

void CommandProber::Worker::advanceLingering(Clock::time_point now)
{
    std::erase_if(m_lingering, [&](Lingering& l) {
        if (!l.killSent && now >= l.killAt) {
            ::kill(-l.pid, SIGKILL);
            l.killSent = true;
        }
        if (!l.killSent)
            return false;
        const pid_t reaped = ::waitpid(l.pid, nullptr, WNOHANG);
        return reaped == l.pid || (reaped < 0 && errno == ECHILD);
    });
}

void CommandProber::Worker::shutdown()
{
    for (auto& r : m_running)
        ::kill(-r->pid, SIGKILL);
    for (auto& l : m_lingering) {
        ::kill(-l.pid, SIGKILL);
        l.killSent = true;
    }
    std::vector<std::pair<ProbeCallback, Observation>> cancelled;
    for (auto& r : m_running) {
        Observation obs;
        obs.error = "cancelled: the command prober was shut down; killed process group " + std::to_string(r->pid);
        obs.figure = "cancelled";
        cancelled.emplace_back(std::move(r->job.done), std::move(obs));
        m_lingering.push_back({r->pid, std::move(r->pidfd), Clock::now(), true});
    }
    m_running.clear();
    std::deque<Job> pending;
    {
        std::lock_guard lock(m_mutex);
        pending.swap(m_queue);
    }
    for (auto* list : {&m_waiting, &pending}) {
        for (auto& j : *list) {
            Observation obs;
            obs.error = "cancelled: the command prober was shut down before it started";
            obs.figure = "cancelled";
            cancelled.emplace_back(std::move(j.done), std::move(obs));
        }
    }
    m_waiting.clear();
    // Reap what SIGKILL ended, briefly: a process stuck in the kernel is left to init.
    const auto giveUp = Clock::now() + std::chrono::seconds(1);
    while (!m_lingering.empty() && Clock::now() < giveUp) {
        advanceLingering(Clock::now());
        if (!m_lingering.empty())
            std::this_thread::sleep_for(milliseconds(5));
    }
    for (auto& [done, obs] : cancelled)
        deliver(done, std::move(obs));
}

CommandProber::CommandProber() : CommandProber(Options{}) {}

CommandProber::CommandProber(Options options) : m_worker(std::make_unique<Worker>(options)) {}

CommandProber::~CommandProber() = default;

void CommandProber::start(const Check& check, ProbeDeadline deadline, ProbeCallback done)
{
    Job job;
    if (const auto* probe = std::get_if<CommandProbe>(&check.probe))
        job.probe = *probe;
    // The timeout as written when there is one; otherwise what the deadline leaves, to 0.1 s.
    const auto timeout = check.timeout ? *check.timeout : roundedBudget(deadline - Clock::now());
    job.timeoutText = humanDuration(timeout);
    job.deadline = deadline;
    job.done = std::move(done);
    m_worker->enqueue(std::move(job));
}

} // namespace hopscope
