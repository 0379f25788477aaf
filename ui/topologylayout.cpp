#include "topologylayout.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <string_view>

namespace hopscope {

namespace {

using Adjacency = std::vector<std::vector<int>>;

Adjacency downstreamOf(const Environment& env)
{
    std::map<std::string_view, int> indexById;
    for (std::size_t i = 0; i < env.hops.size(); ++i)
        indexById.emplace(env.hops[i].id, static_cast<int>(i));

    Adjacency out(env.hops.size());
    for (std::size_t i = 0; i < env.hops.size(); ++i) {
        for (const std::string& id : env.hops[i].downstream) {
            const auto it = indexById.find(id);
            // The loader reports unknown ids; the map just leaves them out.
            if (it == indexById.end() || it->second == static_cast<int>(i))
                continue;
            auto& targets = out[i];
            if (std::find(targets.begin(), targets.end(), it->second) == targets.end())
                targets.push_back(it->second);
        }
    }
    return out;
}

// Depth-first from the first hop (then from any hop it does not reach), marking links that
// close a cycle. Returns the hops in topological order of the remaining, acyclic links.
std::vector<int> orderAndMarkCycles(const Adjacency& out, std::vector<TopologyLayout::Link>& links)
{
    enum class Mark { New, OnPath, Done };
    const int n = static_cast<int>(out.size());
    std::vector<Mark> marks(out.size(), Mark::New);
    std::vector<int> postOrder;
    for (int root = 0; root < n; ++root) {
        if (marks[static_cast<std::size_t>(root)] != Mark::New)
            continue;
        // An explicit stack: a file may describe a long path, and recursion depth is not free.
        std::vector<std::pair<int, std::size_t>> stack{{root, 0}};
        marks[static_cast<std::size_t>(root)] = Mark::OnPath;
        while (!stack.empty()) {
            auto& [node, next] = stack.back();
            const auto& targets = out[static_cast<std::size_t>(node)];
            if (next == targets.size()) {
                marks[static_cast<std::size_t>(node)] = Mark::Done;
                postOrder.push_back(node);
                stack.pop_back();
                continue;
            }
            const int target = targets[next++];
            const Mark mark = marks[static_cast<std::size_t>(target)];
            links.push_back({node, target, mark == Mark::OnPath});
            if (mark == Mark::New) {
                marks[static_cast<std::size_t>(target)] = Mark::OnPath;
                stack.emplace_back(target, 0);
            }
        }
    }
    std::reverse(postOrder.begin(), postOrder.end());
    return postOrder;
}

// Each hop sits near the average lane of the hops that lead to it, and hops sharing a
// column keep at least one lane apart, centred where they wanted to be.
void assignRows(TopologyLayout& layout, const std::vector<std::vector<int>>& upstream)
{
    std::vector<std::vector<int>> columns(static_cast<std::size_t>(layout.columnCount));
    for (std::size_t i = 0; i < layout.placements.size(); ++i)
        columns[static_cast<std::size_t>(layout.placements[i].column)].push_back(static_cast<int>(i));

    for (auto& column : columns) {
        std::vector<double> wanted(column.size());
        for (std::size_t k = 0; k < column.size(); ++k) {
            const auto& from = upstream[static_cast<std::size_t>(column[k])];
            double sum = 0;
            for (const int u : from)
                sum += layout.placements[static_cast<std::size_t>(u)].row;
            wanted[k] = from.empty() ? 0.0 : sum / static_cast<double>(from.size());
        }
        std::vector<std::size_t> order(column.size());
        std::iota(order.begin(), order.end(), 0);
        // Stable: hops that want the same lane keep the order the file lists them in.
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return wanted[a] < wanted[b]; });

        std::vector<double> rows(column.size());
        for (std::size_t k = 0; k < order.size(); ++k) {
            rows[k] = wanted[order[k]];
            if (k > 0)
                rows[k] = std::max(rows[k], rows[k - 1] + 1.0);
        }
        const double shift = (std::accumulate(wanted.begin(), wanted.end(), 0.0)
                               - std::accumulate(rows.begin(), rows.end(), 0.0))
            / static_cast<double>(std::max<std::size_t>(1, rows.size()));
        for (std::size_t k = 0; k < order.size(); ++k)
            layout.placements[static_cast<std::size_t>(column[order[k]])].row = rows[k] + shift;
    }
}

} // namespace

TopologyLayout layoutTopology(const Environment& environment)
{
    TopologyLayout layout;
    const Adjacency out = downstreamOf(environment);
    const std::vector<int> order = orderAndMarkCycles(out, layout.links);
    layout.placements.resize(environment.hops.size());

    std::vector<std::vector<int>> upstream(environment.hops.size());
    for (const auto& link : layout.links) {
        if (!link.backwards)
            upstream[static_cast<std::size_t>(link.to)].push_back(link.from);
    }
    // Longest path: visiting in topological order settles every hop before its successors.
    for (const int node : order) {
        for (const int from : upstream[static_cast<std::size_t>(node)]) {
            auto& column = layout.placements[static_cast<std::size_t>(node)].column;
            column = std::max(column, layout.placements[static_cast<std::size_t>(from)].column + 1);
        }
        layout.columnCount = std::max(layout.columnCount, layout.placements[static_cast<std::size_t>(node)].column + 1);
    }

    assignRows(layout, upstream);
    for (const auto& p : layout.placements) {
        layout.minRow = std::min(layout.minRow, p.row);
        layout.maxRow = std::max(layout.maxRow, p.row);
    }
    return layout;
}

} // namespace hopscope
