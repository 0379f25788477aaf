#pragma once

#include "environment.h"
#include "observation.h"

namespace hopscope {

// One prober per check kind. start() returns at once; `done` is called exactly once, from
// the prober's own thread, no later than the deadline plus a small margin, whatever the
// server does. The check's strings are already rendered (no "${...}" left).
class Prober {
public:
    virtual ~Prober() = default;
    virtual void start(const Check& check, ProbeDeadline deadline, ProbeCallback done) = 0;
};

} // namespace hopscope
