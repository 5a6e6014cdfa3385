#include "gprkit/filters/bandpass.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "fft_scratch.h"
#include "kernels.h"
#include "per_trace.h"

namespace gprkit {

namespace {
void validate(const BandpassOptions& o, double dt_ns) {
  constexpr const char* w = "bandpass";
  check::positive(w, "dt_ns", dt_ns);
  const double nyquist = 500.0 / dt_ns;  // MHz
  check::non_negative(w, "low_mhz", o.low_mhz);
  check::positive(w, "high_mhz", o.high_mhz);
  if (o.high_mhz >= nyquist)
    check::fail(w, "high_mhz", o.high_mhz,
                "a corner below the Nyquist frequency " + std::to_string(nyquist) +
                    " MHz (dt_ns = " + std::to_string(dt_ns) + ")");
  if (o.low_mhz >= o.high_mhz) check::fail(w, "low_mhz", o.low_mhz, "a value < high_mhz");
  if (o.shape == BandpassShape::butterworth && (o.order < 1 || o.order > 32))
    check::fail(w, "order", o.order, "1..32");
  if (std::isnan(o.transition_mhz) || std::isinf(o.transition_mhz))
    check::fail(w, "transition_mhz", o.transition_mhz, "a finite value (< 0 for the default)");
  if (o.pad_samples > (std::ptrdiff_t{1} << 28))
    check::fail(w, "pad_samples", static_cast<double>(o.pad_samples), "<= 2^28");
}
}  // namespace

double bandpass_gain(double f_mhz, const BandpassOptions& o) {
  const double f = std::abs(f_mhz);
  if (o.shape == BandpassShape::butterworth) {
    const double n2 = 2.0 * o.order;
    double g = 1.0 / std::sqrt(1.0 + std::pow(f / o.high_mhz, n2));
    if (o.low_mhz > 0) g *= f > 0 ? 1.0 / std::sqrt(1.0 + std::pow(o.low_mhz / f, n2)) : 0.0;
    return g;
  }
  // Raised-cosine transitions outside the corners: gain 1 on [low, high].
  const double tl = o.transition_mhz >= 0 ? o.transition_mhz : 0.25 * o.low_mhz;
  const double th = o.transition_mhz >= 0 ? o.transition_mhz : 0.25 * o.high_mhz;
  double g = 1.0;
  if (o.low_mhz > 0 && f < o.low_mhz) {
    const double a = o.low_mhz - tl;
    g = (tl <= 0 || f <= a) ? 0.0 : 0.5 * (1.0 - std::cos(std::numbers::pi * (f - a) / tl));
  }
  if (f > o.high_mhz) {
    const double b = o.high_mhz + th;
    g = (th <= 0 || f >= b) ? 0.0
                            : 0.5 * (1.0 + std::cos(std::numbers::pi * (f - o.high_mhz) / th));
  }
  return g;
}

BandpassOptions BandpassOptions::resolve(const Header& h) const {
  BandpassOptions r = *this;
  const double nyquist = 500.0 / h.dt_ns;
  const double fc = h.centre_frequency_mhz;
  if (r.high_mhz < 0) r.high_mhz = fc > 0 ? std::min(2.5 * fc, 0.8 * nyquist) : 0.8 * nyquist;
  if (r.low_mhz < 0) r.low_mhz = fc > 0 ? std::min(0.3 * fc, 0.5 * r.high_mhz) : 0.02 * nyquist;
  return r;
}

void bandpass(ConstView in, MutView out, double dt_ns, const BandpassOptions& opts) {
  check::positive("bandpass", "dt_ns", dt_ns);
  Header hd;
  hd.dt_ns = dt_ns;
  const BandpassOptions o = opts.resolve(hd);
  check::non_empty("bandpass", "input", in);
  const detail::BandpassTable t = detail::bandpass_table(in.n_samples, dt_ns, o);
  detail::bandpass_apply(in, out, t);
}

namespace detail {

BandpassTable bandpass_table(std::ptrdiff_t n, double dt_ns, const BandpassOptions& o) {
  validate(o, dt_ns);
  BandpassTable t;
  t.n = n;
  t.len = padded_length(n, o.pad_samples);
  const std::size_t nf = t.len / 2 + 1;
  // The gain per bin, with the 1/len of the inverse transform folded in.
  t.gain.resize(nf);
  const double df = 1e3 / (dt_ns * static_cast<double>(t.len));  // MHz per bin
  for (std::size_t k = 0; k < nf; ++k)
    t.gain[k] = static_cast<float>(bandpass_gain(static_cast<double>(k) * df, o) /
                                   static_cast<double>(t.len));
  return t;
}

void bandpass_apply(ConstView in, MutView out, const BandpassTable& t) {
  if (in.n_samples != t.n)
    check::fail("bandpass", "n_samples", static_cast<double>(in.n_samples), "the planned length");
  const std::size_t len = t.len, nf = len / 2 + 1;
  const float* hp = t.gain.data();
  detail::for_each_trace(
      "bandpass", in, out, [&](const float* x, float* y, std::ptrdiff_t m, std::ptrdiff_t) {
        auto& s = detail::thread_fft_scratch();
        s.ensure(len);
        float* r = s.real.get();
        if (!detail::all_finite(x, m)) return false;
        for (std::ptrdiff_t i = 0; i < m; ++i) r[i] = x[i];
        // The pad joins the last sample back to the first with a straight line, so the
        // periodic extension has no jump to ring at the trace ends.
        const std::ptrdiff_t pad = static_cast<std::ptrdiff_t>(len) - m;
        const float first = x[0], last = x[m - 1];
        for (std::ptrdiff_t i = 0; i < pad; ++i) {
          const float a = static_cast<float>(i + 1) / static_cast<float>(pad + 1);
          r[m + i] = last + a * (first - last);
        }
        fft::r2c(len, r, s.spec.get());
        fft::cfloat* X = s.spec.get();
        for (std::size_t k = 0; k < nf; ++k) X[k] *= hp[k];
        fft::c2r(len, X, r);
        for (std::ptrdiff_t i = 0; i < m; ++i) y[i] = r[i];
        return true;
      });
}

}  // namespace detail

Bscan bandpass(const Bscan& in, const BandpassOptions& o) {
  Bscan out = Bscan::uninitialized(in.n_samples(), in.n_traces(), in.header());
  bandpass(in.view(), out.view(), in.header().dt_ns, o.resolve(in.header()));
  return out;
}

}  // namespace gprkit
