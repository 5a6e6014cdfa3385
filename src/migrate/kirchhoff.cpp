// Diffraction summation: Kirchhoff (filtered input, obliquity and spreading weights,
// anti-aliasing) and plain back-projection, 2-D or 3-D, bistatic, with refraction at the
// ground surface when the antenna is above it.
#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>

#include "../core/simd.h"
#include "detail.h"
#include "gprkit/core/fft.h"
#include "gprkit/core/threads.h"
#include "gprkit/core/validate.h"

namespace gprkit::migrate_detail {
namespace {

constexpr double kDefaultApertureDeg = 60.0;
constexpr int kMaxLevels = 7;

// Filters every trace: half-derivative (2-D) or derivative (3-D), phase -45 / -90 degrees,
// which with the phase of the summation gives a zero-phase image.
void filter_traces(const SumInput& in, bool kirchhoff, std::vector<float>& outv) {
  const std::ptrdiff_t ns = in.ns;
  outv.resize(static_cast<std::size_t>(ns * in.n_in));
  if (!kirchhoff) {
    std::copy(in.data, in.data + ns * in.n_in, outv.begin());
    return;
  }
  const auto Nt =
      fft::fast_size(static_cast<std::size_t>(ns + std::max<std::ptrdiff_t>(16, ns / 4)));
  const std::size_t Nf = Nt / 2 + 1;
  std::vector<std::complex<float>> H(Nf);
  const double df = 1.0 / (static_cast<double>(Nt) * in.dt_ns);
  for (std::size_t n = 0; n < Nf; ++n) {
    const double w = 2.0 * std::numbers::pi * static_cast<double>(n) * df;
    const double mag = in.three_d ? w : std::sqrt(w);
    const double ph = in.three_d ? -0.5 * std::numbers::pi : -0.25 * std::numbers::pi;
    H[n] = std::complex<float>(std::polar(mag / static_cast<double>(Nt), ph));
  }
#pragma omp parallel num_threads(threads_for(static_cast <std::size_t>(ns * in.n_in) * 4))
  {
    auto re = fft::alloc_real(Nt + 2);
    auto sp = fft::alloc_complex(Nf);
#pragma omp for schedule(static)
    for (std::ptrdiff_t j = 0; j < in.n_in; ++j) {
      const float* tr = in.data + j * ns;
      std::fill(re.get(), re.get() + Nt, 0.0f);
      std::copy(tr, tr + ns, re.get());
      fft::r2c(Nt, re.get(), sp.get());
      for (std::size_t n = 0; n < Nf; ++n) sp[n] *= H[n];
      fft::c2r(Nt, sp.get(), re.get());
      std::copy(re.get(), re.get() + ns, outv.begin() + j * ns);
    }
  }
}

// The buffers of one call, kept per thread for the next one unless larger than kKeepBytes: a
// fresh buffer costs a page fault per 4 KiB on first touch (0.3 of 1.1 ms for a 192 x 192
// Kirchhoff), and small sections are the real-time case.
constexpr std::size_t kKeepBytes = std::size_t{64} << 20;
struct Workspace {
  std::vector<float> base, levT, outT;
};
Workspace& workspace() {
  thread_local Workspace w;
  return w;
}
template <class T>
void trim(std::vector<T>& v, std::size_t bytes_each) {
  if (v.capacity() * bytes_each > kKeepBytes) std::vector<T>().swap(v);
}
struct TrimAtExit {
  Workspace& w;
  ~TrimAtExit() {
    trim(w.base, sizeof(float));
    trim(w.levT, sizeof(float));
    trim(w.outT, sizeof(float));
  }
};

// Level l >= 1: the trace smoothed by two centred boxes of 2^(l-1) * 2 + 1 samples (a
// triangle of half-width about 2^l samples): the anti-alias filter of an operator whose
// time shift between neighbouring traces is about 2^l samples.
void smooth_level(const float* x, float* y, std::ptrdiff_t n, int level, std::vector<double>& cs,
                  std::vector<double>& tmp) {
  const std::ptrdiff_t m = std::ptrdiff_t{1} << (level - 1);
  const double inv = 1.0 / static_cast<double>(2 * m + 1);
  auto box = [&](auto get, auto put) {
    cs[0] = 0;
    for (std::ptrdiff_t i = 0; i < n; ++i)
      cs[static_cast<std::size_t>(i + 1)] = cs[static_cast<std::size_t>(i)] + get(i);
    for (std::ptrdiff_t i = 0; i < n; ++i) {
      const std::ptrdiff_t lo = std::max<std::ptrdiff_t>(0, i - m), hi = std::min(n, i + m + 1);
      put(i, (cs[static_cast<std::size_t>(hi)] - cs[static_cast<std::size_t>(lo)]) * inv);
    }
  };
  box([&](std::ptrdiff_t i) { return static_cast<double>(x[i]); },
      [&](std::ptrdiff_t i, double v) { tmp[static_cast<std::size_t>(i)] = v; });
  box([&](std::ptrdiff_t i) { return tmp[static_cast<std::size_t>(i)]; },
      [&](std::ptrdiff_t i, double v) { y[i] = static_cast<float>(v); });
}

// Every level of trace-major traces (level l at l * ns * nin), from level 0 in `base`.
std::vector<float> trace_major_levels(const std::vector<float>& base, std::ptrdiff_t ns,
                                      std::ptrdiff_t nin, int nlev) {
  if (nlev == 1) return base;
  const std::size_t stride = static_cast<std::size_t>(ns * nin);
  std::vector<float> lev(stride * static_cast<std::size_t>(nlev));
  std::copy(base.begin(), base.end(), lev.begin());
#pragma omp parallel num_threads(threads_for(stride* static_cast <std::size_t>(nlev)))
  {
    std::vector<double> cs(static_cast<std::size_t>(ns + 1)), tmp(static_cast<std::size_t>(ns));
#pragma omp for schedule(static)
    for (std::ptrdiff_t j = 0; j < nin; ++j)
      for (int l = 1; l < nlev; ++l)
        smooth_level(
            base.data() + j * ns,
            lev.data() + static_cast<std::size_t>(l) * stride + static_cast<std::size_t>(j * ns),
            ns, l, cs, tmp);
  }
  return lev;
}

// smooth_level on traces [j0, j1) of a sample-major section (row i at x + i * nin), all
// traces of the block in the lanes of one row: the same operations per trace as
// smooth_level, so the same bits, without its serial chain of additions per trace.
// cs: (ns + 1) * (j1 - j0) doubles, tmp: ns * (j1 - j0).
GPRKIT_SIMD_CLONES void smooth_rows(const float* x, float* y, std::ptrdiff_t ns, std::ptrdiff_t nin,
                                    std::ptrdiff_t j0, std::ptrdiff_t j1, int level, double* cs,
                                    double* tmp) {
  const std::ptrdiff_t B = j1 - j0, m = std::ptrdiff_t{1} << (level - 1);
  const double inv = 1.0 / static_cast<double>(2 * m + 1);
  for (std::ptrdiff_t j = 0; j < B; ++j) cs[j] = 0.0;
  for (std::ptrdiff_t i = 0; i < ns; ++i) {
    const float* xr = x + i * nin + j0;
    for (std::ptrdiff_t j = 0; j < B; ++j)
      cs[(i + 1) * B + j] = cs[i * B + j] + static_cast<double>(xr[j]);
  }
  for (std::ptrdiff_t i = 0; i < ns; ++i) {
    const std::ptrdiff_t lo = std::max<std::ptrdiff_t>(0, i - m), hi = std::min(ns, i + m + 1);
    for (std::ptrdiff_t j = 0; j < B; ++j) tmp[i * B + j] = (cs[hi * B + j] - cs[lo * B + j]) * inv;
  }
  for (std::ptrdiff_t i = 0; i < ns; ++i)
    for (std::ptrdiff_t j = 0; j < B; ++j) cs[(i + 1) * B + j] = cs[i * B + j] + tmp[i * B + j];
  for (std::ptrdiff_t i = 0; i < ns; ++i) {
    const std::ptrdiff_t lo = std::max<std::ptrdiff_t>(0, i - m), hi = std::min(ns, i + m + 1);
    float* yr = y + i * nin + j0;
    for (std::ptrdiff_t j = 0; j < B; ++j)
      yr[j] = static_cast<float>((cs[hi * B + j] - cs[lo * B + j]) * inv);
  }
}

// Levels 1.. of a sample-major section whose level 0 is at levT (level l at l * ns * nin).
void sample_major_levels(float* levT, std::ptrdiff_t ns, std::ptrdiff_t nin, int nlev) {
  if (nlev == 1) return;
  constexpr std::ptrdiff_t kB = 64;  // traces per block: the prefix sums stay in L2
  const std::size_t stride = static_cast<std::size_t>(ns * nin);
  const std::ptrdiff_t nblk = (nin + kB - 1) / kB;
#pragma omp parallel num_threads(threads_for(stride* static_cast <std::size_t>(nlev)))
  {
    std::vector<double> cs(static_cast<std::size_t>((ns + 1) * kB)),
        tmp(static_cast<std::size_t>(ns * kB));
#pragma omp for schedule(static)
    for (std::ptrdiff_t b = 0; b < nblk; ++b)
      for (int l = 1; l < nlev; ++l)
        smooth_rows(levT, levT + static_cast<std::size_t>(l) * stride, ns, nin, b * kB,
                    std::min(nin, b * kB + kB), l, cs.data(), tmp.data());
  }
}

// dst (cols x rows) = the transpose of src (rows x cols, row-major), in cache-sized tiles.
void transpose(const float* src, std::ptrdiff_t cols, std::ptrdiff_t rows, float* dst) {
  constexpr std::ptrdiff_t T = 32;
#pragma omp parallel for num_threads(threads_for(static_cast <std::size_t>(rows * cols))) \
    schedule(static)
  for (std::ptrdiff_t r0 = 0; r0 < rows; r0 += T)
    for (std::ptrdiff_t c0 = 0; c0 < cols; c0 += T)
      for (std::ptrdiff_t r = r0; r < std::min(rows, r0 + T); ++r)
        for (std::ptrdiff_t c = c0; c < std::min(cols, c0 + T); ++c)
          dst[c * rows + r] = src[r * cols + c];
}

/// One trace offset d = j - k of the regular-grid sum: for output samples [i0, ntau) the input
/// sample position s, the weight wt and the anti-alias level lv (see sum_migrate).
struct RowOperator {
  const float* s;
  const float* wt;
  const int* lv;
  std::ptrdiff_t i0, d;
};
/// The sample-major input levels (levT[(l * ns + m) * nin + j]) and output (outT[i * nout + k]).
struct RegularGrid {
  std::ptrdiff_t nin, ntau, nout;
  float smax;
  const float* levT;
  std::size_t lev_stride;
  float* outT;
};

// Output traces [k0, k1): per offset and output sample, one interpolated row of input added to
// one row of output, a contiguous loop that each SIMD clone runs at its width (same bits: the
// operations per element do not change, and no multiply-add is fused).
GPRKIT_SIMD_CLONES void sum_regular_block(const RegularGrid& g, const RowOperator* ops,
                                          std::ptrdiff_t noff, std::ptrdiff_t k0,
                                          std::ptrdiff_t k1) {
  for (std::ptrdiff_t q = 0; q < noff; ++q) {
    const RowOperator& op = ops[q];
    const std::ptrdiff_t d = op.d;
    const std::ptrdiff_t lo = std::max(k0, -d), hi = std::min(k1, g.nin - d);  // 0 <= k+d < nin
    if (lo >= hi) continue;
    for (std::ptrdiff_t i = op.i0; i < g.ntau; ++i) {
      const float si = op.s[i];
      if (!(si >= 0.0f && si < g.smax)) continue;
      const auto m = static_cast<std::ptrdiff_t>(si);
      const float f = si - static_cast<float>(m), w = op.wt[i];
      const float* ra = g.levT + static_cast<std::size_t>(op.lv[i]) * g.lev_stride +
                        static_cast<std::size_t>(m * g.nin + d);
      const float* rb = ra + g.nin;
      float* o_row = g.outT + i * g.nout;
      for (std::ptrdiff_t k = lo; k < hi; ++k) o_row[k] += w * (ra[k] + f * (rb[k] - ra[k]));
    }
  }
}

}  // namespace

void sum_migrate(const SumInput& in, SumOutput& out, const Geometry& g, const MigrateOptions& o) {
  const char* where =
      o.method == MigrationMethod::kirchhoff ? "migrate(kirchhoff)" : "migrate(backprojection)";
  if (!o.vz_depth_m.empty())
    check::fail(where, "vz_depth_m size", static_cast<double>(o.vz_depth_m.size()),
                "an empty table (v(z) is used by phase_shift only)");
  const bool kirch = o.method == MigrationMethod::kirchhoff;
  const double v = o.velocity_m_per_ns, a = g.offset_m, h = g.height_m;
  const std::ptrdiff_t ns = in.ns, ntau = out.n_tau, nin = in.n_in, nout = out.n_out;
  const double dt = in.dt_ns, t0 = in.t0_ns;
  const bool three = in.three_d;

  // Depths of the output samples (z <= 0: above ground, left zero).
  std::vector<float> z(static_cast<std::size_t>(ntau));
  std::ptrdiff_t i_ground = ntau;
  for (std::ptrdiff_t i = ntau - 1; i >= 0; --i) {
    z[static_cast<std::size_t>(i)] =
        static_cast<float>(0.5 * v * (out.tau0_ns + static_cast<double>(i) * out.dtau_ns));
    if (z[static_cast<std::size_t>(i)] > 0) i_ground = i;
  }
  std::fill(out.data, out.data + ntau * nout, 0.0f);
  if (i_ground >= ntau) return;
  const double z_max = z.back();

  // Aperture.
  const double ap_deg =
      o.aperture_deg > 0 ? o.aperture_deg : (o.aperture_m > 0 ? 90.0 : kDefaultApertureDeg);
  const double tan_ap = ap_deg >= 90.0 ? 1e30 : std::tan(ap_deg * std::numbers::pi / 180.0);
  double extent = 0;
  for (const std::vector<double>* p :
       {&in.x_m, &in.y_m, static_cast<const std::vector<double>*>(&out.x_m),
        static_cast<const std::vector<double>*>(&out.y_m)})
    if (!p->empty()) extent = std::max(extent, std::abs(p->back() - p->front()));
  double extent_all = 0;
  {
    double lo = 1e300, hi = -1e300;
    for (const std::vector<double>* p :
         {&in.x_m, static_cast<const std::vector<double>*>(&out.x_m)})
      for (double x : *p) lo = std::min(lo, x), hi = std::max(hi, x);
    extent_all = hi - lo;
    if (three) extent_all = std::hypot(extent_all, extent);
  }
  double rho_lim = std::min(extent_all, z_max * tan_ap);
  if (o.aperture_m > 0) rho_lim = std::min(rho_lim, o.aperture_m);

  // Input (filtered) and anti-alias levels.
  double spacing = 0;
  for (double w : in.area) spacing = std::max(spacing, three ? std::sqrt(w) : w);
  int nlev = 1;
  if (kirch && o.antialias) {
    const double r = 2.0 / v * spacing / dt;  // largest shift between neighbours (samples)
    while (nlev < kMaxLevels && 1.5 * static_cast<double>(1 << (nlev - 1)) <= r) ++nlev;
  }
  // Level 0, trace-major; the smoothed levels are made below, in the layout each path reads.
  Workspace& ws = workspace();
  const TrimAtExit trim_at_exit{ws};
  std::vector<float>& base = ws.base;
  filter_traces(in, kirch, base);
  const std::size_t lev_stride = static_cast<std::size_t>(ns * nin);

  // One-way refracted travel-time table over horizontal distance (air gap only).
  const double rho_tab_max = rho_lim + 0.5 * a + 1e-6;
  const double drho = std::max(rho_tab_max / 4096.0, 0.0005);
  const auto nrho = static_cast<std::ptrdiff_t>(std::ceil(rho_tab_max / drho)) + 2;
  std::vector<float> tab;
  if (h > 0) {
    tab.assign(static_cast<std::size_t>(nrho * ntau), 0.0f);
#pragma omp parallel for num_threads(threads_for(static_cast <std::size_t>(nrho * ntau) * 20)) \
    schedule(static)
    for (std::ptrdiff_t m = 0; m < nrho; ++m) {
      double p = 0;
      for (std::ptrdiff_t i = i_ground; i < ntau; ++i)
        tab[static_cast<std::size_t>(m * ntau + i)] = static_cast<float>(one_way_refracted_ns(
            static_cast<double>(m) * drho, h, z[static_cast<std::size_t>(i)], v, p));
    }
  }

  const float inv_dt = static_cast<float>(1.0 / dt);
  const float ft0 = static_cast<float>(t0);
  const float inv_v = static_cast<float>(1.0 / v);
  const float smax = static_cast<float>(ns - 1);
  const float fspacing = static_cast<float>(spacing);

  // The operator of one input trace seen from one output trace at horizontal distances r1
  // (source), r2 (receiver) and rm (midpoint): for output samples [i0, ntau), the input sample
  // position s, the weight wt and the anti-alias level lv. i0 = ntau when outside the
  // aperture.
  struct Operator {
    std::vector<float> s, wt, slope;
    std::vector<int> lv;
    std::ptrdiff_t i0 = 0;
  };
  const auto build = [&](double r1, double r2, double rm, double area, Operator& op) {
    op.i0 = ntau;
    if (rm > rho_lim) return;
    double taper = 1.0;
    if (o.aperture_m > 0 && rm > 0.8 * o.aperture_m)
      taper = 0.5 *
              (1.0 + std::cos(std::numbers::pi * (rm - 0.8 * o.aperture_m) / (0.2 * o.aperture_m)));
    // First sample inside the angle aperture: z >= rm / tan.
    std::ptrdiff_t i0 = i_ground;
    if (tan_ap < 1e29) {
      const double zmin = rm / tan_ap;
      while (i0 < ntau && z[static_cast<std::size_t>(i0)] < zmin) ++i0;
    }
    op.i0 = i0;
    if (i0 >= ntau) return;
    float* sp = op.s.data();
    float* wp = op.wt.data();
    float* slp = op.slope.data();
    const float fr1 = static_cast<float>(r1), fr2 = static_cast<float>(r2),
                frm = static_cast<float>(rm);
    const auto farea = static_cast<float>(area * taper);
    const auto ftaper = static_cast<float>(taper);
    // Sample positions and operator slopes (vectorizable).
    if (h <= 0) {
      for (std::ptrdiff_t i = i0; i < ntau; ++i) {
        const float zi = z[static_cast<std::size_t>(i)];
        const float R1 = std::sqrt(fr1 * fr1 + zi * zi), R2 = std::sqrt(fr2 * fr2 + zi * zi);
        sp[i] = ((R1 + R2) * inv_v - ft0) * inv_dt;
        slp[i] = (fr1 / R1 + fr2 / R2) * inv_v;
      }
    } else {
      const double q1 = r1 / drho, q2 = r2 / drho;
      const auto m1 = static_cast<std::ptrdiff_t>(q1), m2 = static_cast<std::ptrdiff_t>(q2);
      const float w1 = static_cast<float>(q1 - static_cast<double>(m1)),
                  w2 = static_cast<float>(q2 - static_cast<double>(m2));
      const float* a1 = tab.data() + m1 * ntau;
      const float* b1 = a1 + ntau;
      const float* a2 = tab.data() + m2 * ntau;
      const float* b2 = a2 + ntau;
      const float idr = static_cast<float>(1.0 / drho);
      for (std::ptrdiff_t i = i0; i < ntau; ++i) {
        const float T1 = a1[i] + w1 * (b1[i] - a1[i]), T2 = a2[i] + w2 * (b2[i] - a2[i]);
        sp[i] = (T1 + T2 - ft0) * inv_dt;
        slp[i] = (b1[i] - a1[i] + b2[i] - a2[i]) * idr;
      }
    }
    if (kirch) {
      for (std::ptrdiff_t i = i0; i < ntau; ++i) {
        const float zi = z[static_cast<std::size_t>(i)];
        const float R = std::sqrt(frm * frm + zi * zi);
        const float spread = three ? 1.0f / R : 1.0f / std::sqrt(R);
        wp[i] = farea * (zi / R) * spread;
      }
    } else {
      for (std::ptrdiff_t i = i0; i < ntau; ++i) wp[i] = ftaper;
    }
    if (nlev > 1) {
      for (std::ptrdiff_t i = i0; i < ntau; ++i) {
        const float r = std::abs(slp[i]) * fspacing * inv_dt;
        int l = 0;
        float thr = 1.5f;
        while (l + 1 < nlev && r >= thr) ++l, thr *= 2.0f;
        op.lv[static_cast<std::size_t>(i)] = l;
      }
    }
  };
  const auto resize = [&](Operator& op) {
    op.s.resize(static_cast<std::size_t>(ntau));
    op.wt.resize(static_cast<std::size_t>(ntau));
    op.slope.resize(static_cast<std::size_t>(ntau));
    op.lv.assign(static_cast<std::size_t>(ntau), 0);
  };
  const std::size_t work = static_cast<std::size_t>(ntau) * static_cast<std::size_t>(nout) * 16;

  // 2-D on one regular grid (output positions = input positions, equal trace areas to
  // rounding): the operator depends on the trace offset d = j - k alone, so it is built once
  // per offset, and
  // for each (d, output sample) the same input sample is read from every trace. On traces
  // stored sample-major (all traces' sample m contiguous) the sum over output traces becomes
  // a contiguous multiply-add that vectorizes. Per output point the offsets are summed in the
  // same increasing order as in the general path below.
  const double dx = nin > 1 && std::ssize(in.x_m) == nin
                        ? (in.x_m.back() - in.x_m.front()) / static_cast<double>(nin - 1)
                        : 0.0;
  const std::ptrdiff_t max_off = [&]() -> std::ptrdiff_t {
    if (three || nout != nin || nin < 2 || !(dx > 0)) return -1;
    for (std::ptrdiff_t j = 0; j < nin; ++j) {
      const auto u = static_cast<std::size_t>(j);
      if (std::abs(in.x_m[u] - (in.x_m[0] + static_cast<double>(j) * dx)) > 1e-6 * dx ||
          out.x_m[u] != in.x_m[u] || std::abs(in.area[u] - in.area[0]) > 1e-6 * in.area[0])
        return -1;
    }
    const auto d = std::min<std::ptrdiff_t>(
        nin - 1, static_cast<std::ptrdiff_t>(std::floor(rho_lim / dx + 1e-9)));
    // The offset tables (16 bytes a sample: position, weight, slope, level) stay bounded.
    const double bytes = static_cast<double>(2 * d + 1) * static_cast<double>(ntau) * 16.0;
    return bytes <= 512.0 * (1 << 20) ? d : -1;
  }();
  if (max_off >= 0) {
    const std::ptrdiff_t noff = 2 * max_off + 1;
    // Kept like the Workspace. A reference, not the thread_local itself, inside the parallel
    // loops: there each thread would see its own (empty) thread_local.
    thread_local std::vector<Operator> kept_ops;
    std::vector<Operator>& ops = kept_ops;
    ops.resize(static_cast<std::size_t>(noff));
#pragma omp parallel for num_threads(threads_for(static_cast <std::size_t>(noff * ntau) * 8)) \
    schedule(static)
    for (std::ptrdiff_t q = 0; q < noff; ++q) {
      const double xd = static_cast<double>(q - max_off) * dx;  // x_j - x_k
      Operator& op = ops[static_cast<std::size_t>(q)];
      resize(op);
      build(std::abs(xd - 0.5 * a), std::abs(xd + 0.5 * a), std::abs(xd), in.area[0], op);
    }
    // Sample-major levels: levT[(l * ns + m) * nin + j].
    std::vector<float>& levT = ws.levT;
    levT.resize(lev_stride * static_cast<std::size_t>(nlev));  // every sample written below
    transpose(base.data(), ns, nin, levT.data());
    sample_major_levels(levT.data(), ns, nin, nlev);
    std::vector<float>& outT = ws.outT;
    outT.assign(static_cast<std::size_t>(ntau * nout), 0.0f);
    constexpr std::ptrdiff_t kBlock = 256;  // output traces per task: rows of 1 kB stay cached
    const std::ptrdiff_t nblk = (nout + kBlock - 1) / kBlock;
    std::vector<RowOperator> rows(static_cast<std::size_t>(noff));
    for (std::ptrdiff_t q = 0; q < noff; ++q) {
      const Operator& op = ops[static_cast<std::size_t>(q)];
      rows[static_cast<std::size_t>(q)] = {op.s.data(), op.wt.data(), op.lv.data(), op.i0,
                                           q - max_off};
    }
    const RegularGrid grid{nin, ntau, nout, smax, levT.data(), lev_stride, outT.data()};
#pragma omp parallel for num_threads(threads_for(work)) schedule(dynamic, 1)
    for (std::ptrdiff_t bk = 0; bk < nblk; ++bk)
      sum_regular_block(grid, rows.data(), noff, bk * kBlock, std::min(nout, bk * kBlock + kBlock));
    transpose(outT.data(), nout, ntau, out.data);
    if (ops.size() * static_cast<std::size_t>(ntau) * 16 > kKeepBytes)
      std::vector<Operator>().swap(ops);
    return;
  }

  const std::vector<float> lev = trace_major_levels(base, ns, nin, nlev);
#pragma omp parallel num_threads(threads_for(work))
  {
    Operator op;
    resize(op);
#pragma omp for schedule(dynamic, 4)
    for (std::ptrdiff_t k = 0; k < nout; ++k) {
      const double xk = out.x_m[static_cast<std::size_t>(k)];
      const double yk = three ? out.y_m[static_cast<std::size_t>(k)] : 0.0;
      float* dst = out.data + k * ntau;
      std::ptrdiff_t j0 = 0, j1 = nin;
      if (!three) {  // positions sorted: the traces within rho_lim
        j0 = std::lower_bound(in.x_m.begin(), in.x_m.end(), xk - rho_lim) - in.x_m.begin();
        j1 = std::upper_bound(in.x_m.begin(), in.x_m.end(), xk + rho_lim) - in.x_m.begin();
      }
      for (std::ptrdiff_t j = j0; j < j1; ++j) {
        const double xj = in.x_m[static_cast<std::size_t>(j)];
        const double yj = three ? in.y_m[static_cast<std::size_t>(j)] : 0.0;
        const double dy = yj - yk;
        build(std::hypot(xj - 0.5 * a - xk, dy), std::hypot(xj + 0.5 * a - xk, dy),
              std::hypot(xj - xk, dy), in.area[static_cast<std::size_t>(j)], op);
        // Gather with linear interpolation.
        const float* base = lev.data() + static_cast<std::size_t>(j * ns);
        for (std::ptrdiff_t i = op.i0; i < ntau; ++i) {
          const float si = op.s[static_cast<std::size_t>(i)];
          if (!(si >= 0.0f && si < smax)) continue;
          const auto m = static_cast<std::ptrdiff_t>(si);
          const float f = si - static_cast<float>(m);
          const float* tr =
              base +
              (nlev > 1 ? static_cast<std::size_t>(op.lv[static_cast<std::size_t>(i)]) * lev_stride
                        : 0);
          dst[i] += op.wt[static_cast<std::size_t>(i)] * (tr[m] + f * (tr[m + 1] - tr[m]));
        }
      }
    }
  }
}

}  // namespace gprkit::migrate_detail
