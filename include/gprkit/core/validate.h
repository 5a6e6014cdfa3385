// Argument checks shared by every kernel: validate once at the boundary, with a
// message that names the argument, its value and what was expected.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

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

/// The section is non-empty and every sample is finite (no NaN/Inf).
void finite_data(std::string_view where, std::string_view what, ConstView v);
/// Non-empty section.
void non_empty(std::string_view where, std::string_view what, ConstView v);
/// out has the same shape as in.
void same_shape(std::string_view where, ConstView in, const MutView& out);
/// in and out do not partially overlap (fully identical in-place views are allowed
/// where the kernel says so).
void no_partial_overlap(std::string_view where, ConstView in, const MutView& out);

std::string shape_str(std::ptrdiff_t n_samples, std::ptrdiff_t n_traces);

}  // namespace gprkit::check
