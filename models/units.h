#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hopscope {

// "500ms", "3s", "2m", "1h", or combined as "1m30s". Zero and negative durations are refused.
std::optional<std::chrono::milliseconds> parseDuration(std::string_view text);
std::string formatDuration(std::chrono::milliseconds d);

// "512", "64KiB", "1MiB", "10MB" (decimal), "2GiB".
std::optional<std::uint64_t> parseSize(std::string_view text);

} // namespace hopscope
