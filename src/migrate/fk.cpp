// f-k migration: Stolt (constant velocity) and Gazdag phase shift (v(z)), 2-D and 3-D.
//
// Both share the forward transform (r2c in time, c2c across traces and lines, zero padded),
// the bistatic-to-zero-offset time correction and the datuming through the air gap (an
// exact phase shift of the zero-offset wavefield through a layer of velocity c/2).
#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <string>

#include "detail.h"
#include "gprkit/core/fft.h"
#include "gprkit/core/threads.h"
#include "gprkit/core/validate.h"

namespace gprkit::migrate_detail {
namespace {

using cfloat = fft::cfloat;
using cdouble = std::complex<double>;
constexpr double two_pi = 2.0 * std::numbers::pi;

// Windowed-sinc interpolation kernel (half-width 4, Hann window), tabulated at 2048
// fractional positions; rows normalized to sum 1 (exact for constants).
constexpr int kHalf = 4;
constexpr int kTaps = 2 * kHalf;
constexpr int kTable = 2048;
struct SincTable {
  std::vector<std::array<float, kTaps>> w;
  SincTable() : w(kTable + 1) {
    for (int r = 0; r <= kTable; ++r) {
      const double frac = static_cast<double>(r) / kTable;
      double sum = 0;
      std::array<double, kTaps> t{};
      for (int m = 0; m < kTaps; ++m) {
        const double d = frac + (kHalf - 1) - m;  // distance from tap i0 - kHalf + 1 + m
        const double x = std::numbers::pi * d;
        const double s = std::abs(d) < 1e-12 ? 1.0 : std::sin(x) / x;
        const double win = std::abs(d) >= kHalf ? 0.0 : 0.5 * (1.0 + std::cos(x / kHalf));
        t[static_cast<std::size_t>(m)] = s * win;
        sum += s * win;
      }
      for (int m = 0; m < kTaps; ++m)
        w[static_cast<std::size_t>(r)][static_cast<std::size_t>(m)] =
            static_cast<float>(t[static_cast<std::size_t>(m)] / sum);
    }
  }
};
const SincTable& sinc_table() {
  static const SincTable t;
  return t;
}

// howmany transforms of length n, element k of batch b at base[b + k * stride] (dist 1),
// in chunks of a fixed 64 transforms (a multiple of 8 keeps FFTW's SIMD alignment) shared
// out to the threads. The chunk must not follow the thread count: FFTW picks its codelets
// by batch size, so another split would round differently.
void batch_fft(std::size_t n, std::size_t howmany, std::size_t stride, cfloat* base, int sign) {
  if (n <= 1) return;
  constexpr std::size_t chunk = 64;
  const int nt = threads_for(n * howmany);
  const auto nchunks = static_cast<std::ptrdiff_t>((howmany + chunk - 1) / chunk);
#pragma omp parallel for num_threads(nt) schedule(static)
  for (std::ptrdiff_t c = 0; c < nchunks; ++c) {
    const std::size_t first = static_cast<std::size_t>(c) * chunk;
    const std::size_t count = std::min(chunk, howmany - first);
    fft::c2c_batch(n, count, stride, 1, base + first, base + first, sign);
  }
}

double dip_taper(double sin_theta, double max_dip_deg) {
  if (max_dip_deg >= 90.0) return sin_theta <= 1.0 ? 1.0 : 0.0;
  const double th = std::asin(std::min(1.0, sin_theta)) * 180.0 / std::numbers::pi;
  const double lo = max_dip_deg - 5.0;
  if (th <= lo) return 1.0;
  if (th > max_dip_deg) return 0.0;
  return 0.5 * (1.0 + std::cos(std::numbers::pi * (th - lo) / 5.0));
}

double vz_at(const MigrateOptions& o, double z) {
  const auto& zd = o.vz_depth_m;
  const auto& vv = o.vz_velocity_m_per_ns;
  if (zd.empty()) return o.velocity_m_per_ns;
  if (z <= zd.front()) return vv.front();
  if (z >= zd.back()) return vv.back();
  const auto k = static_cast<std::size_t>(std::upper_bound(zd.begin(), zd.end(), z) - zd.begin());
  const double w = (z - zd[k - 1]) / (zd[k] - zd[k - 1]);
  return vv[k - 1] + w * (vv[k] - vv[k - 1]);
}

}  // namespace

namespace {
// cos and sin of phi in [0, pi], in float (x = phi - pi/2 in [-pi/2, pi/2]; Taylor to degree 14
// and 13, truncation error below 1e-9, so float rounding is all): plain arithmetic, so the loop
// below vectorizes where sin/cos calls would not (v(z) computes the operator afresh at every
// depth step).
inline void cos_sin_0_pi(float phi, float& c, float& s) {
  const float x = phi - 0.5f * std::numbers::pi_v<float>, x2 = x * x;
  const float sx =
      x * (1 + x2 * (-1.0f / 6 +
                     x2 * (1.0f / 120 +
                           x2 * (-1.0f / 5040 +
                                 x2 * (1.0f / 362880 +
                                       x2 * (-1.0f / 39916800 + x2 * (1.0f / 6227020800.0f)))))));
  const float cx =
      1 + x2 * (-0.5f +
                x2 * (1.0f / 24 +
                      x2 * (-1.0f / 720 +
                            x2 * (1.0f / 40320 +
                                  x2 * (-1.0f / 3628800 + x2 * (1.0f / 479001600.0f +
                                                                x2 * (-1.0f / 87178291200.0f)))))));
  c = -sx;  // cos(x + pi/2)
  s = cx;   // sin(x + pi/2)
}

// The phase-shift operator of one depth step, E(f) = taper(f) exp(i 2 pi dtau sqrt(f^2 -
// vk^2)), for frequencies n df, n in [lo, hi), into (er, ei); vk = v k / 2. Returns the first
// frequency it does not zero (hi when none): below it the wave is evanescent or steeper than
// the dip limit.
std::size_t phase_operator(double vk, double dtau, double df, double max_dip_deg, std::size_t lo,
                           std::size_t hi, float* er, float* ei) {
  std::size_t first = lo;
  while (first < hi) {  // q > 0 and a non-zero taper
    const double f = static_cast<double>(first) * df;
    if (f * f - vk * vk > 0 && dip_taper(vk / f, max_dip_deg) > 0) break;
    ++first;
  }
  // Above f_full the taper is 1 (and the loop needs no asin/cos).
  double f_full = vk;
  if (max_dip_deg <= 5.0)  // the taper's 5-degree ramp reaches the vertical
    f_full = std::numeric_limits<double>::infinity();
  else if (max_dip_deg < 90.0)
    f_full = vk / std::sin((max_dip_deg - 5.0) * std::numbers::pi / 180.0);
  // The phase never exceeds pi when dtau <= dt (f <= the Nyquist frequency 1 / (2 dt)), so
  // the polynomial applies; otherwise std::polar does.
  const bool in_range = two_pi * dtau * static_cast<double>(hi - 1) * df <= std::numbers::pi + 1e-9;
  if (in_range) {
    const auto w = static_cast<float>(two_pi * dtau * df), kf = static_cast<float>(vk / df);
    // phase w sqrt(n^2 - (vk/df)^2); an int index and no branch, so that it vectorizes
    for (auto n = static_cast<std::int32_t>(first); n < static_cast<std::int32_t>(hi); ++n) {
      const auto nf = static_cast<float>(n);
      const float q = nf * nf - kf * kf;
      float c, s;
      cos_sin_0_pi(w * std::sqrt(q > 0.0f ? q : 0.0f), c, s);
      er[n] = c;
      ei[n] = s;
    }
  } else {
    for (std::size_t n = first; n < hi; ++n) {
      const double f = static_cast<double>(n) * df;
      const double phi = two_pi * dtau * std::sqrt(f * f - vk * vk);
      er[n] = static_cast<float>(std::cos(phi));
      ei[n] = static_cast<float>(std::sin(phi));
    }
  }
  for (std::size_t n = first; n < hi && static_cast<double>(n) * df < f_full; ++n) {
    const double t = dip_taper(vk / (static_cast<double>(n) * df), max_dip_deg);
    er[n] = static_cast<float>(t * static_cast<double>(er[n]));
    ei[n] = static_cast<float>(t * static_cast<double>(ei[n]));
  }
  return first;
}

// One phase-shift step over frequencies [lo, hi): P *= E, and the sum of the new P (the
// image at this depth). Sixteen independent partial sums, added in a fixed order at the end,
// let the compiler vectorize the loop without reassociating anything: the result is the same
// for any thread count.
cfloat continue_step(float* pr, float* pi, const float* er, const float* ei, std::size_t lo,
                     std::size_t hi) {
  constexpr std::size_t W = 16;
  float ar[W] = {}, ai[W] = {};
  std::size_t n = lo;
  for (; n + W <= hi; n += W)
    for (std::size_t l = 0; l < W; ++l) {
      const float r = pr[n + l] * er[n + l] - pi[n + l] * ei[n + l];
      const float m = pr[n + l] * ei[n + l] + pi[n + l] * er[n + l];
      pr[n + l] = r;
      pi[n + l] = m;
      ar[l] += r;
      ai[l] += m;
    }
  for (std::size_t l = 0; n < hi; ++n, ++l) {
    const float r = pr[n] * er[n] - pi[n] * ei[n];
    const float m = pr[n] * ei[n] + pi[n] * er[n];
    pr[n] = r;
    pi[n] = m;
    ar[l] += r;
    ai[l] += m;
  }
  for (std::size_t w = W / 2; w > 0; w /= 2)
    for (std::size_t l = 0; l < w; ++l) {
      ar[l] += ar[l + w];
      ai[l] += ai[l + w];
    }
  return {ar[0], ai[0]};
}
}  // namespace

void fk_migrate(const float* in, float* out, std::ptrdiff_t ns, std::ptrdiff_t nx,
                std::ptrdiff_t ny, double dt, double t0, double dx, double dy, const Geometry& g,
                const MigrateOptions& o) {
  const char* where =
      o.method == MigrationMethod::stolt ? "migrate(stolt)" : "migrate(phase_shift)";
  const bool stolt = o.method == MigrationMethod::stolt;
  if (stolt && !o.vz_depth_m.empty())
    check::fail(where, "vz_depth_m size", static_cast<double>(o.vz_depth_m.size()),
                "an empty table (v(z) is used by phase_shift only)");
  const double v_surface = vz_at(o, 0.0);
  const double a = g.offset_m, h = g.height_m;

  // Phase shift: velocity of each output step (midpoint depth), and the coverage check.
  std::vector<double> step_v(static_cast<std::size_t>(ns), 0.0),
      step_dtau(static_cast<std::size_t>(ns), 0.0);
  if (!stolt) {
    double z = 0, tau_prev = 0;
    for (std::ptrdiff_t i = 0; i < ns; ++i) {
      const double tau = t0 + static_cast<double>(i) * dt;
      if (tau <= 0) continue;
      // dt itself after the first step, not a difference of rounded times: equal steps let
      // the continuation reuse its operator.
      const double dtau = tau_prev > 0 ? dt : tau;
      const double vm = vz_at(o, z + 0.25 * vz_at(o, z) * dtau);
      z += 0.5 * vm * dtau;
      step_v[static_cast<std::size_t>(i)] = vm;
      step_dtau[static_cast<std::size_t>(i)] = dtau;
      tau_prev = tau;
    }
    if (!o.vz_depth_m.empty() && z > o.vz_depth_m.back() + 1e-9)
      check::fail(where, "vz_depth_m[last]", o.vz_depth_m.back(),
                  "a table reaching the deepest imaged point (" + std::to_string(z) + " m)");
  }

  // Sizes.
  const auto Nt = fft::fast_size(static_cast<std::size_t>(std::max<double>(
      static_cast<double>(ns) + 2, std::ceil(o.pad_time_factor * static_cast<double>(ns)))));
  const std::size_t Nf = Nt / 2 + 1;
  const std::ptrdiff_t padx =
      o.pad_traces >= 0 ? o.pad_traces : std::max<std::ptrdiff_t>(16, nx / 2);
  const std::ptrdiff_t pady =
      ny > 1 ? (o.pad_traces >= 0 ? o.pad_traces : std::max<std::ptrdiff_t>(8, ny / 2)) : 0;
  const auto Nx = fft::fast_size(static_cast<std::size_t>(nx + padx));
  const auto Ny = ny > 1 ? fft::fast_size(static_cast<std::size_t>(ny + pady)) : std::size_t{1};
  const std::size_t ncol = Nx * Ny;
  const double df = 1.0 / (static_cast<double>(Nt) * dt);    // GHz
  const double Tc = 0.5 * static_cast<double>(ns - 1) * dt;  // centre of the data (ns)
  auto spec = fft::alloc_complex(Nf * ncol);

  // Bistatic -> zero-offset time map (source sample position of each output sample).
  std::vector<double> src_pos;
  if (a > 0) {
    src_pos.resize(static_cast<std::size_t>(ns));
    for (std::ptrdiff_t i = 0; i < ns; ++i) {
      const double tau = t0 + static_cast<double>(i) * dt;  // zero-offset time from the antenna
      double T;
      if (tau <= 0)
        T = tau + a / c_air;
      else if (tau < 2.0 * h / c_air)
        T = 2.0 * std::hypot(0.5 * c_air * tau, 0.5 * a) / c_air;
      else
        T = apex_time_ns(a, h, 0.5 * v_surface * (tau - 2.0 * h / c_air), v_surface);
      src_pos[static_cast<std::size_t>(i)] = (T - t0) / dt;
    }
  }
  std::vector<cfloat> centre(Nf);
  for (std::size_t n = 0; n < Nf; ++n)
    centre[n] = cfloat(std::polar(1.0, two_pi * static_cast<double>(n) * df * Tc));

  // 1. Forward transform in time, per trace.
  const int nth = threads_for(Nf * ncol * 4);
#pragma omp parallel num_threads(nth)
  {
    auto re = fft::alloc_real(Nt + 2);
    auto sp = fft::alloc_complex(Nf);
#pragma omp for schedule(static)
    for (std::ptrdiff_t col = 0; col < static_cast<std::ptrdiff_t>(ncol); ++col) {
      const auto jx = static_cast<std::ptrdiff_t>(static_cast<std::size_t>(col) % Nx);
      const auto ly = static_cast<std::ptrdiff_t>(static_cast<std::size_t>(col) / Nx);
      cfloat* dst = spec.get() + static_cast<std::size_t>(col) * Nf;
      if (jx >= nx || ly >= ny) {
        std::fill(dst, dst + Nf, cfloat(0));
        continue;
      }
      const float* tr = in + (jx + ly * nx) * ns;
      std::fill(re.get(), re.get() + Nt, 0.0f);
      if (src_pos.empty()) {
        std::copy(tr, tr + ns, re.get());
      } else {
        for (std::ptrdiff_t i = 0; i < ns; ++i) {  // Catmull-Rom cubic
          const double s = src_pos[static_cast<std::size_t>(i)];
          const auto k = static_cast<std::ptrdiff_t>(std::floor(s));
          const double u = s - static_cast<double>(k);
          auto at = [&](std::ptrdiff_t m) {
            return m >= 0 && m < ns ? static_cast<double>(tr[m]) : 0.0;
          };
          const double p0 = at(k - 1), p1 = at(k), p2 = at(k + 1), p3 = at(k + 2);
          re[static_cast<std::size_t>(i)] = static_cast<float>(
              p1 +
              0.5 * u *
                  (p2 - p0 + u * (2 * p0 - 5 * p1 + 4 * p2 - p3 + u * (3 * (p1 - p2) + p3 - p0))));
        }
      }
      fft::r2c(Nt, re.get(), sp.get());
      for (std::size_t n = 0; n < Nf; ++n) dst[n] = sp[n] * centre[n];
    }
  }
  // 2. Across traces (and lines).
  for (std::size_t l = 0; l < Ny; ++l) batch_fft(Nx, Nf, Nf, spec.get() + l * Nf * Nx, -1);
  if (Ny > 1) batch_fft(Ny, Nf * Nx, Nf * Nx, spec.get(), -1);

  // Negative-frequency taps of each column: G(-f, k) = conj(G(f, -k)).
  std::vector<cfloat> neg(ncol * kHalf);
  for (std::size_t col = 0; col < ncol; ++col) {
    const std::size_t jx = col % Nx, ly = col / Nx;
    const std::size_t mirror = (Nx - jx) % Nx + ((Ny - ly) % Ny) * Nx;
    for (int m = 0; m < kHalf; ++m)
      neg[col * kHalf + static_cast<std::size_t>(m)] =
          static_cast<std::size_t>(m + 1) < Nf
              ? std::conj(spec[mirror * Nf + static_cast<std::size_t>(m) + 1])
              : cfloat(0);
  }

  // 3. Mapping (stolt) or downward continuation (phase shift), per column.
  const auto& tab = sinc_table();
  const double f_nyq = static_cast<double>(Nf - 1) * df;
#pragma omp parallel num_threads(nth)
  {
    std::vector<cfloat> tmp(Nf);
    std::vector<float> Pr(Nf), Pi(Nf), Er(Nf), Ei(Nf);
#pragma omp for schedule(dynamic, 16)
    for (std::ptrdiff_t c = 0; c < static_cast<std::ptrdiff_t>(ncol); ++c) {
      const auto col = static_cast<std::size_t>(c);
      const std::size_t jx = col % Nx, ly = col / Nx;
      const double kx = (jx <= Nx / 2 ? static_cast<double>(jx)
                                      : static_cast<double>(jx) - static_cast<double>(Nx)) /
                        (static_cast<double>(Nx) * dx);
      const double kyv = Ny > 1
                             ? (ly <= Ny / 2 ? static_cast<double>(ly)
                                             : static_cast<double>(ly) - static_cast<double>(Ny)) /
                                   (static_cast<double>(Ny) * dy)
                             : 0.0;
      const double k = std::hypot(kx, kyv);  // cycles/m
      cfloat* G = spec.get() + col * Nf;
      const cfloat* ng = neg.data() + col * kHalf;
      auto air_phase = [&](double f, bool& ok) {  // datuming through the air gap
        if (h <= 0) return 0.0;
        const double kz2 = 4.0 * f * f / (c_air * c_air) - k * k;
        ok = kz2 > 0;
        return ok ? two_pi * h * std::sqrt(kz2) : 0.0;
      };
      if (stolt) {
        const double ve = 0.5 * o.velocity_m_per_ns;
        const double vk = ve * k;
        for (std::size_t n = 0; n < Nf; ++n) {
          const double fo = static_cast<double>(n) * df;
          const double fi = std::sqrt(fo * fo + vk * vk);
          const double u = fi / df;
          if (fi > f_nyq || fo == 0.0) {
            tmp[n] = 0;
            continue;
          }
          const double taper = dip_taper(vk / fi, o.max_dip_deg);
          bool ok = true;
          const double pa = air_phase(fi, ok);
          if (taper == 0.0 || !ok) {
            tmp[n] = 0;
            continue;
          }
          const auto i0 = static_cast<std::ptrdiff_t>(std::floor(u));
          const auto& w =
              tab.w[static_cast<std::size_t>(std::lround((u - static_cast<double>(i0)) * kTable))];
          cfloat acc(0);
          for (int m = 0; m < kTaps; ++m) {
            const std::ptrdiff_t idx = i0 - kHalf + 1 + m;
            cfloat val;
            if (idx < 0)
              val = ng[-idx - 1];
            else if (idx >= static_cast<std::ptrdiff_t>(Nf))
              val = 0;
            else
              val = G[idx];
            acc += w[static_cast<std::size_t>(m)] * val;
          }
          const double phase = -two_pi * fi * (Tc + t0) + pa + two_pi * fo * t0;
          tmp[n] = acc * cfloat(std::polar(taper * fo / fi, phase));
        }
        std::copy(tmp.begin(), tmp.end(), G);
      } else {
        // The wavefield P at the current depth, in float, real and imaginary parts apart so
        // that the update vectorizes. A frequency once evanescent (or beyond the dip limit,
        // or not propagating through the air gap) stays zero: those are the lowest ones, so
        // only [lo, Nf) is carried, and lo only grows with depth.
        std::size_t lo = Nf;
        for (std::size_t n = 0; n < Nf; ++n) {
          const double f = static_cast<double>(n) * df;
          bool ok = true;
          const double pa = air_phase(f, ok);
          const double wgt = (n == 0 || (Nt % 2 == 0 && n == Nf - 1)) ? 0.5 : 1.0;
          const cdouble v =
              ok ? wgt * cdouble(G[n]) * std::polar(1.0, -two_pi * f * (Tc + t0) + pa) : cdouble(0);
          Pr[n] = static_cast<float>(v.real());
          Pi[n] = static_cast<float>(v.imag());
          if (ok && lo == Nf) lo = n;
        }
        double cur_v = -1, cur_dtau = -1;
        for (std::ptrdiff_t i = 0; i < ns; ++i) {
          const double dtau = step_dtau[static_cast<std::size_t>(i)];
          if (dtau <= 0) {
            tmp[static_cast<std::size_t>(i)] = 0;
            continue;
          }
          const double ve = 0.5 * step_v[static_cast<std::size_t>(i)];
          if (ve != cur_v || dtau != cur_dtau) {
            cur_v = ve;
            cur_dtau = dtau;
            lo = phase_operator(ve * k, dtau, df, o.max_dip_deg, lo, Nf, Er.data(), Ei.data());
          }
          tmp[static_cast<std::size_t>(i)] =
              continue_step(Pr.data(), Pi.data(), Er.data(), Ei.data(), lo, Nf);
        }
        std::copy(tmp.begin(), tmp.begin() + ns, G);
        std::fill(G + ns, G + Nf, cfloat(0));
      }
    }
  }
  // 4. Back across lines and traces.
  if (Ny > 1) batch_fft(Ny, Nf * Nx, Nf * Nx, spec.get(), +1);
  for (std::size_t l = 0; l < Ny; ++l) batch_fft(Nx, Nf, Nf, spec.get() + l * Nf * Nx, +1);
  // 5. Back to time (stolt) or take the real part (phase shift).
  const double scale =
      1.0 / (static_cast<double>(Nt) * static_cast<double>(Nx) * static_cast<double>(Ny));
  const std::ptrdiff_t nout = nx * ny;
#pragma omp parallel num_threads(nth)
  {
    auto re = fft::alloc_real(Nt + 2);
    auto sp = fft::alloc_complex(Nf);
#pragma omp for schedule(static)
    for (std::ptrdiff_t t = 0; t < nout; ++t) {
      const std::ptrdiff_t jx = t % nx, ly = t / nx;
      const cfloat* src =
          spec.get() + (static_cast<std::size_t>(jx) + static_cast<std::size_t>(ly) * Nx) * Nf;
      float* dst = out + t * ns;
      if (stolt) {
        std::copy(src, src + Nf, sp.get());
        fft::c2r(Nt, sp.get(), re.get());
        for (std::ptrdiff_t i = 0; i < ns; ++i)
          dst[i] = static_cast<float>(re[static_cast<std::size_t>(i)] * scale);
      } else {
        for (std::ptrdiff_t i = 0; i < ns; ++i)
          dst[i] = static_cast<float>(2.0 * src[i].real() * scale);
      }
    }
  }
}

}  // namespace gprkit::migrate_detail
