#pragma once

namespace hopscope {

// What the probes last said about a hop. Until probing exists every hop is NotProbed.
enum class HopStatus { NotProbed, Healthy, Warning, Failing, Stale };

} // namespace hopscope
