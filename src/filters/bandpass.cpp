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
// The pad between the end of a trace and (periodically) its start. A straight line from the
// last sample to the first, as before, cuts every oscillation short at the trace ends: the
// band-pass then smooths that step in the envelope, so a tone still going at the end came
// out at half amplitude there (0.42 of 1 on the test tone, whatever the FFT plan or thread
// count). Instead each end is continued by linear prediction (Burg, order kOrder, fitted to
// the kSegment samples at that end, stable by construction) and the two continuations are
// cross-faded over the pad, so the periodic extension carries the oscillations on.
// x: m samples; r: the padded buffer (r[0..m) = x, the pad is r[m..m + pad)); tmp: pad floats.
constexpr int kOrder = 8;  // even: the prediction sums pairs
constexpr std::ptrdiff_t kSegment = 128;

// Burg prediction coefficients a[0..kOrder] (a[0] = 1) of the zero-mean x[0..n). The sums
// run in four chains and the error update into fresh arrays, so both vectorise.
void burg(const double* x, std::ptrdiff_t n, double* a) {
  double fa[kSegment], ba[kSegment], fb[kSegment], bb[kSegment], prev[kOrder + 1];
  double *f = fa, *b = ba, *f2 = fb, *b2 = bb;
  for (std::ptrdiff_t i = 0; i < n; ++i) f[i] = b[i] = x[i];
  for (int j = 0; j <= kOrder; ++j) a[j] = j == 0 ? 1.0 : 0.0;
  for (int k = 1; k <= kOrder; ++k) {
    double num[4] = {0, 0, 0, 0}, den[4] = {0, 0, 0, 0};
    std::ptrdiff_t i = k;
    for (; i + 4 <= n; i += 4)
      for (int l = 0; l < 4; ++l) {
        num[l] += f[i + l] * b[i + l - 1];
        den[l] += f[i + l] * f[i + l] + b[i + l - 1] * b[i + l - 1];
      }
    for (; i < n; ++i) {
      num[0] += f[i] * b[i - 1];
      den[0] += f[i] * f[i] + b[i - 1] * b[i - 1];
    }
    const double nu = (num[0] + num[1]) + (num[2] + num[3]);
    const double de = (den[0] + den[1]) + (den[2] + den[3]);
    const double kk = de > 0 ? -2.0 * nu / de : 0.0;
    for (int j = 0; j <= k; ++j) prev[j] = a[j];
    for (int j = 1; j <= k; ++j) a[j] = prev[j] + kk * prev[k - j];
    // Errors of order k from those of order k - 1 (only [k, n) is read next).
    for (std::ptrdiff_t q = k; q < n; ++q) {
      f2[q] = f[q] + kk * b[q - 1];
      b2[q] = b[q - 1] + kk * f[q];
    }
    std::swap(f, f2);
    std::swap(b, b2);
  }
}

// Continues seg[0..n) (read with step `dir`, +1 forwards, -1 backwards from its last sample
// seg[(n - 1) * dir]) by `pad` predicted samples into out[0..pad).
void predict(const float* seg, std::ptrdiff_t n, std::ptrdiff_t dir, std::ptrdiff_t pad,
             float* out) {
  double mu = 0, x[kSegment], a[kOrder + 1], h[kOrder];
  for (std::ptrdiff_t i = 0; i < n; ++i) mu += x[i] = static_cast<double>(seg[i * dir]);
  mu /= static_cast<double>(n);
  double peak = 0;
  for (std::ptrdiff_t i = 0; i < n; ++i) peak = std::max(peak, std::abs(x[i] -= mu));
  burg(x, n, a);
  for (int j = 0; j < kOrder; ++j) h[j] = x[n - 1 - j];  // h[j]: j + 1 samples back
  for (std::ptrdiff_t i = 0; i < pad; ++i) {
    // A pairwise sum: the newest sample's path to the next one is short (this recursion is
    // serial, and runs at both ends of every trace).
    double p[kOrder / 2];
    for (int j = 0; j < kOrder / 2; ++j)
      p[j] = a[2 * j + 1] * h[2 * j] + a[2 * j + 2] * h[2 * j + 1];
    double v = -((p[0] + p[1]) + (p[2] + p[3]));
    v = std::clamp(v, -2.0 * peak, 2.0 * peak);  // a guard; the Burg filter does not grow
    for (int j = kOrder - 1; j > 0; --j) h[j] = h[j - 1];
    h[0] = v;
    out[i] = static_cast<float>(v + mu);
  }
}

void continuation_pad(const float* x, std::ptrdiff_t m, float* r, std::ptrdiff_t pad, float* tmp,
                      const double* fade) {
  if (pad <= 0) return;
  if (m < 2 * kOrder) {  // too short to fit a predictor: join the ends with a straight line
    for (std::ptrdiff_t i = 0; i < pad; ++i) {
      const float a = static_cast<float>(i + 1) / static_cast<float>(pad + 1);
      r[m + i] = x[m - 1] + a * (x[0] - x[m - 1]);
    }
    return;
  }
  const std::ptrdiff_t n = std::min(m, kSegment);
  predict(x + m - n, n, 1, pad, r + m);  // onwards from the end
  predict(x + n - 1, n, -1, pad, tmp);   // backwards from the start: tmp[q] is x[-1 - q]
  for (std::ptrdiff_t i = 0; i < pad; ++i)
    r[m + i] = static_cast<float>((1.0 - fade[i]) * r[m + i] + fade[i] * tmp[pad - 1 - i]);
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
  // A raised cosine from the forward continuation (0) to the backward one (1) over the pad.
  const std::size_t pad = t.len - static_cast<std::size_t>(n);
  t.fade.resize(pad);
  for (std::size_t i = 0; i < pad; ++i)
    t.fade[i] = 0.5 * (1.0 - std::cos(std::numbers::pi * static_cast<double>(i + 1) /
                                      static_cast<double>(pad + 1)));
  return t;
}

void bandpass_apply(ConstView in, MutView out, const BandpassTable& t) {
  if (in.n_samples != t.n)
    check::fail("bandpass", "n_samples", static_cast<double>(in.n_samples), "the planned length");
  const std::size_t len = t.len, nf = len / 2 + 1;
  const float* hp = t.gain.data();
  detail::for_each_trace("bandpass", in, out,
                         [&](const float* x, float* y, std::ptrdiff_t m, std::ptrdiff_t) {
                           auto& s = detail::thread_fft_scratch();
                           s.ensure(len);
                           float* r = s.real.get();
                           if (!check::all_finite(x, m)) return false;
                           for (std::ptrdiff_t i = 0; i < m; ++i) r[i] = x[i];
                           // The spectrum buffer (len + 2 floats) holds the backward continuation
                           // until the FFT.
                           continuation_pad(x, m, r, static_cast<std::ptrdiff_t>(len) - m,
                                            reinterpret_cast<float*>(s.spec.get()), t.fade.data());
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
