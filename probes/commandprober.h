#pragma once

#include "prober.h"

#include <chrono>
#include <cstddef>
#include <memory>

namespace hopscope {

// Runs a command check's argv, never through a shell, in its own process group, with stdin
// from /dev/null, the check's working directory and the inherited environment plus the
// check's additions. One worker thread supervises every running command with poll(), so
// hundreds can run at once. At the deadline the whole group gets SIGTERM, then SIGKILL after
// a grace period; when the program exits, whatever it left behind in its group is ended too,
// so a probe never leaves processes running.
//
// Observed: exit_code (null when a signal ended it, with `signal`), stdout, stderr (each
// capped; *_truncated says so), json (stdout, when it parses), latency_ms, pid (the group).
// `done` runs on the worker thread; it may call start() again but must not destroy the prober.
// Destroying the prober kills what is still running and calls its callbacks with an error.
class CommandProber final : public Prober {
public:
    struct Options {
        std::size_t maxOutputBytes = 1024 * 1024;   // per stream; the rest is read and discarded
        std::chrono::milliseconds killGrace{500};    // between SIGTERM and SIGKILL
        std::chrono::milliseconds drainWindow{200};  // output still held open after the program exits
        std::size_t maxRunning = 0;                  // 0: what the open-file limit allows
    };

    CommandProber();
    explicit CommandProber(Options options);
    ~CommandProber() override;
    CommandProber(const CommandProber&) = delete;
    CommandProber& operator=(const CommandProber&) = delete;

    void start(const Check& check, ProbeDeadline deadline, ProbeCallback done) override;

private:
    class Worker;
    std::unique_ptr<Worker> m_worker;
};

} // namespace hopscope
