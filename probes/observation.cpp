#include "observation.h"

#include <algorithm>

namespace hopscope {

std::string humanDuration(std::chrono::milliseconds d)
{
    const auto ms = d.count();
    if (ms >= 1000 && ms % 1000 == 0)
        return std::to_string(ms / 1000) + " s";
    if (ms >= 1000)
        return std::to_string(ms / 1000) + "." + std::to_string((ms % 1000) / 100) + " s";
    return std::to_string(ms) + " ms";
}

std::chrono::milliseconds roundedBudget(std::chrono::steady_clock::duration d)
{
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    return std::chrono::milliseconds(std::max<long long>(0, (ms + 50) / 100 * 100));
}

double msSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

} // namespace hopscope
