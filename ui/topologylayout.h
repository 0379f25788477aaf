#pragma once

#include "environment.h"

#include <vector>

namespace hopscope {

// Where each hop of an environment goes on the map, in grid units, before any drawing.
// Plain C++ so it can be tested, and moved below ui/, without a scene.
struct TopologyLayout {
    struct Placement {
        int column = 0;  // the longest path from the first hop, so every link points right
        double row = 0;  // lanes around 0: a blue/green pair sits at -0.5 and +0.5
    };
    struct Link {
        int from = 0;  // indices into Environment::hops
        int to = 0;
        bool backwards = false;  // closes a cycle; drawn as a return arc
    };

    std::vector<Placement> placements;  // one per hop, in the environment's order
    std::vector<Link> links;            // one per resolved downstream id
    int columnCount = 0;
    double minRow = 0;
    double maxRow = 0;
};

TopologyLayout layoutTopology(const Environment& environment);

} // namespace hopscope
