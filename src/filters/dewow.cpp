#include "gprkit/filters/dewow.h"

#include <algorithm>
#include <cmath>
#include <vector>

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
  detail::for_each_trace(
      w, in, out, [h](const float* x, float* y, std::ptrdiff_t n, std::ptrdiff_t) {
        thread_local std::vector<double> s;
        s.resize(static_cast<std::size_t>(n) + 1);
        const detail::ChunkedPrefix p = detail::chunked_prefix_sums(x, n, s.data());
        if (!std::isfinite(p.total())) return false;
        const double* sp = s.data();
        // Edges: the window shrinks symmetrically (radius min(h, i, n-1-i)), so a linear
        // trend is removed exactly up to the ends instead of leaving a one-sided bias.
        auto general = [&](std::ptrdiff_t i) {
          const std::ptrdiff_t r = std::min({h, i, n - 1 - i});
          y[i] = static_cast<float>(x[i] - (p.at(sp, i + r + 1) - p.at(sp, i - r)) /
                                               static_cast<double>(2 * r + 1));
        };
        if (n < 2 * h + 1) {
          for (std::ptrdiff_t i = 0; i < n; ++i) general(i);
          return true;
        }
        for (std::ptrdiff_t i = 0; i < h; ++i) general(i);
        // Interior: split where the window's ends cross a chunk boundary, so each piece adds
        // one constant offset difference (no fix-up pass over the prefix sums).
        const double inv = 1.0 / static_cast<double>(2 * h + 1);
        p.for_each_segment(
            h, n - h, h + 1, -h, [&](std::ptrdiff_t a, std::ptrdiff_t b, double delta) {
              for (std::ptrdiff_t i = a; i < b; ++i)
                y[i] = static_cast<float>(x[i] - (sp[i + h + 1] - sp[i - h] + delta) * inv);
            });
        for (std::ptrdiff_t i = n - h; i < n; ++i) general(i);
        return true;
      });
}

Bscan dewow(const Bscan& in, const DewowOptions& o) {
  Bscan out = Bscan::uninitialized(in.n_samples(), in.n_traces(), in.header());
  dewow(in.view(), out.view(), in.header().dt_ns, o.resolve(in.header()));
  return out;
}

}  // namespace gprkit
