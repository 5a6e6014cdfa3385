#include "gprkit/detect/cfar.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "cfar_kernel.h"
#include "common.h"
#include "gprkit/core/validate.h"

namespace gprkit {

using detect_detail::ContigIn;
using detect_detail::ContigOut;

namespace {

constexpr const char* kWhere = "cfar";

// Regularized incomplete beta I_x(a, b) by its continued fraction (modified Lentz).
double betacf(double a, double b, double x) {
  const double tiny = 1e-300;
  double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
  if (std::abs(d) < tiny) d = tiny;
  d = 1.0 / d;
  double h = d;
  for (int mth = 1; mth < 500; ++mth) {
    const double m = mth;
    double aa = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1.0 + aa * d;
    if (std::abs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1.0 + aa * d;
    if (std::abs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double del = d * c;
    h *= del;
    if (std::abs(del - 1.0) < 1e-15) break;
  }
  return h;
}

double inc_beta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double lbt =
      std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return std::exp(lbt) * betacf(a, b, x) / a;
  return 1.0 - std::exp(lbt) * betacf(b, a, 1 - x) / b;
}

// P(T > t) for Student's t with nu degrees of freedom (t >= 0).
double t_tail(double t, double nu) { return 0.5 * inc_beta(nu / 2, 0.5, nu / (nu + t * t)); }

// Upper quantile: t with P(T > t) = p (0 < p < 0.5); nu = inf gives the normal quantile.
double t_quantile(double p, double nu) {
  double lo = 0, hi = 1;
  auto tail = [&](double t) {
    return std::isinf(nu) ? 0.5 * std::erfc(t / std::sqrt(2.0)) : t_tail(t, nu);
  };
  while (tail(hi) > p && hi < 1e12) hi *= 2;
  for (int it = 0; it < 200 && hi - lo > 1e-12 * hi; ++it) {
    const double mid = 0.5 * (lo + hi);
    if (tail(mid) > p)
      lo = mid;
    else
      hi = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace

double cfar_ca_factor(double pfa, std::ptrdiff_t n) {
  check::in_range("cfar_ca_factor", "pfa", pfa, 1e-300, 0.5);
  if (n < 1) check::fail("cfar_ca_factor", "n", static_cast<double>(n), ">= 1");
  const double nn = static_cast<double>(n);
  return nn * std::expm1(-std::log(pfa) / nn);
}

double cfar_os_factor(double pfa, std::ptrdiff_t n, std::ptrdiff_t k) {
  check::in_range("cfar_os_factor", "pfa", pfa, 1e-300, 0.5);
  if (n < 1) check::fail("cfar_os_factor", "n", static_cast<double>(n), ">= 1");
  if (k < 1 || k > n) check::fail("cfar_os_factor", "k", static_cast<double>(k), "1..n");
  // log pfa(a) = sum_{i<k} log((N - i) / (N - i + a)) decreases in a: bisection.
  const double target = std::log(pfa);
  auto lp = [&](double a) {
    double s = 0;
    for (std::ptrdiff_t i = 0; i < k; ++i) {
      const double r = static_cast<double>(n - i);
      s += std::log(r / (r + a));
    }
    return s;
  };
  double lo = 0, hi = 1;
  while (lp(hi) > target && hi < 1e300) hi *= 2;
  for (int it = 0; it < 200 && hi - lo > 1e-13 * hi; ++it) {
    const double mid = 0.5 * (lo + hi);
    if (lp(mid) > target)
      lo = mid;
    else
      hi = mid;
  }
  return 0.5 * (lo + hi);
}

namespace detect_detail {

CfarKernel::CfarKernel(const CfarOptions& opts, std::ptrdiff_t m_) : o(opts), m(m_) {
  if (!(o.pfa > 0 && o.pfa < 0.5)) check::fail(kWhere, "pfa", o.pfa, "a value in (0, 0.5)");
  if (o.guard_traces < 0)
    check::fail(kWhere, "guard_traces", static_cast<double>(o.guard_traces), ">= 0");
  if (o.train_traces < 0)
    check::fail(kWhere, "train_traces", static_cast<double>(o.train_traces), ">= 0");
  if (o.guard_samples < 0)
    check::fail(kWhere, "guard_samples", static_cast<double>(o.guard_samples), ">= 0");
  if (o.train_samples < 0)
    check::fail(kWhere, "train_samples", static_cast<double>(o.train_samples), ">= 0");
  if (o.train_traces == 0 && o.train_samples == 0)
    check::fail(kWhere, "train_traces", 0.0, ">= 1 (or train_samples >= 1): no training cells");
  if (o.guard_traces + o.train_traces > (1 << 20) || o.guard_samples + o.train_samples > (1 << 20))
    check::fail(kWhere, "train_traces", static_cast<double>(o.train_traces),
                "a window of at most 2^20 cells each way");
  if (!(o.os_rank > 0 && o.os_rank <= 1))
    check::fail(kWhere, "os_rank", o.os_rank, "a value in (0, 1]");
  if (o.method != CfarMethod::ca && o.method != CfarMethod::os)
    check::fail(kWhere, "method", static_cast<double>(o.method), "ca or os");
  if (o.model != CfarModel::exponential && o.model != CfarModel::gaussian)
    check::fail(kWhere, "model", static_cast<double>(o.model), "exponential or gaussian");
  expo = o.model == CfarModel::exponential;
  gs = o.guard_samples;
  gt = o.guard_traces;
  ms = gs + o.train_samples;
  mt = gt + o.train_traces;
  nmax = (2 * ms + 1) * (2 * mt + 1) - (2 * gs + 1) * (2 * gt + 1);
  // Scale factor by the number of training cells N (edges clip the window).
  fac.assign(static_cast<std::size_t>(nmax + 1), std::numeric_limits<double>::infinity());
  const double zq = t_quantile(o.pfa, std::numeric_limits<double>::infinity());
  for (std::ptrdiff_t nn = 1; nn <= nmax; ++nn) {
    double& f = fac[static_cast<std::size_t>(nn)];
    if (o.method == CfarMethod::ca) {
      if (expo)
        f = cfar_ca_factor(o.pfa, nn);
      else if (nn >= 2)
        f = t_quantile(o.pfa, static_cast<double>(nn - 1)) *
            std::sqrt(1.0 + 1.0 / static_cast<double>(nn));
    } else {
      const auto k = std::max<std::ptrdiff_t>(
          1, static_cast<std::ptrdiff_t>(std::ceil(o.os_rank * static_cast<double>(nn) - 1e-9)));
      if (expo)
        f = cfar_os_factor(o.pfa, nn, std::min(k, nn));
      else if (nn >= 3)
        f = zq;
    }
  }
}

void CfarKernel::ca_add(const float* c, double sgn, bool outer, double* p1, double* p2, double* s,
                        double* q) const {
  p1[0] = p2[0] = 0;
  for (std::ptrdiff_t i = 0; i < m; ++i) {
    p1[i + 1] = p1[i] + c[i];
    p2[i + 1] = p2[i] + double(c[i]) * c[i];
  }
  const std::ptrdiff_t r = outer ? ms : gs;
  for (std::ptrdiff_t i = 0; i < m; ++i) {
    const std::ptrdiff_t a = std::max<std::ptrdiff_t>(0, i - r);
    const std::ptrdiff_t b = std::min(m - 1, i + r) + 1;
    s[i] += sgn * (p1[b] - p1[a]);
    q[i] += sgn * (p2[b] - p2[a]);
  }
}

void CfarKernel::ca_column(const double* so, const double* qo, const double* sg, const double* qg,
                           std::ptrdiff_t co, std::ptrdiff_t cg, float* t) const {
  const float inf = std::numeric_limits<float>::infinity();
  auto rows = [&](std::ptrdiff_t i, std::ptrdiff_t r) {
    return std::min(m - 1, i + r) - std::max<std::ptrdiff_t>(0, i - r) + 1;
  };
  for (std::ptrdiff_t i = 0; i < m; ++i) {
    const std::ptrdiff_t nn = rows(i, ms) * co - rows(i, gs) * cg;
    const double f =
        nn >= 1 ? fac[static_cast<std::size_t>(nn)] : std::numeric_limits<double>::infinity();
    if (!std::isfinite(f)) {
      t[i] = inf;
      continue;
    }
    const double inv = 1.0 / static_cast<double>(nn);
    const double mean = (so[i] - sg[i]) * inv;
    if (expo) {
      t[i] = static_cast<float>(f * std::max(0.0, mean));
    } else {
      const double q = (qo[i] - qg[i]) * inv;
      const double var =
          std::max(0.0, q - mean * mean) * static_cast<double>(nn) / static_cast<double>(nn - 1);
      t[i] = static_cast<float>(mean + f * std::sqrt(var));
    }
  }
}

void CfarKernel::os_column(const float* const* cols, float* buf, float* t) const {
  const float inf = std::numeric_limits<float>::infinity();
  for (std::ptrdiff_t i = 0; i < m; ++i) {
    std::size_t nn = 0;
    for (std::ptrdiff_t k = -mt; k <= mt; ++k) {
      const float* c = cols[k + mt];
      if (c == nullptr) continue;
      const bool gcol = k >= -gt && k <= gt;
      for (std::ptrdiff_t ii = std::max<std::ptrdiff_t>(0, i - ms); ii <= std::min(m - 1, i + ms);
           ++ii) {
        if (gcol && ii >= i - gs && ii <= i + gs) continue;
        buf[nn++] = c[ii];
      }
    }
    const double f = nn >= 1 ? fac[nn] : std::numeric_limits<double>::infinity();
    if (!std::isfinite(f)) {
      t[i] = inf;
      continue;
    }
    auto kth = [&](double frac) {
      auto k = static_cast<std::size_t>(std::ceil(frac * static_cast<double>(nn) - 1e-9));
      k = std::clamp<std::size_t>(k, 1, nn) - 1;
      std::nth_element(buf, buf + k, buf + nn);
      return static_cast<double>(buf[k]);
    };
    if (expo) {
      t[i] = static_cast<float>(f * kth(o.os_rank));
    } else {
      const double q84 = kth(0.841344746);
      const double q50 = kth(0.5);
      t[i] = static_cast<float>(q50 + f * (q84 - q50));
    }
  }
}

}  // namespace detect_detail

void cfar(ConstView score, MutView threshold, const CfarOptions& o) {
  check::finite_data(kWhere, "score", score);
  check::same_shape(kWhere, score, threshold);
  const detect_detail::CfarKernel k(o, score.n_samples);
  if (k.expo) {
    for (std::ptrdiff_t j = 0; j < score.n_traces; ++j)
      for (std::ptrdiff_t i = 0; i < score.n_samples; ++i)
        if (score(i, j) < 0)
          check::fail(kWhere, "score(" + std::to_string(i) + ", " + std::to_string(j) + ")",
                      score(i, j), ">= 0 for the exponential model (use model gaussian)");
  }
  const std::ptrdiff_t m = score.n_samples, n = score.n_traces;
  const std::ptrdiff_t gt = k.gt, mt = k.mt;
  ContigIn x(score);
  ContigOut y(threshold);
  auto cols = [&](std::ptrdiff_t j, std::ptrdiff_t r) {
    return std::min(n - 1, j + r) - std::max<std::ptrdiff_t>(0, j - r) + 1;
  };
  const int nt = detect_detail::threads_for_cells(m, n);
  if (o.method == CfarMethod::ca) {
    const std::ptrdiff_t nb = detect_detail::n_blocks(n);
#pragma omp parallel num_threads(nt)
    {
      std::vector<double> so(static_cast<std::size_t>(m)), qo(static_cast<std::size_t>(m));
      std::vector<double> sg(static_cast<std::size_t>(m)), qg(static_cast<std::size_t>(m));
      std::vector<double> p1(static_cast<std::size_t>(m + 1)), p2(static_cast<std::size_t>(m + 1));
      auto add = [&](std::ptrdiff_t jj, double sgn, bool outer) {
        k.ca_add(x.col(jj), sgn, outer, p1.data(), p2.data(), outer ? so.data() : sg.data(),
                 outer ? qo.data() : qg.data());
      };
#pragma omp for schedule(static)
      for (std::ptrdiff_t blk = 0; blk < nb; ++blk) {
        const std::ptrdiff_t j0 = blk * detect_detail::block_traces;
        const std::ptrdiff_t j1 = std::min(n, j0 + detect_detail::block_traces);
        for (auto* v : {&so, &qo, &sg, &qg}) std::fill(v->begin(), v->end(), 0.0);
        for (std::ptrdiff_t jj = std::max<std::ptrdiff_t>(0, j0 - mt);
             jj <= std::min(n - 1, j0 + mt); ++jj)
          add(jj, 1.0, true);
        for (std::ptrdiff_t jj = std::max<std::ptrdiff_t>(0, j0 - gt);
             jj <= std::min(n - 1, j0 + gt); ++jj)
          add(jj, 1.0, false);
        for (std::ptrdiff_t j = j0; j < j1; ++j) {
          if (j > j0) {
            if (j - 1 - mt >= 0) add(j - 1 - mt, -1.0, true);
            if (j + mt < n) add(j + mt, 1.0, true);
            if (j - 1 - gt >= 0) add(j - 1 - gt, -1.0, false);
            if (j + gt < n) add(j + gt, 1.0, false);
          }
          k.ca_column(so.data(), qo.data(), sg.data(), qg.data(), cols(j, mt), cols(j, gt),
                      y.col(j));
        }
      }
    }
  } else {
#pragma omp parallel num_threads(nt)
    {
      std::vector<float> buf(static_cast<std::size_t>(k.nmax));
      std::vector<const float*> cp(static_cast<std::size_t>(2 * mt + 1));
#pragma omp for schedule(static)
      for (std::ptrdiff_t j = 0; j < n; ++j) {
        for (std::ptrdiff_t q = -mt; q <= mt; ++q)
          cp[static_cast<std::size_t>(q + mt)] = j + q < 0 || j + q >= n ? nullptr : x.col(j + q);
        k.os_column(cp.data(), buf.data(), y.col(j));
      }
    }
  }
  y.finish();
  check::finite_output(kWhere, threshold, score);
}

Bscan cfar(const Bscan& score, const CfarOptions& o) {
  Bscan out(score.n_samples(), score.n_traces(), score.header());
  cfar(score.view(), out.view(), o);
  return out;
}

}  // namespace gprkit
