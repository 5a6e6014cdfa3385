#include "gprkit/core/error.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

#include "gprkit/core/threads.h"
#include "gprkit/core/validate.h"
#include "simd.h"

namespace gprkit::check {

namespace {
std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}
}  // namespace

void fail(std::string_view where, std::string_view what, std::string_view value,
          std::string_view expected) {
  std::string msg;
  msg.append(where).append(": ").append(what).append(" = ").append(value);
  msg.append("; expected ").append(expected);
  throw InvalidArgument(msg);
}

void fail(std::string_view where, std::string_view what, double value, std::string_view expected) {
  fail(where, what, num(value), expected);
}

void positive(std::string_view where, std::string_view what, double value) {
  if (!(std::isfinite(value) && value > 0)) fail(where, what, value, "a finite value > 0");
}

void non_negative(std::string_view where, std::string_view what, double value) {
  if (!(std::isfinite(value) && value >= 0)) fail(where, what, value, "a finite value >= 0");
}

void finite(std::string_view where, std::string_view what, double value) {
  if (!std::isfinite(value)) fail(where, what, value, "a finite value");
}

void in_range(std::string_view where, std::string_view what, double value, double lo, double hi) {
  if (!(std::isfinite(value) && value >= lo && value <= hi))
    fail(where, what, value, "a value in [" + num(lo) + ", " + num(hi) + "]");
}

std::string shape_str(std::ptrdiff_t n_samples, std::ptrdiff_t n_traces) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "(%td samples x %td traces)", n_samples, n_traces);
  return buf;
}

GPRKIT_SIMD_CLONES bool all_finite(const float* x, std::ptrdiff_t n) noexcept {
  std::uint32_t bad = 0;
  for (std::ptrdiff_t i = 0; i < n; ++i) bad |= not_finite_bit(x[i]);
  return bad == 0;
}

namespace {
bool trace_finite(ConstView v, std::ptrdiff_t j) {
  if (v.sample_stride == 1) return all_finite(v.trace(j), v.n_samples);
  bool ok = true;
  for (std::ptrdiff_t i = 0; i < v.n_samples; ++i) ok &= std::isfinite(v(i, j));
  return ok;
}

// Every trace finite: on a whole line a serial pass over memory costs as much as a filter, and
// the chain checks at every step, so large views are tested on all threads (the answer is a
// plain yes or no; the failure paths below find the first bad sample serially).
bool traces_finite(ConstView v) {
  const int nt = threads_for(static_cast<std::size_t>(v.size()));
  bool ok = true;
  if (nt == 1) {  // a streamed trace: no parallel region at all
    for (std::ptrdiff_t j = 0; j < v.n_traces && ok; ++j) ok = trace_finite(v, j);
    return ok;
  }
#pragma omp parallel for num_threads(nt) schedule(static) reduction(&& : ok)
  for (std::ptrdiff_t j = 0; j < v.n_traces; ++j) ok = ok && trace_finite(v, j);
  return ok;
}
}  // namespace

void finite_output(std::string_view where, ConstView out, ConstView in) {
  if (traces_finite(out)) return;
  for (std::ptrdiff_t j = 0; j < out.n_traces; ++j)
    for (std::ptrdiff_t i = 0; i < out.n_samples; ++i) {
      if (std::isfinite(out(i, j))) continue;
      double peak = 0;  // the failure path only: what the caller needs to fix it
      for (std::ptrdiff_t q = 0; q < in.n_traces; ++q)
        for (std::ptrdiff_t p = 0; p < in.n_samples; ++p)
          peak = std::max(peak, static_cast<double>(std::abs(in(p, q))));
      fail(where, "output",
           std::string("not finite (") + (std::isnan(out(i, j)) ? "NaN" : "Inf") + " at sample " +
               std::to_string(i) + ", trace " + std::to_string(j) +
               ") for finite input of largest magnitude " + num(peak),
           "finite output: scale the data (float32 overflows near 3.4e38) or bring the options "
           "into a physical range");
    }
}

