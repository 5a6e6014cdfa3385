// Velocity analysis: focus search over Stolt images, and a semblance hyperbola fit.
#include <algorithm>
#include <cmath>
#include <string>

#include "detail.h"
#include "gprkit/core/fft.h"
#include "gprkit/core/validate.h"
#include "gprkit/migrate/migrate.h"

namespace gprkit {
using namespace migrate_detail;

namespace {

constexpr double kGolden = 0.6180339887498949;

// Golden-section maximization of f on [lo, hi].
template <class F>
double golden_max(F&& f, double lo, double hi, int iters) {
  double a = hi - kGolden * (hi - lo), b = lo + kGolden * (hi - lo);
  double fa = f(a), fb = f(b);
  for (int it = 0; it < iters; ++it) {
    if (fa < fb) {
      lo = a;
      a = b;
      fa = fb;
      b = lo + kGolden * (hi - lo);
      fb = f(b);
    } else {
      hi = b;
      b = a;
      fb = fa;
      a = hi - kGolden * (hi - lo);
      fa = f(a);
    }
  }
  return fa > fb ? a : b;
}

void check_velocity_range(const char* w, double lo, double hi) {
  check::positive(w, "min_velocity_m_per_ns", lo);
  check::positive(w, "max_velocity_m_per_ns", hi);
  if (!(hi > lo)) check::fail(w, "max_velocity_m_per_ns", hi, "> min_velocity_m_per_ns");
}

// A section as its analytic signal re + i im (both ns x nx, column-major), with the time axis
// and trace positions the fits use.
struct Analytic {
  std::vector<float> re, im;
  std::ptrdiff_t ns = 0, nx = 0;
  double dt_ns = 0, t0_ns = 0;
  std::vector<double> x;
  float r(std::ptrdiff_t i, std::ptrdiff_t j) const {
    return re[static_cast<std::size_t>(i + j * ns)];
  }
  float q(std::ptrdiff_t i, std::ptrdiff_t j) const {
    return im[static_cast<std::size_t>(i + j * ns)];
  }
};

// Analytic signal of each trace by FFT (zero-padded to twice the length against
// wrap-around). With a known centre frequency fc both parts are also low-passed (cosine taper
// from 2 fc to 3 fc, where a Ricker's spectrum is down to 1 % and 0.02 % of its peak): white
// noise over the whole band would otherwise jitter the envelope picks.
Analytic analytic_signal(const Bscan& in, std::vector<double> x, double fc) {
  Analytic s;
  s.ns = in.n_samples();
  s.nx = in.n_traces();
  s.dt_ns = in.header().dt_ns;
  s.t0_ns = in.header().t0_ns;
  s.x = std::move(x);
  const auto n = static_cast<std::size_t>(s.ns * s.nx);
  s.re.resize(n);
  s.im.resize(n);
  const std::size_t len = fft::fast_size(2 * static_cast<std::size_t>(s.ns));
  const std::size_t nf = len / 2 + 1;
  auto r = fft::alloc_real(len);
  auto spec = fft::alloc_complex(nf);
  auto keep = fft::alloc_complex(nf);
  const float scale = 1.0f / static_cast<float>(len);
  std::vector<float> taper(nf, 1.0f);
  if (fc > 0)
    for (std::size_t k = 0; k < nf; ++k) {
      const double f_mhz = 1e3 * static_cast<double>(k) / (static_cast<double>(len) * s.dt_ns);
      const double u = (f_mhz - 2 * fc) / fc;  // 0 at 2 fc, 1 at 3 fc
      taper[k] = u <= 0   ? 1.0f
                 : u >= 1 ? 0.0f
                          : static_cast<float>(0.5 * (1 + std::cos(3.141592653589793 * u)));
    }
  for (std::ptrdiff_t j = 0; j < s.nx; ++j) {
    for (std::ptrdiff_t i = 0; i < s.ns; ++i) {
      r[static_cast<std::size_t>(i)] = in(i, j);
      s.re[static_cast<std::size_t>(i + j * s.ns)] = in(i, j);
    }
    for (auto i = static_cast<std::size_t>(s.ns); i < len; ++i) r[i] = 0.0f;
    fft::r2c(len, r.get(), spec.get());
    fft::cfloat* X = spec.get();
    for (std::size_t k = 0; k < nf; ++k) X[k] *= scale * taper[k];
    std::copy(X, X + nf, keep.get());
    fft::c2r(len, keep.get(), r.get());
    for (std::ptrdiff_t i = 0; i < s.ns; ++i)
      s.re[static_cast<std::size_t>(i + j * s.ns)] = r[static_cast<std::size_t>(i)];
    X[0] = 0.0f;
    for (std::size_t k = 1; k < nf; ++k) X[k] = fft::cfloat(X[k].imag(), -X[k].real());
    if (len % 2 == 0) X[nf - 1] = 0.0f;
    fft::c2r(len, X, r.get());
    for (std::ptrdiff_t i = 0; i < s.ns; ++i)
      s.im[static_cast<std::size_t>(i + j * s.ns)] = r[static_cast<std::size_t>(i)];
  }
  return s;
}

// Peak frequency (MHz) of the section's mean power spectrum (up to 64 traces spread over
// it): the centre frequency when the header has none.
double peak_frequency_mhz(const Bscan& in) {
  const std::ptrdiff_t ns = in.n_samples(), nx = in.n_traces();
  const std::size_t len = fft::fast_size(static_cast<std::size_t>(ns));
  const std::size_t nf = len / 2 + 1;
  auto r = fft::alloc_real(len);
  auto spec = fft::alloc_complex(nf);
  std::vector<double> power(nf, 0.0);
  const std::ptrdiff_t step = std::max<std::ptrdiff_t>(1, nx / 64);
  for (std::ptrdiff_t j = 0; j < nx; j += step) {
    for (std::ptrdiff_t i = 0; i < ns; ++i) r[static_cast<std::size_t>(i)] = in(i, j);
    for (auto i = static_cast<std::size_t>(ns); i < len; ++i) r[i] = 0.0f;
    fft::r2c(len, r.get(), spec.get());
    for (std::size_t k = 0; k < nf; ++k) power[k] += std::norm(spec[k]);
  }
  std::size_t kb = 1;
  for (std::size_t k = 2; k + 1 < nf; ++k)
    if (power[k - 1] + power[k] + power[k + 1] > power[kb - 1] + power[kb] + power[kb + 1]) kb = k;
  return 1e3 * static_cast<double>(std::max<std::size_t>(kb, 1)) /
         (static_cast<double>(len) * in.header().dt_ns);
}

// Solves the n x n system A x = b (column-major, n <= 4) by Gaussian elimination with
// partial pivoting; false when singular.
bool solve_small(int n, double* A, double* b) {
  for (int c = 0; c < n; ++c) {
    int p = c;
    for (int r = c + 1; r < n; ++r)
      if (std::abs(A[r + c * n]) > std::abs(A[p + c * n])) p = r;
    if (!(std::abs(A[p + c * n]) > 0)) return false;
    if (p != c) {
      for (int k = 0; k < n; ++k) std::swap(A[c + k * n], A[p + k * n]);
      std::swap(b[c], b[p]);
    }
    for (int r = c + 1; r < n; ++r) {
      const double f = A[r + c * n] / A[c + c * n];
      for (int k = c; k < n; ++k) A[r + k * n] -= f * A[c + k * n];
      b[r] -= f * b[c];
    }
  }
  for (int c = n - 1; c >= 0; --c) {
    for (int k = c + 1; k < n; ++k) b[c] -= A[c + k * n] * b[k];
    b[c] /= A[c + c * n];
  }
  return true;
}

// Time-zero from the median trace (internal; a public surface tracker may replace it). The
// direct wave arrives at t_d = a / c and the air-ground reflection at t_g = 2 sqrt(h^2 +
// a^2/4) / c after time-zero. The wavelet is taken from the strongest apex (analytic signal
// of `s` about sample ia of trace ja, +-L samples, centred on its envelope peak), so the
// wavelet's own delay (e.g. an FDTD source's onset, or a 2-D line source's phase) cancels
// between the two events. The median trace (which holds no diffraction: each occupies few
// traces at any time) up to the apex's envelope peak is fitted by
// Re[A_d p(t - t_d - delta) + A_g p(t - t_g - delta)] with complex A_d, A_g (any phase
// rotation of the template) for each delta on a grid of dt / 4; the best fit is accepted when
// it explains >= 1/2 of the median trace's energy there and its amplitude is >= 0.2 of the
// apex's. Returns whether it was; `delta` (ns) is then the header time of time-zero.
bool time_zero_from_median_trace(const std::vector<double>& median, const Analytic& s,
                                 std::ptrdiff_t ja, std::ptrdiff_t ia, std::ptrdiff_t L, double a,
                                 double h, double& delta) {
  const std::ptrdiff_t ns = s.ns;
  // The apex's wavelet: envelope peak within +-L/2, then +-L samples about it (3 traces).
  std::ptrdiff_t ic = ia;
  double best = -1;
  for (std::ptrdiff_t i = std::max<std::ptrdiff_t>(0, ia - L / 2);
       i <= std::min(ns - 1, ia + L / 2); ++i) {
    const double e =
        static_cast<double>(s.r(i, ja)) * s.r(i, ja) + static_cast<double>(s.q(i, ja)) * s.q(i, ja);
    if (e > best) {
      best = e;
      ic = i;
    }
  }
  if (ic - L < 0 || ic + L >= ns) return false;
  const std::ptrdiff_t nt = 2 * L + 1;
  std::vector<double> pr(static_cast<std::size_t>(nt), 0.0), pq(pr);
  for (std::ptrdiff_t j = std::max<std::ptrdiff_t>(0, ja - 1); j <= std::min(s.nx - 1, ja + 1); ++j)
    for (std::ptrdiff_t u = -L; u <= L; ++u) {
      pr[static_cast<std::size_t>(u + L)] += s.r(ic + u, j);
      pq[static_cast<std::size_t>(u + L)] += s.q(ic + u, j);
    }
  const double ntr =
      static_cast<double>(std::min(s.nx - 1, ja + 1) - std::max<std::ptrdiff_t>(0, ja - 1) + 1);
  double ptemplate = 0;
  for (std::ptrdiff_t u = 0; u < nt; ++u) {
    pr[static_cast<std::size_t>(u)] /= ntr;
    pq[static_cast<std::size_t>(u)] /= ntr;
    ptemplate += pr[static_cast<std::size_t>(u)] * pr[static_cast<std::size_t>(u)];
  }
  // The window [0, iend) of the median trace: up to the apex, so that a shallow apex whose
  // wavelet overlaps the direct wave still leaves the whole direct wave in the window.
  const std::ptrdiff_t iend = ic;
  if (iend < L || ptemplate <= 0) return false;
  double ew = 0;
  for (std::ptrdiff_t i = 0; i < iend; ++i)
    ew += median[static_cast<std::size_t>(i)] * median[static_cast<std::size_t>(i)];
  if (!(ew > 0)) return false;
  const double td = a / c_air, tg = 2.0 * std::hypot(h, 0.5 * a) / c_air;
  const bool two = (tg - td) > 0.25 * s.dt_ns;
  const int n = two ? 4 : 2;
  // Template value (real or quadrature part) at fractional lag u (samples from its centre).
  auto tp = [&](const std::vector<double>& p, double u) {
    const double k = u + static_cast<double>(L);
    if (!(k >= 0 && k < static_cast<double>(nt - 1))) return 0.0;
    const auto m = static_cast<std::ptrdiff_t>(k);
    const double f = k - static_cast<double>(m);
    return p[static_cast<std::size_t>(m)] +
           f * (p[static_cast<std::size_t>(m + 1)] - p[static_cast<std::size_t>(m)]);
  };
  double best_expl = -1, best_delta = 0, best_energy = 0;
  const double t_first = s.t0_ns, t_last = s.t0_ns + static_cast<double>(iend - 1) * s.dt_ns;
  const double step = 0.25 * s.dt_ns;
  const auto nsteps =
      static_cast<std::ptrdiff_t>(std::floor((t_last - tg - (t_first - td)) / step));
  for (std::ptrdiff_t k = 0; k <= nsteps; ++k) {
    const double d = t_first - td + static_cast<double>(k) * step;
    const double cd = (td + d - s.t0_ns) / s.dt_ns, cg = (tg + d - s.t0_ns) / s.dt_ns;
    double A[16] = {}, b[4] = {};
    const auto lo =
        static_cast<std::ptrdiff_t>(std::max(0.0, std::floor(cd) - static_cast<double>(L)));
    const auto hi =
        std::min(iend - 1, static_cast<std::ptrdiff_t>(std::ceil(cg) + static_cast<double>(L)));
    for (std::ptrdiff_t i = lo; i <= hi; ++i) {
      const double ui = static_cast<double>(i);
      double col[4] = {tp(pr, ui - cd), -tp(pq, ui - cd), 0, 0};
      if (two) {
        col[2] = tp(pr, ui - cg);
        col[3] = -tp(pq, ui - cg);
      }
      const double mi = median[static_cast<std::size_t>(i)];
      for (int r = 0; r < n; ++r) {
        b[r] += col[r] * mi;
        for (int c = 0; c < n; ++c) A[r + c * n] += col[r] * col[c];
      }
    }
    double diag = 0;
    for (int r = 0; r < n; ++r) diag += A[r + r * n];
    if (!(diag > 0)) continue;
    for (int r = 0; r < n; ++r) A[r + r * n] += 1e-6 * diag / n;
    double x[4] = {b[0], b[1], b[2], b[3]};
    double Ac[16];
    std::copy(A, A + 16, Ac);
    if (!solve_small(n, Ac, x)) continue;
    double expl = 0;
    for (int r = 0; r < n; ++r) expl += x[r] * b[r];
    if (expl > best_expl) {
      best_expl = expl;
      best_delta = d;
      best_energy = expl;
    }
  }
  if (best_expl < 0.5 * ew || best_energy < 0.04 * ptemplate) return false;
  delta = best_delta;
  return true;
}

// Two-way time (ns) of the echo of a target centred at (x0, zc) below a pair at midpoint xm
// (offset a, height h), less 2 r / v for a cylinder of radius r.
double echo_time_ns(double xm, double x0, double zc, double v, double a, double h, double r) {
  double p1 = 0, p2 = 0;
  return one_way_refracted_ns(xm - 0.5 * a - x0, h, zc, v, p1) +
         one_way_refracted_ns(xm + 0.5 * a - x0, h, zc, v, p2) - 2.0 * r / v;
}

// Travel-time refinement. Semblance over a one-period window is nearly blind to the
// few-picosecond differences that separate velocities under an air gap (the far flanks
// travel in air, so only the apex's curvature and time carry the soil velocity), so the
// hyperbola is followed trace by trace from the apex as the ridge of the envelope (sub-sample
// peak, amplitude >= sqrt(0.05) of the apex's), and the exact refracted times are fitted to
// those picks by weighted least squares (weights: envelope amplitude) over velocity, centre
// depth and position, time-zero fixed. Sets `best` (velocity, x_m, apex_time_ns) and returns
// true when >= 5 picks span both sides.
bool refine_by_picks(const Analytic& sec, double a, double h, double rad, std::ptrdiff_t trace,
                     std::ptrdiff_t sample, const HyperbolaFitOptions& o, HyperbolaFit& best) {
  const std::ptrdiff_t ns = sec.ns, nx = sec.nx;
  auto env2 = [&](std::ptrdiff_t i, std::ptrdiff_t j) {
    return static_cast<double>(sec.r(i, j)) * sec.r(i, j) +
           static_cast<double>(sec.q(i, j)) * sec.q(i, j);
  };
  auto peak_in = [&](std::ptrdiff_t j, std::ptrdiff_t lo, std::ptrdiff_t hi, double& tpk) {
    lo = std::max<std::ptrdiff_t>(1, lo);
    hi = std::min(ns - 2, hi);
    if (hi < lo) return -1.0;
    std::ptrdiff_t ib = lo;
    for (std::ptrdiff_t i = lo + 1; i <= hi; ++i)
      if (env2(i, j) > env2(ib, j)) ib = i;
    const double y0 = std::sqrt(env2(ib - 1, j)), y1 = std::sqrt(env2(ib, j)),
                 y2 = std::sqrt(env2(ib + 1, j));
    const double den = y0 - 2 * y1 + y2;
    const double frac = den < 0 ? std::clamp(0.5 * (y0 - y2) / den, -0.5, 0.5) : 0.0;
    tpk = sec.t0_ns + (static_cast<double>(ib) + frac) * sec.dt_ns;
    return ib == lo || ib == hi ? -1.0 : y1;  // a peak on the search edge is no ridge
  };
  // Apex: the envelope peak of the picked trace near the picked sample.
  const std::ptrdiff_t s0 = std::max<std::ptrdiff_t>(3, o.search_samples + 2);
  double tap = 0;
  const double aap = peak_in(trace, sample - s0, sample + s0, tap);
  if (!(aap > 0)) return false;
  std::vector<double> px, pt, pw;
  px.push_back(sec.x[static_cast<std::size_t>(trace)]);
  pt.push_back(tap);
  pw.push_back(aap);
  // Stop where the flank falls below sqrt(0.05) of the apex amplitude, or below 4 x the
  // section's median envelope (the noise floor: picks near it are random).
  double floor_env = 0;
  {
    std::vector<double> env;
    env.reserve(static_cast<std::size_t>(ns * nx / 7 + 1));
    for (std::size_t k = 0; k < sec.re.size(); k += 7)
      env.push_back(std::hypot(static_cast<double>(sec.re[k]), static_cast<double>(sec.im[k])));
    const auto mid = env.begin() + static_cast<std::ptrdiff_t>(env.size() / 2);
    std::nth_element(env.begin(), mid, env.end());
    floor_env = 4.0 * *mid;
  }
  const double amin = std::max(std::sqrt(0.05) * aap, floor_env);
  int sides = 0;
  for (int dir = -1; dir <= 1; dir += 2) {
    double tprev = tap;
    std::ptrdiff_t n_side = 0;
    for (std::ptrdiff_t k = 1; k <= o.half_width_traces; ++k) {
      const std::ptrdiff_t j = trace + dir * k;
      if (j < 0 || j >= nx) break;
      const double dxm =
          std::abs(sec.x[static_cast<std::size_t>(j)] - sec.x[static_cast<std::size_t>(j - dir)]);
      // Away from the apex the echo comes later, by at most 2 dx p per trace, p the ray
      // parameter: below 1 / c with an air gap (Snell), 1 / v_min on the ground.
      const double pmax = h > 0 ? 1.0 / c_air : 1.0 / o.min_velocity_m_per_ns;
      const double ip = (tprev - sec.t0_ns) / sec.dt_ns;
      const auto lo = static_cast<std::ptrdiff_t>(std::floor(ip)) - 2;
      const auto hi = static_cast<std::ptrdiff_t>(std::ceil(ip + 2.0 * dxm * pmax / sec.dt_ns)) + 2;
      double tk = 0;
      const double ak = peak_in(j, lo, std::min(hi, lo + 4 * ns), tk);
      if (!(ak >= amin)) break;
      px.push_back(sec.x[static_cast<std::size_t>(j)]);
      pt.push_back(tk);
      pw.push_back(ak);
      tprev = tk;
      ++n_side;
    }
    if (n_side >= 2) ++sides;
  }
  if (px.size() < 5 || sides < 2) return false;
  const std::size_t np = px.size();
  const double vlo = o.min_velocity_m_per_ns, vhi = o.max_velocity_m_per_ns;
  // Parameters: v, centre depth, x0. Starting points: a velocity grid with the depth that
  // puts the apex at the picked apex time.
  auto cost = [&](const double* p, double* res) {
    double c = 0;
    for (std::size_t k = 0; k < np; ++k) {
      const double rk = pw[k] / aap * (echo_time_ns(px[k], p[2], p[1], p[0], a, h, rad) - pt[k]);
      if (res) res[k] = rk;
      c += rk * rk;
    }
    return c;
  };
  double p[3] = {best.velocity_m_per_ns, 0, px[0]};
  double cbest = 1e300;
  for (int k = 0; k < 24; ++k) {
    const double v = vlo + (vhi - vlo) * k / 23.0;
    const double zc = apex_depth_m(a, h, tap + 2.0 * rad / v, v);
    if (!(zc > rad)) continue;
    const double q[3] = {v, zc, px[0]};
    const double c = cost(q, nullptr);
    if (c < cbest) {
      cbest = c;
      std::copy(q, q + 3, p);
    }
  }
  if (!(cbest < 1e300)) return false;
  // Levenberg-Marquardt with forward-difference Jacobians; then once more without the picks
  // further than 3 robust sigmas (1.4826 x median |residual|) from the curve (a flank pick
  // that jumped onto a noise peak).
  std::vector<double> r0(np), r1(np), J(np * 3);
  for (int round = 0; round < 2; ++round) {
    if (round == 1) {
      std::vector<double> e(np);
      for (std::size_t k = 0; k < np; ++k)
        e[k] = std::abs(echo_time_ns(px[k], p[2], p[1], p[0], a, h, rad) - pt[k]);
      std::vector<double> es = e;
      std::nth_element(es.begin(), es.begin() + static_cast<std::ptrdiff_t>(np / 2), es.end());
      const double sigma = std::max(1.4826 * es[np / 2], 0.05 * sec.dt_ns);
      std::size_t kept = 0, dropped = 0;
      for (std::size_t k = 0; k < np; ++k)
        if (e[k] > 3 * sigma && pw[k] > 0)
          ++dropped;
        else if (pw[k] > 0)
          ++kept;
      if (dropped == 0 || kept < 5) break;
      for (std::size_t k = 0; k < np; ++k)
        if (e[k] > 3 * sigma) pw[k] = 0;
    }
    double lambda = 1e-3;
    double c0 = cost(p, r0.data());
    const double steps[3] = {1e-6, 1e-6, 1e-6};
    for (int it = 0; it < 60; ++it) {
      for (int q = 0; q < 3; ++q) {
        double pp[3] = {p[0], p[1], p[2]};
        pp[q] += steps[q];
        cost(pp, r1.data());
        for (std::size_t k = 0; k < np; ++k) J[k + np * q] = (r1[k] - r0[k]) / steps[q];
      }
      double JtJ[9] = {}, Jtr[3] = {};
      for (int q = 0; q < 3; ++q) {
        for (std::size_t k = 0; k < np; ++k) Jtr[q] -= J[k + np * q] * r0[k];
        for (int u = 0; u < 3; ++u)
          for (std::size_t k = 0; k < np; ++k) JtJ[q + 3 * u] += J[k + np * q] * J[k + np * u];
      }
      bool improved = false;
      for (int tries = 0; tries < 10 && !improved; ++tries) {
        double A[9], d[3] = {Jtr[0], Jtr[1], Jtr[2]};
        std::copy(JtJ, JtJ + 9, A);
        for (int q = 0; q < 3; ++q) A[q + 3 * q] += lambda * (JtJ[q + 3 * q] + 1e-12);
        if (!solve_small(3, A, d)) break;
        double pn[3] = {std::clamp(p[0] + d[0], vlo, vhi), std::max(p[1] + d[1], rad + 1e-4),
                        p[2] + d[2]};
        const double cn = cost(pn, r1.data());
        if (cn < c0) {
          std::copy(pn, pn + 3, p);
          std::swap(r0, r1);
          improved = std::abs(c0 - cn) > 1e-14 * (1 + c0);
          c0 = cn;
          lambda = std::max(lambda * 0.3, 1e-9);
          if (!improved) break;
          improved = true;
        } else {
          lambda *= 10;
        }
      }
      if (!improved) break;
    }
  }
  best.velocity_m_per_ns = p[0];
  best.x_m = p[2];
  // The apex time of the fitted curve at its own apex position.
  best.apex_time_ns = echo_time_ns(p[2], p[2], p[1], p[0], a, h, rad);
  return true;
}

// Semblance fit of one apex on an analytic section (see fit_hyperbola).
HyperbolaFit fit_analytic(const char* w, const Analytic& sec, double a, double h,
                          std::ptrdiff_t trace, std::ptrdiff_t sample, std::ptrdiff_t hw,
                          const HyperbolaFitOptions& o) {
  const std::ptrdiff_t ns = sec.ns, nx = sec.nx;
  const std::vector<double>& x = sec.x;
  const double rad = o.target_radius_m;
  auto semblance = [&](double ta, std::ptrdiff_t jc, double v, double* peak_shift = nullptr) {
    // Centre depth of the target: its echo is the centre's less 2 r / v.
    const double z = apex_depth_m(a, h, ta + 2.0 * rad / v, v);
    if (!(z > rad)) return 0.0;
    const double x0 = x[static_cast<std::size_t>(jc)];
    const std::ptrdiff_t j0 = std::max<std::ptrdiff_t>(0, jc - o.half_width_traces);
    const std::ptrdiff_t j1 = std::min(nx, jc + o.half_width_traces + 1);
    std::vector<double> sr(static_cast<std::size_t>(2 * hw + 1), 0.0), sq(sr);
    double energy = 0;
    std::ptrdiff_t count = 0;
    for (std::ptrdiff_t j = j0; j < j1; ++j) {
      double p1 = 0, p2 = 0;
      const double t =
          one_way_refracted_ns(x[static_cast<std::size_t>(j)] - 0.5 * a - x0, h, z, v, p1) +
          one_way_refracted_ns(x[static_cast<std::size_t>(j)] + 0.5 * a - x0, h, z, v, p2) -
          2.0 * rad / v;
      const double s = (t - sec.t0_ns) / sec.dt_ns;
      // Negated so a NaN time is skipped too (it must never reach the cast below).
      if (!(s - static_cast<double>(hw) >= 0 &&
            s + static_cast<double>(hw) < static_cast<double>(ns - 1)))
        continue;
      ++count;
      for (std::ptrdiff_t q = -hw; q <= hw; ++q) {
        const double sv = s + static_cast<double>(q);
        const auto m = static_cast<std::ptrdiff_t>(sv);
        const double f = sv - static_cast<double>(m);
        const double dr = sec.r(m, j) + f * (sec.r(m + 1, j) - sec.r(m, j));
        const double dq = sec.q(m, j) + f * (sec.q(m + 1, j) - sec.q(m, j));
        sr[static_cast<std::size_t>(q + hw)] += dr;
        sq[static_cast<std::size_t>(q + hw)] += dq;
        energy += dr * dr + dq * dq;
      }
    }
    if (count < 3 || energy <= 0) return 0.0;
    double num = 0;
    for (std::size_t k = 0; k < sr.size(); ++k) num += sr[k] * sr[k] + sq[k] * sq[k];
    if (peak_shift) {  // sub-sample position of the stack's envelope peak
      auto env = [&](std::size_t k) { return std::hypot(sr[k], sq[k]); };
      std::size_t q = 0;
      for (std::size_t k = 1; k < sr.size(); ++k)
        if (env(k) > env(q)) q = k;
      double frac = 0;
      if (q > 0 && q + 1 < sr.size()) {
        const double y0 = env(q - 1), y1 = env(q), y2 = env(q + 1);
        const double den = y0 - 2 * y1 + y2;
        if (den < 0) frac = 0.5 * (y0 - y2) / den;
      }
      *peak_shift = (static_cast<double>(q) - static_cast<double>(hw) + frac) * sec.dt_ns;
    }
    return num / (static_cast<double>(count) * energy);
  };

  // The quality of a fit: semblance along its curve, from the trace nearest its apex.
  auto finish = [&](HyperbolaFit& f) {
    std::ptrdiff_t jq = 0;
    for (std::ptrdiff_t j = 1; j < nx; ++j)
      if (std::abs(x[static_cast<std::size_t>(j)] - f.x_m) <
          std::abs(x[static_cast<std::size_t>(jq)] - f.x_m))
        jq = j;
    f.quality = semblance(f.apex_time_ns, jq, f.velocity_m_per_ns);
    const double v = f.velocity_m_per_ns;
    f.apex_depth_m = apex_depth_m(a, h, f.apex_time_ns + 2.0 * rad / v, v) - rad;
  };
  HyperbolaFit best{0, 0, 0, 0, -1};
  // Travel times picked along the ridge first; the semblance search when that fails.
  if (refine_by_picks(sec, a, h, rad, trace, sample, o, best)) {
    finish(best);
    if (best.quality > 0) return best;
    best = {0, 0, 0, 0, -1};
  }
  const int nv = 41;
  std::ptrdiff_t best_j = trace;
  for (std::ptrdiff_t jc = std::max<std::ptrdiff_t>(0, trace - o.search_traces);
       jc <= std::min(nx - 1, trace + o.search_traces); ++jc)
    for (std::ptrdiff_t ds = -o.search_samples; ds <= o.search_samples; ++ds) {
      const std::ptrdiff_t i = sample + ds;
      if (i < 0 || i >= ns) continue;
      const double ta = sec.t0_ns + static_cast<double>(i) * sec.dt_ns;
      for (int k = 0; k < nv; ++k) {
        const double v = o.min_velocity_m_per_ns +
                         (o.max_velocity_m_per_ns - o.min_velocity_m_per_ns) * k / (nv - 1);
        const double s = semblance(ta, jc, v);
        if (s > best.quality) {
          best = {v, 0, ta, x[static_cast<std::size_t>(jc)], s};
          best_j = jc;
        }
      }
    }
  if (best.quality <= 0)
    check::fail(w, "sample", static_cast<double>(sample),
                "an apex with a hyperbola below it inside the section (no trace fits)");
  const double dv = (o.max_velocity_m_per_ns - o.min_velocity_m_per_ns) / (nv - 1);
  // Semblance barely depends on a constant time shift of the curve, so the apex time is
  // set by the envelope peak of the stack along the curve, then the velocity refit; three
  // passes.
  for (int pass = 0; pass < 3; ++pass) {
    double shift = 0;
    semblance(best.apex_time_ns, best_j, best.velocity_m_per_ns, &shift);
    best.apex_time_ns +=
        std::clamp(shift, -2.0 * sec.dt_ns * static_cast<double>(o.search_samples + 1),
                   2.0 * sec.dt_ns * static_cast<double>(o.search_samples + 1));
    best.velocity_m_per_ns =
        golden_max([&](double v) { return semblance(best.apex_time_ns, best_j, v); },
                   std::max(o.min_velocity_m_per_ns, best.velocity_m_per_ns - 2 * dv),
                   std::min(o.max_velocity_m_per_ns, best.velocity_m_per_ns + 2 * dv), 18);
  }
  best.quality = semblance(best.apex_time_ns, best_j, best.velocity_m_per_ns);
  const double v = best.velocity_m_per_ns;
  best.apex_depth_m = apex_depth_m(a, h, best.apex_time_ns + 2.0 * rad / v, v) - rad;
  return best;
}

std::ptrdiff_t half_window(const char* w, const Header& hd, double window_ns) {
  const double win = window_ns > 0                 ? window_ns
                     : hd.centre_frequency_mhz > 0 ? 1e3 / hd.centre_frequency_mhz
                                                   : 10 * hd.dt_ns;
  return std::max<std::ptrdiff_t>(
      1, check::count(w, "window_ns", win, 2 * hd.dt_ns, "samples per half window"));
}

}  // namespace

VelocityEstimate estimate_velocity(const Bscan& in, const VelocityOptions& o) {
  constexpr const char* w = "estimate_velocity";
  check::finite_data(w, "input", in.view());
  check_velocity_range(w, o.min_velocity_m_per_ns, o.max_velocity_m_per_ns);
  if (o.n_velocities < 3 || o.n_velocities > 10000)
    check::fail(w, "n_velocities", o.n_velocities, "3..10000");
  if (o.first_trace < 0 || o.first_trace >= in.n_traces())
    check::fail(w, "first_trace", static_cast<double>(o.first_trace),
                "0.." + std::to_string(in.n_traces() - 1));
  const std::ptrdiff_t nt = o.n_traces < 0 ? in.n_traces() - o.first_trace : o.n_traces;
  if (nt < 2 || o.first_trace + nt > in.n_traces())
    check::fail(w, "n_traces", static_cast<double>(o.n_traces),
                "-1 or 2.." + std::to_string(in.n_traces() - o.first_trace));
  if (std::isnan(o.t_min_ns) || std::isnan(o.t_max_ns) || !(o.t_max_ns > o.t_min_ns))
    check::fail(w, "t_max_ns", o.t_max_ns, "> t_min_ns");
  check::finite(w, "antenna_offset_m", o.antenna_offset_m);
  check::finite(w, "antenna_height_m", o.antenna_height_m);

  check::finite(w, "target_radius_m", o.target_radius_m);
  check::non_negative(w, "target_radius_m", o.target_radius_m);

  Header hd = in.header();
  check::positive(w, "header.dt_ns", hd.dt_ns);
  Bscan part(in.view().traces(o.first_trace, nt), hd);
  if (!hd.x_m.empty())
    part.header().x_m.assign(hd.x_m.begin() + o.first_trace, hd.x_m.begin() + o.first_trace + nt);
  const std::ptrdiff_t ns = in.n_samples();
  std::ptrdiff_t i0 = 0, i1 = ns;
  while (i0 < ns && hd.time_ns(static_cast<double>(i0)) < o.t_min_ns) ++i0;
  while (i1 > i0 && hd.time_ns(static_cast<double>(i1 - 1)) > o.t_max_ns) --i1;
  if (i1 <= i0) check::fail(w, "t_min_ns", o.t_min_ns, "a time window that contains samples");

  const double height = o.antenna_height_m >= 0 ? o.antenna_height_m : hd.antenna_height_m;
  const double offset = o.antenna_offset_m >= 0 ? o.antenna_offset_m : hd.antenna_separation_m;
  check::non_negative(w, "antenna offset (m)", offset);
  check::non_negative(w, "antenna height (m)", height);
  VelocityMethod method = o.method;
  if (method == VelocityMethod::automatic)
    method = height > 0 ? VelocityMethod::semblance : VelocityMethod::focus;
  if (method == VelocityMethod::semblance && (o.max_apexes < 1 || o.max_apexes > 100))
    check::fail(w, "max_apexes", o.max_apexes, "1..100");

  // The median trace of the window (direct wave, flat ground bounce), removed when asked. The
  // median, not the mean: a mean holds 1/n of every diffraction, and removing it leaves a
  // flat ghost of each apex that pulls the weak far-flank picks early (+10 % in v on
  // dev_point).
  std::vector<double> median(static_cast<std::size_t>(ns), 0.0);
  {
    std::vector<float> row(static_cast<std::size_t>(nt));
    for (std::ptrdiff_t i = 0; i < ns; ++i) {
      for (std::ptrdiff_t j = 0; j < nt; ++j) row[static_cast<std::size_t>(j)] = part(i, j);
      const auto mid = row.begin() + nt / 2;
      std::nth_element(row.begin(), mid, row.end());
      double med = *mid;
      if (nt % 2 == 0) med = 0.5 * (med + *std::max_element(row.begin(), mid));
      median[static_cast<std::size_t>(i)] = med;
    }
  }
  if (o.remove_median_trace)
    for (std::ptrdiff_t j = 0; j < nt; ++j)
      for (std::ptrdiff_t i = 0; i < ns; ++i)
        part(i, j) = static_cast<float>(part(i, j) - median[static_cast<std::size_t>(i)]);
  // Without a centre frequency in the header, the data's peak frequency sets the windows.
  if (!(part.header().centre_frequency_mhz > 0))
    part.header().centre_frequency_mhz = peak_frequency_mhz(part);
  const double fc = part.header().centre_frequency_mhz;
  Analytic sec = analytic_signal(part, trace_positions(w, part.header(), nt), fc);

  // Envelope energy over one period and 3 traces; apexes are its strongest points.
  const double period = fc > 0 ? 1e3 / fc : 10 * hd.dt_ns;
  const std::ptrdiff_t hw = std::max<std::ptrdiff_t>(
      1, check::count(w, "period_ns", period, 2 * hd.dt_ns, "samples per half window"));
  std::vector<double> e(static_cast<std::size_t>(ns * nt), 0.0);
  {
    std::vector<double> col(static_cast<std::size_t>(ns));
    for (std::ptrdiff_t j = 0; j < nt; ++j) {
      std::fill(col.begin(), col.end(), 0.0);
      for (std::ptrdiff_t jj = std::max<std::ptrdiff_t>(0, j - 1); jj <= std::min(nt - 1, j + 1);
           ++jj)
        for (std::ptrdiff_t i = 0; i < ns; ++i)
          col[static_cast<std::size_t>(i)] += static_cast<double>(sec.r(i, jj)) * sec.r(i, jj) +
                                              static_cast<double>(sec.q(i, jj)) * sec.q(i, jj);
      double run = 0;  // running sum over +-hw samples
      for (std::ptrdiff_t i = 0; i < std::min(ns, hw); ++i) run += col[static_cast<std::size_t>(i)];
      for (std::ptrdiff_t i = 0; i < ns; ++i) {
        if (i + hw < ns) run += col[static_cast<std::size_t>(i + hw)];
        if (i - hw - 1 >= 0) run -= col[static_cast<std::size_t>(i - hw - 1)];
        if (i >= i0 && i < i1) e[static_cast<std::size_t>(i + j * ns)] = std::max(run, 0.0);
      }
    }
  }
  VelocityEstimate r;
  // Time-zero from the direct wave / ground reflection, with the strongest apex's wavelet.
  if (o.calibrate_time_zero) {
    const auto it = std::max_element(e.begin(), e.end());
    if (*it > 0) {
      const auto idx = static_cast<std::ptrdiff_t>(it - e.begin());
      double delta = 0;
      if (time_zero_from_median_trace(median, sec, idx / ns, idx % ns, 2 * hw, offset, height,
                                      delta)) {
        r.time_zero_shift_ns = delta;
        r.time_zero_calibrated = true;
        sec.t0_ns -= delta;
        part.header().t0_ns -= delta;
      }
    }
  }

  if (method == VelocityMethod::semblance) {
    HyperbolaFitOptions fo;
    fo.min_velocity_m_per_ns = o.min_velocity_m_per_ns;
    fo.max_velocity_m_per_ns = o.max_velocity_m_per_ns;
    fo.antenna_offset_m = o.antenna_offset_m;
    fo.antenna_height_m = o.antenna_height_m;
    fo.target_radius_m = o.target_radius_m;
    fo.search_samples = hw / 2;
    const std::ptrdiff_t fhw = half_window(w, part.header(), fo.window_ns);
    r.method = VelocityMethod::semblance;
    double emax0 = -1, wsum = 0, vsum = 0, qsum = 0;
    for (int k = 0; k < o.max_apexes; ++k) {
      const auto it = std::max_element(e.begin(), e.end());
      if (*it <= 0 || (emax0 > 0 && *it < 0.25 * emax0)) break;
      if (emax0 < 0) emax0 = *it;
      const auto idx = static_cast<std::ptrdiff_t>(it - e.begin());
      const std::ptrdiff_t ia = idx % ns, ja = idx / ns;
      const std::ptrdiff_t excl = fo.half_width_traces;
      for (std::ptrdiff_t j = std::max<std::ptrdiff_t>(0, ja - excl);
           j <= std::min(nt - 1, ja + excl); ++j)
        std::fill(e.begin() + j * ns, e.begin() + (j + 1) * ns, 0.0);
      HyperbolaFit f{};
      try {
        f = fit_analytic(w, sec, offset, height, ja, ia, fhw, fo);
      } catch (const InvalidArgument&) {
        continue;  // no hyperbola fits below this point (e.g. at the section's edge)
      }
      r.velocities_m_per_ns.push_back(f.velocity_m_per_ns);
      r.focus.push_back(f.quality);
    }
    // Fits much poorer than the best (a flank, clutter) are left out.
    const double qbest = r.focus.empty() ? 0.0 : *std::max_element(r.focus.begin(), r.focus.end());
    std::size_t used = 0;
    for (std::size_t k = 0; k < r.focus.size(); ++k)
      if (r.focus[k] >= 0.75 * qbest && r.focus[k] > 0) {
        wsum += r.focus[k];
        vsum += r.focus[k] * r.velocities_m_per_ns[k];
        qsum += r.focus[k];
        ++used;
      }
    if (wsum <= 0)
      check::fail(w, "input", "no diffraction hyperbola",
                  "a section with at least one apex in the window");
    r.velocity_m_per_ns = vsum / wsum;
    r.quality = qsum / static_cast<double>(used);
    return r;
  }
  // focus: Stolt images of the (median-removed, re-referenced) window.
  MigrateOptions mo;
  mo.method = MigrationMethod::stolt;
  mo.antenna_offset_m = o.antenna_offset_m;
  mo.antenna_height_m = o.antenna_height_m;
  Bscan img(ns, nt, hd);
  auto focus = [&](double v) {
    mo.velocity_m_per_ns = v;
    migrate(part.view(), part.header(), img.view(), mo);
    double s2 = 0, s4 = 0;
    for (std::ptrdiff_t j = 0; j < nt; ++j)
      for (std::ptrdiff_t i = i0; i < i1; ++i) {
        const double x = img(i, j);
        s2 += x * x;
        s4 += x * x * x * x;
      }
    return s2 > 0 ? s4 / (s2 * s2) * static_cast<double>(nt * (i1 - i0)) : 0.0;
  };
  r.method = VelocityMethod::focus;
  const int n = o.n_velocities;
  for (int k = 0; k < n; ++k) {
    const double v =
        o.min_velocity_m_per_ns + (o.max_velocity_m_per_ns - o.min_velocity_m_per_ns) * k / (n - 1);
    r.velocities_m_per_ns.push_back(v);
    r.focus.push_back(focus(v));
  }
  const auto best =
      static_cast<int>(std::max_element(r.focus.begin(), r.focus.end()) - r.focus.begin());
  const double lo = r.velocities_m_per_ns[static_cast<std::size_t>(std::max(0, best - 1))];
  const double hi = r.velocities_m_per_ns[static_cast<std::size_t>(std::min(n - 1, best + 1))];
  r.velocity_m_per_ns = golden_max(focus, lo, hi, 14);
  const double fbest =
      std::max(focus(r.velocity_m_per_ns), r.focus[static_cast<std::size_t>(best)]);
  std::vector<double> sorted = r.focus;
  std::nth_element(sorted.begin(), sorted.begin() + n / 2, sorted.end());
  r.quality =
      fbest > 0 ? std::clamp(1.0 - sorted[static_cast<std::size_t>(n / 2)] / fbest, 0.0, 1.0) : 0.0;
  return r;
}

HyperbolaFit fit_hyperbola(const Bscan& in, std::ptrdiff_t trace, std::ptrdiff_t sample,
                           const HyperbolaFitOptions& o) {
  constexpr const char* w = "fit_hyperbola";
  check::finite_data(w, "input", in.view());
  const Header& hd = in.header();
  check::positive(w, "header.dt_ns", hd.dt_ns);
  const std::ptrdiff_t ns = in.n_samples(), nx = in.n_traces();
  if (trace < 0 || trace >= nx)
    check::fail(w, "trace", static_cast<double>(trace), "0.." + std::to_string(nx - 1));
  if (sample < 0 || sample >= ns)
    check::fail(w, "sample", static_cast<double>(sample), "0.." + std::to_string(ns - 1));
  check_velocity_range(w, o.min_velocity_m_per_ns, o.max_velocity_m_per_ns);
  if (o.half_width_traces < 2)
    check::fail(w, "half_width_traces", static_cast<double>(o.half_width_traces), ">= 2");
  if (o.search_samples < 0)
    check::fail(w, "search_samples", static_cast<double>(o.search_samples), ">= 0");
  if (o.search_traces < 0)
    check::fail(w, "search_traces", static_cast<double>(o.search_traces), ">= 0");
  if (o.window_ns != -1) check::positive(w, "window_ns", o.window_ns);
  check::finite(w, "antenna_offset_m", o.antenna_offset_m);
  check::finite(w, "antenna_height_m", o.antenna_height_m);
  const double a = o.antenna_offset_m >= 0 ? o.antenna_offset_m : hd.antenna_separation_m;
  const double h = o.antenna_height_m >= 0 ? o.antenna_height_m : hd.antenna_height_m;
  check::non_negative(w, "antenna offset (m)", a);
  check::non_negative(w, "antenna height (m)", h);
  check::finite(w, "target_radius_m", o.target_radius_m);
  check::non_negative(w, "target_radius_m", o.target_radius_m);
  Header hf = hd;  // without a centre frequency, the data's peak frequency
  if (!(hf.centre_frequency_mhz > 0)) hf.centre_frequency_mhz = peak_frequency_mhz(in);
  const std::ptrdiff_t hw = half_window(w, hf, o.window_ns);
  const Analytic sec = analytic_signal(in, trace_positions(w, hd, nx), hf.centre_frequency_mhz);
  return fit_analytic(w, sec, a, h, trace, sample, hw, o);
}

}  // namespace gprkit
