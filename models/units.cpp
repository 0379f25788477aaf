#include "units.h"

#include <array>
#include <cctype>
#include <utility>

namespace hopscope {

namespace {

// Reads the leading decimal digits; false on none or on overflow.
bool takeNumber(std::string_view& text, std::uint64_t& value)
{
    std::size_t i = 0;
    value = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
        const std::uint64_t digit = std::uint64_t(text[i] - '0');
        if (value > (UINT64_MAX - digit) / 10)
            return false;
        value = value * 10 + digit;
        ++i;
    }
    text.remove_prefix(i);
    return i > 0;
}

bool mulFits(std::uint64_t a, std::uint64_t b) { return b == 0 || a <= UINT64_MAX / b; }

} // namespace

std::optional<std::chrono::milliseconds> parseDuration(std::string_view text)
{
    static constexpr std::array<std::pair<std::string_view, std::uint64_t>, 4> units{
        {{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}}};
    constexpr std::uint64_t maxMs = 366ULL * 24 * 3'600'000; // a year is already absurd for a timeout
    if (text.empty())
        return std::nullopt;
    std::uint64_t total = 0;
    while (!text.empty()) {
        std::uint64_t n = 0;
        if (!takeNumber(text, n))
            return std::nullopt;
        std::uint64_t factor = 0;
        for (const auto& [suffix, ms] : units) {
            // "m" must not swallow the "m" of "ms"
            if (text.starts_with(suffix) && !(suffix == "m" && text.starts_with("ms"))) {
                factor = ms;
                text.remove_prefix(suffix.size());
                break;
            }
        }
        if (factor == 0 || !mulFits(n, factor) || n * factor > maxMs)
            return std::nullopt;
        total += n * factor;
        if (total > maxMs)
            return std::nullopt;
    }
    if (total == 0)
        return std::nullopt;
    return std::chrono::milliseconds(total);
}

std::string formatDuration(std::chrono::milliseconds d)
{
    const auto ms = d.count();
    if (ms % 3'600'000 == 0)
        return std::to_string(ms / 3'600'000) + "h";
    if (ms % 60'000 == 0)
        return std::to_string(ms / 60'000) + "m";
    if (ms % 1000 == 0)
        return std::to_string(ms / 1000) + "s";
    return std::to_string(ms) + "ms";
}

std::optional<std::uint64_t> parseSize(std::string_view text)
{
    static constexpr std::array<std::pair<std::string_view, std::uint64_t>, 8> units{
        {{"KiB", 1024ULL},
         {"MiB", 1024ULL * 1024},
         {"GiB", 1024ULL * 1024 * 1024},
         {"KB", 1000ULL},
         {"MB", 1000ULL * 1000},
         {"GB", 1000ULL * 1000 * 1000},
         {"B", 1},
         {"", 1}}};
    std::uint64_t n = 0;
    if (!takeNumber(text, n))
        return std::nullopt;
    for (const auto& [suffix, factor] : units) {
        if (text == suffix)
            return mulFits(n, factor) ? std::optional<std::uint64_t>(n * factor) : std::nullopt;
    }
    return std::nullopt;
}

} // namespace hopscope
