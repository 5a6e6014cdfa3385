// Internal: centred moving-window means along traces, for dewow and AGC, eight traces at a time.
#pragma once
#include <cstddef>

namespace gprkit::detail {

enum class WindowKind {
  dewow,  ///< y = x - mean of x over the window (radius min(h, i, n - 1 - i): symmetric)
  agc     ///< y = x / max(rms of x over [i - h, i + h] clipped to the trace, floor)
};

/// Most traces moving_window processes together (one SIMD lane each).
inline constexpr int kWindowLanes = 8;

/// Applies the window filter to `count` (1..kWindowLanes) traces x[l] -> y[l] of n samples,
/// window half-width h >= 1 samples. The sums are running double prefix sums, one per trace
/// in its own lane, so each trace gets the same bits whatever traces share its call. x[l] may
/// equal y[l]. Returns false (outputs unspecified) when an input sample is not finite.
bool moving_window(WindowKind kind, const float* const* x, float* const* y, int count,
                   std::ptrdiff_t n, std::ptrdiff_t h, double floor);

}  // namespace gprkit::detail
