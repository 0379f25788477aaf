#pragma once

#include "rendering.h"
#include "runbook.h"
#include "runstate.h"

#include <QString>
#include <QStringList>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hopscope {

// How a SQL statement may run, read from its text. Only a statement that provably changes
// nothing runs without asking, and it runs in a READ ONLY transaction all the same.
struct SqlShape {
    enum class Kind {
        Query,        // SELECT, SHOW, VALUES, EXPLAIN without ANALYZE: runs read-only, no question
        Rows,         // INSERT, UPDATE, DELETE, MERGE: previewed by running it and rolling back
        Schema,       // DDL and the rest: previewed by running it in a transaction that rolls back
        SideEffects,  // calls something a rollback cannot undo (pg_terminate_backend ...): plan only
    };
    Kind kind = Kind::Schema;
    bool changes() const { return kind != Kind::Query; }
};
SqlShape classifySql(const std::string& statement);

// A parameter's value for this run. Secret values are masked wherever they could be shown.
struct ParamValue {
    std::string name;
    std::string value;
    bool secret = false;
};

// One step of the run, with every ${name} filled in. On-failure steps are steps of the plan
// too, after their parent, with `parent` set.
struct PlanStep {
    int index = 0;
    int parent = -1;
    QString number;           // "3", "3.1"
    Step step;                // rendered: the check, argv, DSN and SQL hold the run's values
    QString title;
    QString text;             // manual and tour steps: the Markdown, rendered
    QString confirmText;
    StepPreview preview;      // masked
    SqlShape sql;
    std::vector<int> onFailure;
};

// A runbook made ready to run against one environment with one set of values. Everything is
// rendered up front, so a dry run shows exactly what a real run would do, and a missing value
// stops the run before it changes anything.
struct RunPlan {
    Runbook runbook;
    Environment environment;
    std::vector<ParamValue> params;
    std::vector<PlanStep> steps;
    std::vector<int> topLevel;             // indexes of the runbook's own steps, in order
    std::vector<std::string> secretValues; // every secret a step uses: masked in all output

    QString mask(const QString& text) const;
    std::string mask(const std::string& text) const;
    // {"name": "value"}, secrets as "****": what the audit trail keeps of the values.
    std::string paramsJson() const;
    bool needsConsent() const;  // any step (or on-failure step) that changes something or asks
};

struct PlanResult {
    std::optional<RunPlan> plan;
    QStringList errors;  // every problem at once: unknown, missing or badly typed values, undefined names
};

// `given` holds --param values by name. A parameter not given takes its default, rendered
// against the environment ("${service}"). Values are substituted as whole strings: an argv
// element stays one element, a SQL value is bound as $N, and a value is never read as a template.
PlanResult makePlan(const Runbook& runbook, const Environment& environment,
                    const std::map<std::string, std::string>& given);

} // namespace hopscope
