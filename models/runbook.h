#pragma once

#include "environment.h"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace hopscope {

struct RunbookParam {
    enum class Type { String, Choice, Number, Boolean, Secret };
    std::string name;
    Type type = Type::String;
    std::string defaultValue;  // may reference the environment's variables: "${lb}"
    std::vector<std::string> choices;
    std::string description;
    bool required = false;
    SourcePos pos;
};
std::string_view toString(RunbookParam::Type type);

struct SqlStep {
    std::string dsn;
    std::string statement;
    std::vector<std::string> params;  // bound as $1, $2 ...; never spliced into the text
    bool transaction = true;          // false for statements such as CREATE INDEX CONCURRENTLY
};

struct WaitStep {
    Check check;
    std::chrono::milliseconds every{2000};
    std::chrono::milliseconds timeout{60'000};
};

struct TourStep {
    std::string hop;   // the hop id to focus
    std::string text;  // Markdown
};

struct Step {
    enum class Kind { Manual, Check, Command, Sql, Http, Wait, Tour };
    std::string title;
    std::string description;
    Kind kind = Kind::Manual;
    std::string text;           // Manual: Markdown the engineer reads and confirms
    hopscope::Check check;      // Check (probe + expect), Http (http probe + expect), Command (command probe)
    int expectExit = 0;         // Command
    SqlStep sql;
    WaitStep wait;
    TourStep tour;
    std::string confirm;        // shown in the confirmation prompt
    std::optional<std::chrono::milliseconds> timeout;
    bool continueOnFail = false;
    std::vector<Step> onFailure;
    SourcePos pos;
};
std::string_view toString(Step::Kind kind);

struct Runbook {
    std::string id;
    std::string title;
    std::string description;
    std::string version;
    std::vector<HopKind> appliesTo;
    std::vector<RunbookParam> params;
    std::vector<Step> steps;
    // "${name}" uses that are neither parameters nor builtins: the environment must define them.
    std::vector<std::pair<std::string, SourcePos>> environmentRefs;
    std::string file;
    SourcePos pos;
};

} // namespace hopscope
