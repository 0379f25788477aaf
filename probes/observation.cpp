#include "observation.h"

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

} // namespace hopscope
