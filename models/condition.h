#pragma once

#include "diagnostic.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hopscope {

// One side of a comparison: a literal, an observed value, or a function of one.
struct Operand {
    enum class Kind {
        Number,  // 200, -1.5
        String,  // "text" or 'text'
        Bool,    // true, false
        Name,    // an observed value: status, latency_ms, answers, exit_code, value, rows ...
        Json,    // json(/json/pointer) into the JSON body, stdout or rows
        Header,  // header(Content-Type)
        Len,     // len(operand): the size of a list or string
    };
    Kind kind = Kind::Number;
    double number = 0;
    bool boolean = false;
    std::string text;                // String value, Name, Json pointer or Header name
    std::shared_ptr<Operand> inner;  // Len only
    int column = 1;                  // 1-based, within the condition string
};

enum class CompareOp { Eq, Ne, Lt, Le, Gt, Ge, Contains, Matches };

// "LEFT OP RIGHT", joined by && and || (&& binds tighter), with parentheses for grouping.
struct ConditionNode {
    enum class Kind { Compare, And, Or };
    Kind kind = Kind::Compare;
    Operand left;
    CompareOp op = CompareOp::Eq;
    Operand right;
    std::vector<ConditionNode> children;  // And / Or
};

struct ConditionParse {
    std::optional<ConditionNode> root;
    std::string error;     // empty on success, else what was expected
    int errorColumn = 0;   // 1-based column of the fault within the condition text
};

// Never throws. errorColumn counts characters (UTF-8 code points), not bytes; a fault where the text
// ran out is reported one past its last character. Parentheses nest at most 32 deep.
ConditionParse parseCondition(std::string_view text);

// Every observed value a condition reads (Name operands, "json", "header"), for validation.
std::vector<std::string> referencedNames(const ConditionNode& node);

std::string_view toString(CompareOp op);

// The condition as it reads back (strings double-quoted, numbers without a trailing ".0"),
// for explanations and reports: json(/running) == json(/desired).
std::string toString(const Operand& operand);
std::string toString(const ConditionNode& node);

} // namespace hopscope
