#pragma once

// Starting a probe and waiting for its one answer, for the prober test suites.

#include "environment.h"
#include "prober.h"

#include <QTest>

#include <chrono>
#include <future>
#include <memory>
#include <optional>

namespace hopscope::test {

struct Outcome {
    Observation observation;
    double elapsedMs = 0;  // from start() to the callback, measured in the callback
};

inline std::future<Outcome> launch(Prober& prober, const Check& check, std::chrono::milliseconds timeout)
{
    using Clock = std::chrono::steady_clock;
    auto promise = std::make_shared<std::promise<Outcome>>();
    auto future = promise->get_future();
    const auto started = Clock::now();
    prober.start(check, started + timeout, [promise, started](Observation o) {
        // set_value throws on a second call: the prober must call back exactly once.
        promise->set_value({std::move(o), std::chrono::duration<double, std::milli>(Clock::now() - started).count()});
    });
    return future;
}

// Waits with the event loop running, so servers living on the test's thread keep serving.
inline std::optional<Outcome> await(std::future<Outcome>& future, std::chrono::milliseconds limit)
{
    if (!QTest::qWaitFor([&] { return future.wait_for(std::chrono::seconds(0)) == std::future_status::ready; },
                         int(limit.count())))
        return std::nullopt;
    return future.get();
}

} // namespace hopscope::test
