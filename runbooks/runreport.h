#pragma once

#include "auditlog.h"

#include <QString>

#include <vector>

namespace hopscope {

// A recorded run as a Markdown incident timeline, in the manner of the team's incident
// reports: what the probes said at the start, each step with its times, what ran (secrets
// already masked by the audit trail), its confirmation and outcome, and the state at the end.
QString formatRunReport(const AuditRun& run, const std::vector<AuditStep>& steps);

// One line per run for listings: id, when, runbook, environment, outcome or "unfinished".
QString formatRunLine(const AuditRun& run);

} // namespace hopscope
