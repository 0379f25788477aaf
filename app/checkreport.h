#pragma once

#include "diagnosis.h"
#include "environment.h"

#include <string>
#include <vector>

namespace hopscope::cli {

// One environment's probe results and what they mean, ready to print.
struct EnvironmentReport {
    const Environment* environment = nullptr;
    ResultsByHop results;
    Diagnosis diagnosis;
};

std::string formatTable(const std::vector<EnvironmentReport>& reports, bool colour);
std::string formatJson(const std::vector<EnvironmentReport>& reports);
std::string formatJunit(const std::vector<EnvironmentReport>& reports);
std::string formatOpenMetrics(const std::vector<EnvironmentReport>& reports);

// Monitoring-plugin convention: 0 all green, 1 worst is amber, 2 anything red, 3 nothing was
// probed (no checks).
int exitStatus(const std::vector<EnvironmentReport>& reports);

} // namespace hopscope::cli
