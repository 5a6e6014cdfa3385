#include "gprkit/detect/score.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "../core/select.h"
#include "../core/simd.h"
#include "common.h"
#include "gprkit/core/fft.h"
#include "gprkit/core/physics.h"
#include "gprkit/core/validate.h"
#include "score_kernels.h"

namespace gprkit {

using detect_detail::ContigIn;
using detect_detail::ContigOut;

namespace {

constexpr const char* kWhere = "score";

// A window of `len` (ns or m) over `step` as a count of at least lo. A trace count is capped
// so that the hyperbola's delay table ((count + 1) x n_samples) stays within the size cap.
std::ptrdiff_t rounded(const char* what, double len, double step, const char* unit,
                       std::ptrdiff_t max_count, std::ptrdiff_t lo) {
  return std::max(lo, check::count(kWhere, what, len, step, unit, max_count));
}

// Trace spacing: dx_m, else the median spacing of x_m, else 1 cm.
double spacing_m(const Header& h, std::ptrdiff_t n) {
  if (h.dx_m > 0) return h.dx_m;
  if (static_cast<std::ptrdiff_t>(h.x_m.size()) == n && n > 1) {
    std::vector<double> d;
    for (std::size_t j = 1; j < h.x_m.size(); ++j) d.push_back(std::abs(h.x_m[j] - h.x_m[j - 1]));
    std::nth_element(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(d.size() / 2), d.end());
    if (d[d.size() / 2] > 0) return d[d.size() / 2];
  }
  return 0.01;
}

// ---------------------------------------------------------------------------------------
// energy: box energy, then z-score against the reference traces at the same sample.
void energy_score(const ContigIn& x, const ContigOut& out, const ScoreWindows& w,
                  const ScoreOptions& o) {
  using namespace detect_detail;
  const std::ptrdiff_t m = x.m, n = x.n;
  const std::ptrdiff_t hx = w.window_traces;
  const std::ptrdiff_t G = w.guard_traces, R = w.reference_traces;
  EnergyKernel k;
  k.m = m;
  k.ht = w.window_samples;
  k.rel2 = o.rel_floor * o.rel_floor;
  std::vector<float> tb(static_cast<std::size_t>(m * n)), e(static_cast<std::size_t>(m * n));
  const int nt = threads_for_cells(m, n);
#pragma omp parallel num_threads(nt)
  {
    std::vector<double> p(static_cast<std::size_t>(m + 1));
    std::vector<const float*> cols(static_cast<std::size_t>(2 * hx + 1));
#pragma omp for schedule(static)
    for (std::ptrdiff_t j = 0; j < n; ++j) k.time_energy(x.col(j), p.data(), tb.data() + j * m);
#pragma omp for schedule(static)
    for (std::ptrdiff_t j = 0; j < n; ++j) {
      const std::ptrdiff_t a = std::max<std::ptrdiff_t>(0, j - hx);
      const std::ptrdiff_t b = std::min(n - 1, j + hx);
      for (std::ptrdiff_t jj = a; jj <= b; ++jj)
        cols[static_cast<std::size_t>(jj - a)] = tb.data() + jj * m;
      k.box(cols.data(), b - a + 1, e.data() + j * m);
    }
  }
  tb.clear();
  tb.shrink_to_fit();
  const std::ptrdiff_t nb = n_blocks(n);
#pragma omp parallel num_threads(nt)
  {
    std::vector<double> s1(static_cast<std::size_t>(m)), s2(static_cast<std::size_t>(m));
    double total = 0;
    auto add = [&](std::ptrdiff_t jj, double sg) {
      k.add(e.data() + jj * m, sg, s1.data(), s2.data(), total);
    };
#pragma omp for schedule(static)
    for (std::ptrdiff_t blk = 0; blk < nb; ++blk) {
      const std::ptrdiff_t j0 = blk * block_traces;
      const std::ptrdiff_t j1 = std::min(n, j0 + block_traces);
      std::fill(s1.begin(), s1.end(), 0.0);
      std::fill(s2.begin(), s2.end(), 0.0);
      total = 0;
      for_each_annulus(j0, j1, n, G, R, add, [&](std::ptrdiff_t j, std::ptrdiff_t cnt) {
        k.z(e.data() + j * m, s1.data(), s2.data(), total, cnt, out.col(j));
      });
    }
  }
}

// ---------------------------------------------------------------------------------------
// rx: Mahalanobis distance of the feature vector from the annulus' mean and covariance.
void rx_score(const ContigIn& x, const ContigOut& out, const ScoreWindows& w,
              const ScoreOptions& o) {
  using namespace detect_detail;
  const std::ptrdiff_t m = x.m, n = x.n;
  const std::ptrdiff_t G = w.guard_traces, R = w.reference_traces;
  const RxKernel k(m, w, o);
  const int nt = threads_for_cells(m, n);
  const std::ptrdiff_t nb = n_blocks(n);
#pragma omp parallel num_threads(nt)
  {
    std::vector<double> acc(static_cast<std::size_t>(m) * k.P);
    double total = 0;
    auto add = [&](std::ptrdiff_t jj, double sg) { k.add(x.col(jj), sg, acc.data(), total); };
#pragma omp for schedule(static)
    for (std::ptrdiff_t blk = 0; blk < nb; ++blk) {
      const std::ptrdiff_t j0 = blk * block_traces;
      const std::ptrdiff_t j1 = std::min(n, j0 + block_traces);
      std::fill(acc.begin(), acc.end(), 0.0);
      total = 0;
      for_each_annulus(j0, j1, n, G, R, add, [&](std::ptrdiff_t j, std::ptrdiff_t cnt) {
        k.z(x.col(j), acc.data(), total, cnt, out.col(j));
      });
    }
  }
}

// ---------------------------------------------------------------------------------------
// hyperbola: semblance along the diffraction curve of an apex at every cell.
void hyperbola_score(const ContigIn& x, const ContigOut& out, const Header& h,
                     const ScoreWindows& w, const ScoreOptions& o) {
  using namespace detect_detail;
  const std::ptrdiff_t m = x.m, n = x.n;
  const HyperbolaTables tab = hyperbola_tables(m, h, spacing_m(h, n), w, o);
  const std::ptrdiff_t A = tab.aperture;
  // Noise floor: the median of the robust per-trace noise levels over the aperture (a
  // bounded reach, so a stream computes the same floor).
  std::vector<double> sigma(static_cast<std::size_t>(n));
  const int nt = threads_for_cells(m, n * (2 * A + 1) / 8);
#pragma omp parallel num_threads(nt)
  {
    std::vector<float> buf(static_cast<std::size_t>(m));
#pragma omp for schedule(static)
    for (std::ptrdiff_t j = 0; j < n; ++j)
      sigma[static_cast<std::size_t>(j)] = robust_sigma(x.col(j), m, buf.data());
  }
#pragma omp parallel num_threads(nt)
  {
    HyperbolaScratch sc(m);
    std::vector<const float*> cols(static_cast<std::size_t>(2 * A + 1));
    std::vector<double> fbuf(static_cast<std::size_t>(2 * (2 * A + 1)));  // hyperbola_floor scratch
#pragma omp for schedule(static)
    for (std::ptrdiff_t j0 = 0; j0 < n; ++j0) {
      for (std::ptrdiff_t k = -A; k <= A; ++k) {
        const std::ptrdiff_t jj = j0 + k;
        cols[static_cast<std::size_t>(k + A)] = jj < 0 || jj >= n ? nullptr : x.col(jj);
      }
      const std::ptrdiff_t a = std::max<std::ptrdiff_t>(0, j0 - A);
      const std::ptrdiff_t b = std::min(n - 1, j0 + A);
      const double fl = hyperbola_floor(sigma.data() + a, b - a + 1, fbuf.data());
      hyperbola_column(tab, cols.data(), fl, out.col(j0), sc);
    }
  }
}

}  // namespace

double dominant_frequency_mhz(ConstView in, double dt_ns) {
  check::non_empty("dominant_frequency_mhz", "input", in);
  check::positive("dominant_frequency_mhz", "dt_ns", dt_ns);
  const std::ptrdiff_t m = in.n_samples;
  if (m < 8) return 0.25e3 / dt_ns;
  const std::size_t nf = fft::fast_size(static_cast<std::size_t>(m));
  auto buf = fft::alloc_real(nf);
  auto spec = fft::alloc_complex(nf / 2 + 1);
  std::vector<double> power(nf / 2 + 1, 0.0);
  const std::ptrdiff_t nt = std::min<std::ptrdiff_t>(64, in.n_traces);
  for (std::ptrdiff_t q = 0; q < nt; ++q) {
    const std::ptrdiff_t j = nt > 1 ? q * (in.n_traces - 1) / (nt - 1) : 0;
    double mean = 0;
    for (std::ptrdiff_t i = 0; i < m; ++i) mean += in(i, j);
    mean /= static_cast<double>(m);
    for (std::size_t i = 0; i < nf; ++i)
      buf[i] = i < static_cast<std::size_t>(m)
                   ? static_cast<float>(in(static_cast<std::ptrdiff_t>(i), j) - mean)
                   : 0.0f;
    fft::r2c(nf, buf.get(), spec.get());
    for (std::size_t k = 0; k <= nf / 2; ++k) power[k] += std::norm(spec[k]);
  }
  // Peak of the smoothed power spectrum above five cycles per trace (skips drift / wow).
  const std::size_t k0 = std::min<std::size_t>(nf / 2, 5 * nf / static_cast<std::size_t>(m));
  double best = -1;
  std::size_t kb = k0;
  for (std::size_t k = k0; k <= nf / 2; ++k) {
    double s = 0;
    int c = 0;
    for (std::size_t q = (k >= 2 ? k - 2 : 0); q <= std::min(nf / 2, k + 2); ++q, ++c)
      s += power[q];
    s /= c;
    if (s > best) {
      best = s;
      kb = k;
    }
  }
  if (!(best > 0)) return 0.25e3 / dt_ns;
  return static_cast<double>(kb) / (static_cast<double>(nf) * dt_ns) * 1e3;
}

double depth_from_time_m(double t_ns, const Header& h, double v) {
  check::positive("depth_from_time_m", "velocity_m_per_ns", v);
  const double a = h.antenna_separation_m;
  const double ts = 2.0 * std::hypot(h.antenna_height_m, a / 2) / c_air_m_per_ns;
  if (!(t_ns > ts)) return -(ts - t_ns) * c_air_m_per_ns / 2.0;
  double lo = 0.0, hi = v * t_ns / 2.0 + 1e-9;
  for (int it = 0; it < 60 && hi - lo > 1e-9; ++it) {
    const double mid = 0.5 * (lo + hi);
    if (two_way_time_ns(-a / 2, a / 2, h.antenna_height_m, 0.0, mid, v) < t_ns)
      lo = mid;
    else
      hi = mid;
  }
  return 0.5 * (lo + hi);
}

ScoreWindows score_windows(ConstView in, const Header& h, const ScoreOptions& o) {
  check::positive(kWhere, "dt_ns", h.dt_ns);
  check::finite(kWhere, "t0_ns", h.t0_ns);
  check::non_negative(kWhere, "antenna_height_m", h.antenna_height_m);
  check::non_negative(kWhere, "antenna_separation_m", h.antenna_separation_m);
  check::non_negative(kWhere, "centre_frequency_mhz", h.centre_frequency_mhz);
  for (auto [name, v] : {std::pair{"window_ns", o.window_ns},
                         {"window_m", o.window_m},
                         {"guard_m", o.guard_m},
                         {"reference_m", o.reference_m},
                         {"rx_feature_spacing_ns", o.rx_feature_spacing_ns},
                         {"aperture_m", o.aperture_m},
                         {"semblance_window_ns", o.semblance_window_ns}})
    check::finite(kWhere, name, v);
  check::non_negative(kWhere, "rel_floor", o.rel_floor);
  if (o.rx_features < 1 || o.rx_features > 16)
    check::fail(kWhere, "rx_features", o.rx_features, "1..16");
  check::non_negative(kWhere, "rx_regularization", o.rx_regularization);
  check::positive(kWhere, "velocity_m_per_ns", o.velocity_m_per_ns);
  ScoreWindows w;
  const double f =
      h.centre_frequency_mhz > 0 ? h.centre_frequency_mhz : dominant_frequency_mhz(in, h.dt_ns);
  w.centre_frequency_mhz = f;
  const double period = 1e3 / f;
  const double dt = h.dt_ns;
  const double dx = spacing_m(h, in.n_traces);
  const bool semb = o.method == ScoreMethod::hyperbola;
  const double win_ns = semb ? (o.semblance_window_ns > 0 ? o.semblance_window_ns : 0.5 * period)
                             : (o.window_ns > 0 ? o.window_ns : period);
  const std::ptrdiff_t ms = check::kMaxElements, mt = check::kMaxElements / (in.n_samples + 1);
  w.window_samples = rounded(semb ? "semblance_window_ns" : "window_ns", win_ns, 2 * dt,
                             "samples per half window", ms, semb ? 0 : 1);
  w.window_traces = rounded("window_m", (o.window_m > 0 ? o.window_m : std::max(dx, 0.02)), 2 * dx,
                            "traces per half window", mt, 0);
  w.guard_traces =
      std::max(w.window_traces + 1,
               rounded("guard_m", o.guard_m > 0 ? o.guard_m : 0.15, dx, "traces", mt, 1));
  w.reference_traces =
      rounded("reference_m", o.reference_m > 0 ? o.reference_m : 0.5, dx, "traces", mt, 2);
  w.feature_step = rounded("rx_feature_spacing_ns",
                           o.rx_feature_spacing_ns > 0 ? o.rx_feature_spacing_ns : period / 4, dt,
                           "samples", ms, 1);
  w.aperture_traces =
      rounded("aperture_m", o.aperture_m > 0 ? o.aperture_m : 0.15, dx, "traces", mt, 1);
  return w;
}

void score(ConstView in, MutView out, const Header& h, const ScoreOptions& o) {
  check::finite_data(kWhere, "input", in);
  check::same_shape(kWhere, in, out);
  if (!(in.data + (in.n_samples - 1) * in.sample_stride + (in.n_traces - 1) * in.trace_stride <
            out.data ||
        out.data + (out.n_samples - 1) * out.sample_stride + (out.n_traces - 1) * out.trace_stride <
            in.data))
    check::fail(kWhere, "out", "a view overlapping the input", "a separate output (not in-place)");
  const ScoreWindows w = score_windows(in, h, o);
  ContigIn x(in);
  ContigOut y(out);
  switch (o.method) {
    case ScoreMethod::energy:
      energy_score(x, y, w, o);
      break;
    case ScoreMethod::rx:
      rx_score(x, y, w, o);
      break;
    case ScoreMethod::hyperbola:
      hyperbola_score(x, y, h, w, o);
      break;
    default:
      check::fail(kWhere, "method", static_cast<double>(o.method), "energy, rx or hyperbola");
  }
  y.finish();
  check::finite_output(kWhere, out, in);
}

Bscan score(const Bscan& in, const ScoreOptions& o) {
  Bscan out(in.n_samples(), in.n_traces(), in.header());
  score(in.view(), out.view(), in.header(), o);
  return out;
}

std::vector<float> trace_score(ConstView s, std::ptrdiff_t first_sample, std::ptrdiff_t n_samples) {
  check::finite_data("trace_score", "score", s);  // std::max would drop a NaN silently
  if (first_sample < 0 || first_sample >= s.n_samples)
    check::fail("trace_score", "first_sample", static_cast<double>(first_sample),
                "0.." + std::to_string(s.n_samples - 1));
  const std::ptrdiff_t count = n_samples < 0 ? s.n_samples - first_sample : n_samples;
  if (count < 1 || first_sample + count > s.n_samples)
    check::fail("trace_score", "n_samples", static_cast<double>(n_samples),
                "-1 or 1.." + std::to_string(s.n_samples - first_sample));
  std::vector<float> r(static_cast<std::size_t>(s.n_traces));
  for (std::ptrdiff_t j = 0; j < s.n_traces; ++j) {
    float best = s(first_sample, j);
    for (std::ptrdiff_t i = first_sample + 1; i < first_sample + count; ++i)
      best = std::max(best, s(i, j));
    r[static_cast<std::size_t>(j)] = best;
  }
  return r;
}

namespace detect_detail {

HyperbolaTables hyperbola_tables(std::ptrdiff_t m, const Header& h, double dx,
                                 const ScoreWindows& w, const ScoreOptions& o) {
  HyperbolaTables t;
  const std::ptrdiff_t A = w.aperture_traces;
  t.m = m;
  t.aperture = A;
  t.window = w.window_samples;
  const double v = o.velocity_m_per_ns;
  const double a = h.antenna_separation_m;
  const double height = h.antenna_height_m;
  // off[k * m + i0]: delay (samples) of trace offset +-k for an apex at row i0; rows above
  // the ground (or invalid) have first_row > i0.
  t.off.assign(static_cast<std::size_t>((A + 1) * m), 0);
  t.lim.assign(static_cast<std::size_t>(A + 1), m);
  std::ptrdiff_t first_row = m;
  for (std::ptrdiff_t i0 = 0; i0 < m; ++i0) {
    const double t0 = h.time_ns(static_cast<double>(i0));
    const double z0 = depth_from_time_m(t0, h, v);
    if (!(z0 > 0)) continue;
    first_row = std::min(first_row, i0);
    for (std::ptrdiff_t k = 0; k <= A; ++k) {
      const double xk = static_cast<double>(k) * dx;
      const double tt = two_way_time_ns(xk - a / 2, xk + a / 2, height, 0.0, z0, v);
      // Delays past the trace (or NaN) only mark the row invalid: clamp before the cast.
      const double q = (tt - t0) / h.dt_ns;
      t.off[static_cast<std::size_t>(k * m + i0)] =
          q < static_cast<double>(m) ? std::max<std::ptrdiff_t>(0, std::llround(q)) : m;
    }
  }
  for (std::ptrdiff_t k = 0; k <= A; ++k) {
    // i0 + off is non-decreasing in i0: the valid rows are a prefix.
    std::ptrdiff_t l = first_row;
    while (l < m && l + t.off[static_cast<std::size_t>(k * m + l)] < m) ++l;
    t.lim[static_cast<std::size_t>(k)] = l;
  }
  t.first_row = first_row;
  t.run_begin.assign(static_cast<std::size_t>(A + 2), 0);
  for (std::ptrdiff_t k = 0; k <= A; ++k) {
    t.run_begin[static_cast<std::size_t>(k)] = t.runs.size();
    const std::ptrdiff_t* of = t.off.data() + k * m;
    const std::ptrdiff_t l = t.lim[static_cast<std::size_t>(k)];
    for (std::ptrdiff_t i0 = first_row; i0 < l;) {
      std::ptrdiff_t e = i0 + 1;
      while (e < l && of[e] == of[i0]) ++e;
      t.runs.push_back({i0, e, of[i0]});
      i0 = e;
    }
  }
  t.run_begin[static_cast<std::size_t>(A + 1)] = t.runs.size();
  return t;
}

HyperbolaScratch::HyperbolaScratch(std::ptrdiff_t m)
    : cs(static_cast<std::size_t>(m)),
      es(static_cast<std::size_t>(m)),
      cnt(static_cast<std::size_t>(m)),
      pn(static_cast<std::size_t>(m + 1)),
      pd(static_cast<std::size_t>(m + 1)) {}

double robust_sigma(const float* x, std::ptrdiff_t m, float* buf) {
  // At most 64 evenly spread samples: the floor is then the median over the aperture's traces,
  // which averages out the subsampling, and a streamed trace pays little for it.
  const std::ptrdiff_t step = std::max<std::ptrdiff_t>(1, m / 64);
  std::ptrdiff_t n = 0;
  for (std::ptrdiff_t i = 0; i < m; i += step) buf[n++] = std::abs(x[i]);
  float scratch[256];  // n <= 127 (m / (m / 64) rounded up, or m below 128)
  return static_cast<double>(detail::kth_smallest(buf, n, n / 2, scratch)) / 0.6745;
}

double hyperbola_floor(const double* sigmas, std::ptrdiff_t count, double* scratch) {
  double med = detail::kth_smallest(sigmas, count, count / 2, scratch);
  if (count % 2 == 0)
    med = 0.5 * (med + detail::kth_smallest(sigmas, count, count / 2 - 1, scratch));
  return med * med;
}

namespace {
// cs[i] += u[i] + v[i], es[i] += u[i]^2 + v[i]^2 for i in [b, e): contiguous, no aliasing.
void add_pair(const float* __restrict u, const float* __restrict v, float* __restrict cs,
              float* __restrict es, std::ptrdiff_t b, std::ptrdiff_t e) {
  for (std::ptrdiff_t i = b; i < e; ++i) {
    cs[i] += u[i] + v[i];
    es[i] += u[i] * u[i] + v[i] * v[i];
  }
}
void add_one(const float* __restrict u, float* __restrict cs, float* __restrict es,
             std::ptrdiff_t b, std::ptrdiff_t e) {
  for (std::ptrdiff_t i = b; i < e; ++i) {
    cs[i] += u[i];
    es[i] += u[i] * u[i];
  }
}
}  // namespace

// Cloned per SIMD width (src/core/simd.h): the run loops are the work, each sample's sums are
// over the same traces in the same order in every clone.
GPRKIT_SIMD_CLONES void hyperbola_column(const HyperbolaTables& t, const float* const* cols,
                                         double floor2, float* z, HyperbolaScratch& s) {
  const std::ptrdiff_t m = t.m, A = t.aperture, first_row = t.first_row, L = t.window;
  std::fill(s.cs.begin(), s.cs.end(), 0.0f);
  std::fill(s.es.begin(), s.es.end(), 0.0f);
  std::fill(s.cnt.begin(), s.cnt.end(), 0);
  float* cs = s.cs.data();
  float* es = s.es.data();
  int* cnt = s.cnt.data();  // a difference array first: +1 at first_row, -1 at lim per trace
  // Offsets +k and -k share one delay table: one pass over both traces, run by run (each run
  // of rows has one delay, so its loads are contiguous and the loop vectorizes).
  for (std::ptrdiff_t ak = 0; ak <= A; ++ak) {
    const float* cp = cols[A + ak];
    const float* cm = ak > 0 ? cols[A - ak] : nullptr;
    const std::ptrdiff_t l = t.lim[static_cast<std::size_t>(ak)];
    if (l <= first_row) continue;
    const auto* r0 = t.runs.data() + t.run_begin[static_cast<std::size_t>(ak)];
    const auto* r1 = t.runs.data() + t.run_begin[static_cast<std::size_t>(ak + 1)];
    if (cp != nullptr && cm != nullptr) {
      for (const auto* r = r0; r != r1; ++r)
        add_pair(cp + r->delay, cm + r->delay, cs, es, r->begin, r->end);
      cnt[first_row] += 2;
      if (l < m) cnt[l] -= 2;
    } else if (const float* c = cp != nullptr ? cp : cm) {
      for (const auto* r = r0; r != r1; ++r) add_one(c + r->delay, cs, es, r->begin, r->end);
      cnt[first_row] += 1;
      if (l < m) cnt[l] -= 1;
    }
  }
  for (std::ptrdiff_t i = 1; i < m; ++i) cnt[i] += cnt[i - 1];
  double* pn = s.pn.data();
  double* pd = s.pd.data();
  pn[0] = pd[0] = 0;
  // The running sums in registers (through pn / pd every step waits on a store).
  double sn = 0.0, sd = 0.0;
  for (std::ptrdiff_t i = 0; i < m; ++i) {
    const double c = cs[i];
    const double nn = cnt[i];
    sn = sn + c * c;
    sd = sd + nn * es[i] + nn * nn * floor2;
    pn[i + 1] = sn;
    pd[i + 1] = sd;
  }
  for (std::ptrdiff_t i = 0; i < m; ++i) {
    if (i < first_row) {
      z[i] = 0.0f;
      continue;
    }
    const std::ptrdiff_t lo = std::max(first_row, i - L);
    const std::ptrdiff_t hi = std::min(m - 1, i + L);
    const double num = pn[hi + 1] - pn[lo];
    const double den = pd[hi + 1] - pd[lo];
    z[i] = den > 0 ? static_cast<float>(num / den) : 0.0f;
  }
}

void EnergyKernel::time_energy(const float* c, double* p, float* t) const {
  p[0] = 0;
  for (std::ptrdiff_t i = 0; i < m; ++i) p[i + 1] = p[i] + double(c[i]) * c[i];
  for (std::ptrdiff_t i = 0; i < m; ++i) {
    const std::ptrdiff_t a = std::max<std::ptrdiff_t>(0, i - ht);
    const std::ptrdiff_t b = std::min(m - 1, i + ht);
    t[i] = static_cast<float>((p[b + 1] - p[a]) / static_cast<double>(b - a + 1));
  }
}

void EnergyKernel::box(const float* const* tbs, std::ptrdiff_t cnt, float* e) const {
  std::fill(e, e + m, 0.0f);
  for (std::ptrdiff_t q = 0; q < cnt; ++q) {
    const float* t = tbs[q];
    for (std::ptrdiff_t i = 0; i < m; ++i) e[i] += t[i];
  }
  const float inv = 1.0f / static_cast<float>(cnt);
  for (std::ptrdiff_t i = 0; i < m; ++i) e[i] *= inv;
}

void EnergyKernel::add(const float* e, double sign, double* s1, double* s2, double& total) const {
  double t = 0;
  for (std::ptrdiff_t i = 0; i < m; ++i) {
    const double v = e[i];
    s1[i] += sign * v;
    s2[i] += sign * v * v;
    t += v;
  }
  total += sign * t;
}

void EnergyKernel::z(const float* e, const double* s1, const double* s2, double total,
                     std::ptrdiff_t cnt, float* z) const {
  if (cnt <= 0) {
    std::fill(z, z + m, 0.0f);
    return;
  }
  const double inv = 1.0 / static_cast<double>(cnt);
  // A floor far below any real contrast, from the annulus' mean energy: keeps an all-zero
  // reference from dividing by zero.
  const double mean_e = std::max(0.0, total * inv / static_cast<double>(m));
  const double tiny = 1e-30 + (1e-6 * mean_e) * (1e-6 * mean_e);
  for (std::ptrdiff_t i = 0; i < m; ++i) {
    const double mu = s1[i] * inv;
    const double var = std::max(0.0, s2[i] * inv - mu * mu);
    z[i] = static_cast<float>((e[i] - mu) / std::sqrt(var + rel2 * mu * mu + tiny));
  }
}

RxKernel::RxKernel(std::ptrdiff_t m_, const ScoreWindows& w, const ScoreOptions& o)
    : m(m_),
      d(o.rx_features),
      P(static_cast<std::size_t>(d + d * (d + 1) / 2)),
      idx(static_cast<std::size_t>(m_) * static_cast<std::size_t>(o.rx_features)),
      reg(o.rx_regularization) {
  for (std::ptrdiff_t i = 0; i < m; ++i)
    for (int k = 0; k < d; ++k)
      idx[static_cast<std::size_t>(i * d + k)] =
          std::clamp<std::ptrdiff_t>(i + (k - d / 2) * w.feature_step, 0, m - 1);
}

void RxKernel::add(const float* col, double sg, double* acc, double& total) const {
  double f[16];
  double t = 0;
  for (std::ptrdiff_t i = 0; i < m; ++i) {
    double* a = acc + static_cast<std::size_t>(i) * P;
    const std::ptrdiff_t* ix = idx.data() + i * d;
    for (int k = 0; k < d; ++k) f[k] = col[ix[k]];
    for (int k = 0; k < d; ++k) a[k] += sg * f[k];
    std::size_t q = static_cast<std::size_t>(d);
    for (int k = 0; k < d; ++k)
      for (int l = k; l < d; ++l) a[q++] += sg * f[k] * f[l];
    t += double(col[i]) * col[i];
  }
  total += sg * t;
}

void RxKernel::z(const float* col, const double* acc, double total, std::ptrdiff_t cnt,
                 float* z) const {
  if (cnt < 2) {
    std::fill(z, z + m, 0.0f);
    return;
  }
  double f[16], c[16 * 16], dl[16];
  const double inv = 1.0 / static_cast<double>(cnt);
  // Diagonal floor from the annulus' mean power: keeps a silent reference invertible.
  const double abs_floor = 1e-6 * std::max(0.0, total * inv / static_cast<double>(m)) + 1e-30;
  for (std::ptrdiff_t i = 0; i < m; ++i) {
    const double* a = acc + static_cast<std::size_t>(i) * P;
    const std::ptrdiff_t* ix = idx.data() + i * d;
    std::size_t q = static_cast<std::size_t>(d);
    double tr = 0;
    for (int k = 0; k < d; ++k)
      for (int l = k; l < d; ++l) {
        const double v = a[q++] * inv - a[k] * inv * a[l] * inv;
        c[k * d + l] = c[l * d + k] = v;
        if (k == l) tr += v;
      }
    const double load = reg * std::max(0.0, tr) / d + abs_floor;
    for (int k = 0; k < d; ++k) c[k * d + k] += load;
    for (int k = 0; k < d; ++k) dl[k] = col[ix[k]] - a[k] * inv;
    // Cholesky c = L L^T in place (lower), then r = |L^-1 dl|^2.
    bool ok = true;
    for (int k = 0; k < d && ok; ++k) {
      double s = c[k * d + k];
      for (int p = 0; p < k; ++p) s -= c[k * d + p] * c[k * d + p];
      if (!(s > 0)) {
        ok = false;
        break;
      }
      const double lkk = std::sqrt(s);
      c[k * d + k] = lkk;
      for (int r = k + 1; r < d; ++r) {
        double t = c[r * d + k];
        for (int p = 0; p < k; ++p) t -= c[r * d + p] * c[k * d + p];
        c[r * d + k] = t / lkk;
      }
    }
    double r2 = 0;
    if (ok) {
      for (int k = 0; k < d; ++k) {
        double t = dl[k];
        for (int p = 0; p < k; ++p) t -= c[k * d + p] * f[p];
        f[k] = t / c[k * d + k];
        r2 += f[k] * f[k];
      }
    }
    z[i] = static_cast<float>(r2);
  }
}

}  // namespace detect_detail

}  // namespace gprkit