void size_bounded(std::string_view where, std::string_view what, std::ptrdiff_t n_samples,
                  std::ptrdiff_t n_traces) {
  if (n_samples > 0 && n_traces > 0 && n_samples > kMaxElements / n_traces)
    fail(where, what, "a section " + shape_str(n_samples, n_traces),
         "at most 2^32 samples x traces (16 GiB of float32); process it in blocks of traces");
}

std::ptrdiff_t count(std::string_view where, std::string_view what, double value, double step,
                     std::string_view unit, std::ptrdiff_t max_count, Round round) {
  const double q = value / step;
  const double c = round == Round::up     ? std::ceil(q)
                   : round == Round::down ? std::floor(q)
                                          : std::round(q);
  // Compare in double before any cast: a cast of a value beyond ptrdiff_t is undefined.
  if (!(std::isfinite(value) && value >= 0 && std::isfinite(step) && step > 0 &&
        c <= static_cast<double>(max_count))) {
    std::string e = "a finite value in [0, " + num(static_cast<double>(max_count) * step) +
                    "] (at most " + std::to_string(max_count) + " " + std::string(unit);
    e += std::isfinite(step) && step > 0 ? " of " + num(step) + ")"
                                         : "; the step " + num(step) + " must be finite > 0)";
    fail(where, what, value, e);
  }
  return static_cast<std::ptrdiff_t>(c);
}

std::pair<std::ptrdiff_t, std::ptrdiff_t> index_span(double first, double last, std::ptrdiff_t n) {
  if (!(first <= last) || n <= 0) return {0, -1};  // NaN or reversed: empty
  const double a = std::clamp(std::ceil(first), 0.0, static_cast<double>(n));
  const double b = std::clamp(std::floor(last), -1.0, static_cast<double>(n - 1));
  return {static_cast<std::ptrdiff_t>(a), static_cast<std::ptrdiff_t>(b)};
}

void non_empty(std::string_view where, std::string_view what, ConstView v) {
  if (v.n_samples <= 0 || v.n_traces <= 0 || v.data == nullptr)
    fail(where, what, "an empty section " + shape_str(v.n_samples, v.n_traces),
         "at least 1 sample x 1 trace");
  size_bounded(where, what, v.n_samples, v.n_traces);
}

void finite_data(std::string_view where, std::string_view what, ConstView v) {
  non_empty(where, what, v);
  if (traces_finite(v)) return;
  for (std::ptrdiff_t j = 0; j < v.n_traces; ++j) {
    const bool ok = trace_finite(v, j);
    if (!ok) {
      for (std::ptrdiff_t i = 0; i < v.n_samples; ++i) {
        const float x = v(i, j);
        if (!std::isfinite(x))
          fail(where, what,
               "a section with " + std::string(std::isnan(x) ? "NaN" : "Inf") + " at sample " +
                   std::to_string(i) + ", trace " + std::to_string(j),
               "finite samples only");
      }
    }
  }
}

void same_shape(std::string_view where, ConstView in, const MutView& out) {
  if (in.n_samples != out.n_samples || in.n_traces != out.n_traces)
    fail(where, "output shape", shape_str(out.n_samples, out.n_traces),
         "the input's shape " + shape_str(in.n_samples, in.n_traces));
}

void no_partial_overlap(std::string_view where, ConstView in, const MutView& out) {
  if (in.empty() || out.empty()) return;
  auto extent = [](auto v) {
    const float* lo = v.data;
    const float* hi = v.data;
    const float* a = v.data + (v.n_samples - 1) * v.sample_stride;
    const float* b = v.data + (v.n_traces - 1) * v.trace_stride;
    const float* c = a + (v.n_traces - 1) * v.trace_stride;
    for (const float* p : {a, b, c}) {
      lo = p < lo ? p : lo;
      hi = p > hi ? p : hi;
    }
    return std::pair{lo, hi};
  };
  auto [ilo, ihi] = extent(in);
  auto [olo, ohi] = extent(MutView(out));
  const bool identical = in.data == out.data && in.sample_stride == out.sample_stride &&
                         in.trace_stride == out.trace_stride;
  if (!identical && ilo <= ohi && olo <= ihi)
    fail(where, "output view", "a view that overlaps the input",
         "separate input and output buffers (or exactly the same view for in-place)");
}

}  // namespace gprkit::check
