#include "gprkit/filters/dc_remove.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "per_trace.h"

namespace gprkit {

void dc_remove(ConstView in, MutView out, double dt_ns, double t0_ns, const DcRemoveOptions& o) {
  constexpr const char* w = "dc_remove";
  check::positive(w, "dt_ns", dt_ns);
  check::finite(w, "t0_ns", t0_ns);
  check::non_empty(w, "input", in);
  auto span = [](double a, double b) {
    char buf[80];
    std::snprintf(buf, sizeof buf, "%g .. %g ns", a, b);
    return std::string(buf);
  };
  if (std::isnan(o.start_ns) || std::isnan(o.end_ns) || !(o.start_ns < o.end_ns))
    check::fail(w, "window", span(o.start_ns, o.end_ns), "start_ns < end_ns");
  // Plain variables, not a structured binding: lambdas below capture them (clang 14 refuses
  // to capture bindings).
  const auto window = detail::sample_window(o.start_ns, o.end_ns, dt_ns, t0_ns, in.n_samples);
  const std::ptrdiff_t i0 = window.first, i1 = window.second;
  if (i1 < i0)
    check::fail(w, "window", span(o.start_ns, o.end_ns),
                "a window that overlaps the trace (" +
                    span(t0_ns, t0_ns + dt_ns * static_cast<double>(in.n_samples - 1)) + ")");
  const bool median = o.method == DcMethod::median;
  detail::for_each_trace(
      w, in, out, [&](const float* x, float* y, std::ptrdiff_t n, std::ptrdiff_t) {
        if (!std::isfinite(detail::sum(x, n))) return false;  // NaN/Inf anywhere in the trace
        float level;
        if (median) {
          thread_local std::vector<float> tmp;
          tmp.assign(x + i0, x + i1 + 1);
          const auto mid = tmp.begin() + static_cast<std::ptrdiff_t>(tmp.size() / 2);
          std::nth_element(tmp.begin(), mid, tmp.end());
          level = *mid;
          if (tmp.size() % 2 == 0) level = 0.5f * (level + *std::max_element(tmp.begin(), mid));
        } else {
          level = static_cast<float>(detail::sum(x + i0, i1 - i0 + 1) /
                                     static_cast<double>(i1 - i0 + 1));
        }
        for (std::ptrdiff_t i = 0; i < n; ++i) y[i] = x[i] - level;
        return true;
      });
}

Bscan dc_remove(const Bscan& in, const DcRemoveOptions& o) {
  Bscan out = Bscan::uninitialized(in.n_samples(), in.n_traces(), in.header());
  dc_remove(in.view(), out.view(), in.header().dt_ns, in.header().t0_ns, o);
  return out;
}

}  // namespace gprkit
