// Argument checks shared by every kernel: validate once at the boundary, with a
// message that names the argument, its value and what was expected.
#pragma once
#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "gprkit/core/error.h"
#include "gprkit/core/view.h"

namespace gprkit::check {

/// Throws InvalidArgument("<where>: <what> = <value>; expected <expected>").
[[noreturn]] void fail(std::string_view where, std::string_view what, std::string_view value,
                       std::string_view expected);
[[noreturn]] void fail(std::string_view where, std::string_view what, double value,
                       std::string_view expected);

/// value is finite and > 0.
void positive(std::string_view where, std::string_view what, double value);
/// value is finite and >= 0.
void non_negative(std::string_view where, std::string_view what, double value);
/// value is finite.
void finite(std::string_view where, std::string_view what, double value);
/// lo <= value <= hi (and finite).
void in_range(std::string_view where, std::string_view what, double value, double lo, double hi);

/// True when each of the n floats x[0..n) is finite (no NaN/Inf). Runs at memory speed.
bool all_finite(const float* x, std::ptrdiff_t n) noexcept;
/// 1 when v is Inf or NaN (exponent all ones), else 0. An integer test reduced with OR: unlike
/// a float reduction, which must keep its order, it vectorizes at every width, also inside the
/// loop that computes v (outputs checked as they are written, not read back).
inline std::uint32_t not_finite_bit(float v) noexcept {
  return static_cast<std::uint32_t>((std::bit_cast<std::uint32_t>(v) & 0x7f800000u) == 0x7f800000u);
}

/// The section is non-empty and every sample is finite (no NaN/Inf).
void finite_data(std::string_view where, std::string_view what, ConstView v);
/// Non-empty section.
void non_empty(std::string_view where, std::string_view what, ConstView v);
/// out has the same shape as in.
void same_shape(std::string_view where, ConstView in, const MutView& out);
/// in and out do not partially overlap (fully identical in-place views are allowed
/// where the kernel says so).
void no_partial_overlap(std::string_view where, ConstView in, const MutView& out);

/// Most samples x traces any kernel accepts: 2^32 (16 GiB of float32). Larger requests (a
/// broadcast view, an absurd size from a header) are refused up front instead of running
/// for hours or failing deep inside an allocation.
inline constexpr std::ptrdiff_t kMaxElements = std::ptrdiff_t{1} << 32;

/// The section holds at most kMaxElements samples x traces (strides do not matter: a
/// stride-0 broadcast view costs as much work as a real one).
void size_bounded(std::string_view where, std::string_view what, std::ptrdiff_t n_samples,
                  std::ptrdiff_t n_traces);

/// Every sample of `out` is finite; otherwise throws InvalidArgument saying the output is not
/// finite and the input's largest magnitude (from `in`), so the caller knows to scale the data
/// or fix an option. Kernels call it once on their result: finite input never turns into a
/// silent NaN/Inf.
void finite_output(std::string_view where, ConstView out, ConstView in);

enum class Round { nearest, up, down };

/// The count round(value / step) (or ceil/floor) of `unit`s ("samples", "traces") that a
/// user length or time stands for, checked before the cast: every conversion of a length or
/// time to a count goes through here. Throws InvalidArgument naming `what`, its value and the
/// valid range when value is not finite or negative, step is not finite and > 0, or the
/// count exceeds max_count (the data length where more is meaningless, else kMaxElements).
std::ptrdiff_t count(std::string_view where, std::string_view what, double value, double step,
                     std::string_view unit, std::ptrdiff_t max_count = kMaxElements,
                     Round round = Round::nearest);

/// Samples [i0, i1] (inclusive) of a trace of n samples whose fractional positions lie in
/// [first, last], clamped to the trace; i0 > i1 (empty) when none does or a bound is NaN.
/// Positions may be any double (huge, infinite): nothing is cast before the clamp.
std::pair<std::ptrdiff_t, std::ptrdiff_t> index_span(double first, double last, std::ptrdiff_t n);

std::string shape_str(std::ptrdiff_t n_samples, std::ptrdiff_t n_traces);

}  // namespace gprkit::check
