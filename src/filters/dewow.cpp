#include "gprkit/filters/dewow.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "moving_window.h"
#include "per_trace.h"

namespace gprkit {

DewowOptions DewowOptions::resolve(const Header& h) const {
  DewowOptions r = *this;
  if (r.window_ns == 0.0) {
    const double f = h.centre_frequency_mhz;
    // Three periods keep the wavelet whole and remove the slower wow.
    r.window_ns = f > 0 ? 3e3 / f : std::max(2.0, 20.0 * h.dt_ns);
  }
  return r;
}

void dewow(ConstView in, MutView out, double dt_ns, const DewowOptions& opts) {
  constexpr const char* w = "dewow";
  check::positive(w, "dt_ns", dt_ns);
  Header hd;
  hd.dt_ns = dt_ns;
  hd.centre_frequency_mhz = 0;
  const DewowOptions o = opts.resolve(hd);
  check::positive(w, "window_ns", o.window_ns);
  // Window of 2h + 1 samples, h >= 1.
  const std::ptrdiff_t h = std::max<std::ptrdiff_t>(
      1, check::count(w, "window_ns", o.window_ns, 2 * dt_ns, "samples per half window"));
  detail::for_each_trace_group<detail::kWindowLanes>(
      w, in, out, [h](const float* const* x, float* const* y, int count, std::ptrdiff_t n) {
        return detail::moving_window(detail::WindowKind::dewow, x, y, count, n, h, 0.0);
      });
}

Bscan dewow(const Bscan& in, const DewowOptions& o) {
  Bscan out = Bscan::uninitialized(in.n_samples(), in.n_traces(), in.header());
  dewow(in.view(), out.view(), in.header().dt_ns, o.resolve(in.header()));
  return out;
}

}  // namespace gprkit
