#include "checkbounds.h"

#include <algorithm>

namespace hopscope {

namespace {

bool isLatency(const Operand& operand)
{
    return operand.kind == Operand::Kind::Name && operand.text == "latency_ms";
}

// `latency_ms < N` and `N > latency_ms` (and their <=, >=) bound latency from above.
std::optional<double> ceilingOf(const ConditionNode& node)
{
    if (node.kind == ConditionNode::Kind::And) {
        std::optional<double> lowest;
        for (const ConditionNode& child : node.children) {
            if (const auto bound = ceilingOf(child))
                lowest = lowest ? std::min(*lowest, *bound) : *bound;
        }
        return lowest;
    }
    if (node.kind != ConditionNode::Kind::Compare)
        return std::nullopt;  // under ||, a bound may not have to hold
    const bool below = node.op == CompareOp::Lt || node.op == CompareOp::Le;
    const bool above = node.op == CompareOp::Gt || node.op == CompareOp::Ge;
    if (below && isLatency(node.left) && node.right.kind == Operand::Kind::Number)
        return node.right.number;
    if (above && isLatency(node.right) && node.left.kind == Operand::Kind::Number)
        return node.left.number;
    return std::nullopt;
}

} // namespace

std::optional<double> latencyCeiling(const std::vector<Condition>& conditions)
{
    // Every condition of a list must hold: together they are one big &&.
    ConditionNode all;
    all.kind = ConditionNode::Kind::And;
    for (const Condition& condition : conditions)
        all.children.push_back(condition.parsed);
    return ceilingOf(all);
}

CheckBounds checkBounds(const Check& check)
{
    CheckBounds bounds;
    bounds.warnAboveMs = latencyCeiling(check.warn);
    bounds.failAboveMs = latencyCeiling(check.expect);
    const auto* postgres = std::get_if<PostgresProbe>(&check.probe);
    bounds.connections = postgres && postgres->builtin == PostgresProbe::Builtin::Connections;
    return bounds;
}

} // namespace hopscope
