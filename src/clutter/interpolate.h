// Internal: Keys cubic interpolation of a trace at fractional sample positions, with zeros or
// the edge samples outside it, shared by the surface tracker, the rough-ground removal and
// ground_bounce (all read traces at fractional surface times).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>

namespace gprkit::clutter_detail {

/// floor(pos) for |pos| < 2^62: what std::floor gives, without the libm call a baseline
/// x86-64 build (no SSE4.1 round instruction) makes for it.
inline std::ptrdiff_t floor_index(double pos) {
  const auto i = static_cast<std::ptrdiff_t>(pos);  // truncation toward zero
  return static_cast<double>(i) > pos ? i - 1 : i;
}

/// The Keys cubic (a = -0.5) through p0..p3 at t in [0, 1) past p1.
inline double keys_cubic(double p0, double p1, double p2, double p3, double t) {
  return p1 + 0.5 * t *
                  (p2 - p0 +
                   t * (2.0 * p0 - 5.0 * p1 + 4.0 * p2 - p3 + t * (3.0 * (p1 - p2) + p3 - p0)));
}

/// Keys cubic interpolation of x[0..m) at fractional index pos; 0 outside.
inline double cubic_zero(const float* x, std::ptrdiff_t m, double pos) {
  if (!(pos >= -2.0 && pos < static_cast<double>(m) + 2.0)) return 0.0;  // -3 < floor < m + 2
  const std::ptrdiff_t i = floor_index(pos);
  const double t = pos - static_cast<double>(i);
  if (i >= 1 && i + 2 < m)  // all four taps inside: no bound checks
    return keys_cubic(x[i - 1], x[i], x[i + 1], x[i + 2], t);
  auto at = [&](std::ptrdiff_t k) { return k >= 0 && k < m ? static_cast<double>(x[k]) : 0.0; };
  return keys_cubic(at(i - 1), at(i), at(i + 1), at(i + 2), t);
}

/// Keys cubic interpolation of x[0..m) at fractional index pos, edge samples repeated outside.
inline double cubic_clamped(const float* x, std::ptrdiff_t m, double pos) {
  // Beyond [-2, m + 1] every tap is clamped to the same edge sample: clamping pos first
  // changes nothing there and keeps the index in range (NaN reads the first sample).
  if (!(pos >= -2.0)) pos = -2.0;
  if (!(pos <= static_cast<double>(m) + 1.0)) pos = static_cast<double>(m) + 1.0;
  const std::ptrdiff_t i = floor_index(pos);
  const double t = pos - static_cast<double>(i);
  if (i >= 1 && i + 2 < m)  // all four taps inside: no clamping
    return keys_cubic(x[i - 1], x[i], x[i + 1], x[i + 2], t);
  auto at = [&](std::ptrdiff_t k) {
    return static_cast<double>(x[std::clamp<std::ptrdiff_t>(k, 0, m - 1)]);
  };
  return keys_cubic(at(i - 1), at(i), at(i + 1), at(i + 2), t);
}

/// Rows of positions base + q for integers q. The sum rounds once, so floor(base + q) is
/// q + floor(base) or one more: where all four taps of both candidates lie inside the trace,
/// they come from five contiguous streams and a select (no gather, no bound check), which
/// vectorises. `lo`..`hi`: those q within [q0, q1); fb = floor(base).
struct KeysStreams {
  std::ptrdiff_t lo = 0, hi = 0, fb = 0;
};
inline KeysStreams keys_streams(std::ptrdiff_t m, double base, std::ptrdiff_t q0,
                                std::ptrdiff_t q1) {
  KeysStreams r{q1, q1, 0};
  if (!(std::abs(base) < 1e9) || m >= (std::ptrdiff_t{1} << 30)) return r;  // scalar path
  r.fb = floor_index(base);
  r.lo = std::clamp<std::ptrdiff_t>(1 - r.fb, q0, q1);        // q + fb - 1 >= 0
  r.hi = std::clamp<std::ptrdiff_t>(m - 3 - r.fb, r.lo, q1);  // q + fb + 3 <= m - 1
  return r;
}
/// The Keys cubic of x at base + q for q in [lo, hi) of keys_streams(m, base, ...): the same
/// bits as cubic_zero and cubic_clamped there.
[[gnu::always_inline]] inline double keys_stream_at(const float* x, double base, std::ptrdiff_t q,
                                                    std::ptrdiff_t fb) {
  const double pos = base + static_cast<double>(q);
  const int i = static_cast<int>(pos);  // pos in [1, m - 3]: truncation is the floor
  const double t = pos - static_cast<double>(i);
  const bool up = i != static_cast<int>(q + fb);  // i == q + fb + 1
  const float* c = x + (q + fb - 1);
  const double c0 = c[0], c1 = c[1], c2 = c[2], c3 = c[3], c4 = c[4];
  return keys_cubic(up ? c1 : c0, up ? c2 : c1, up ? c3 : c2, up ? c4 : c3, t);
}

/// cubic_zero(x, m, pos) - cubic_zero(y, m, pos), the position resolved once.
inline double cubic_zero_difference(const float* x, const float* y, std::ptrdiff_t m, double pos) {
  if (!(pos >= -2.0 && pos < static_cast<double>(m) + 2.0)) return 0.0;  // -3 < floor < m + 2
  const std::ptrdiff_t i = floor_index(pos);
  const double t = pos - static_cast<double>(i);
  if (i >= 1 && i + 2 < m)
    return keys_cubic(x[i - 1], x[i], x[i + 1], x[i + 2], t) -
           keys_cubic(y[i - 1], y[i], y[i + 1], y[i + 2], t);
  return cubic_zero(x, m, pos) - cubic_zero(y, m, pos);
}

/// out[k] = cubic_zero_difference(x, y, m, base + (k0 + k)) for k in [0, count), bit for bit
/// (interpolate.cpp: vectorised per SIMD clone through keys_stream_at).
void cubic_zero_difference_row(const float* x, const float* y, std::ptrdiff_t m, double base,
                               std::ptrdiff_t k0, std::ptrdiff_t count, double* out);
/// y[i] = cubic_clamped(x, m, i + shift) for i in [0, m), bit for bit (the same way).
void cubic_clamped_row(const float* x, std::ptrdiff_t m, double shift, float* y);

}  // namespace gprkit::clutter_detail
