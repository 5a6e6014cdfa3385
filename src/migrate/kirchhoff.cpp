// Diffraction summation: Kirchhoff (filtered input, obliquity and spreading weights,
// anti-aliasing) and plain back-projection, 2-D or 3-D, bistatic, with refraction at the
// ground surface when the antenna is above it.
#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>

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
std::vector<float> filter_traces(const SumInput& in, bool kirchhoff) {
  const std::ptrdiff_t ns = in.ns;
  std::vector<float> outv(static_cast<std::size_t>(ns * in.n_in));
  if (!kirchhoff) {
    std::copy(in.data, in.data + ns * in.n_in, outv.begin());
    return outv;
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
  return outv;
}

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
  std::vector<float> lev(static_cast<std::size_t>(ns * nin) * static_cast<std::size_t>(nlev));
  {
    std::vector<float> base = filter_traces(in, kirch);
    std::copy(base.begin(), base.end(), lev.begin());
    if (nlev > 1) {
#pragma omp parallel num_threads(threads_for(static_cast <std::size_t>(ns * nin * nlev)))
      {
        std::vector<double> cs(static_cast<std::size_t>(ns + 1)), tmp(static_cast<std::size_t>(ns));
#pragma omp for schedule(static)
        for (std::ptrdiff_t j = 0; j < nin; ++j)
          for (int l = 1; l < nlev; ++l)
            smooth_level(base.data() + j * ns,
                         lev.data() +
                             static_cast<std::size_t>(l) * static_cast<std::size_t>(ns * nin) +
                             static_cast<std::size_t>(j * ns),
                         ns, l, cs, tmp);
      }
    }
  }
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
  const std::size_t work = static_cast<std::size_t>(ntau) * static_cast<std::size_t>(nout) * 16;
#pragma omp parallel num_threads(threads_for(work))
  {
    std::vector<float> s(static_cast<std::size_t>(ntau)), wt(static_cast<std::size_t>(ntau)),
        slope(static_cast<std::size_t>(ntau));
    std::vector<int> lv(static_cast<std::size_t>(ntau), 0);
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
        const double rm = std::hypot(xj - xk, dy);
        if (rm > rho_lim) continue;
        double taper = 1.0;
        if (o.aperture_m > 0 && rm > 0.8 * o.aperture_m)
          taper =
              0.5 *
              (1.0 + std::cos(std::numbers::pi * (rm - 0.8 * o.aperture_m) / (0.2 * o.aperture_m)));
        // First sample inside the angle aperture: z >= rm / tan.
        std::ptrdiff_t i0 = i_ground;
        if (tan_ap < 1e29) {
          const double zmin = rm / tan_ap;
          while (i0 < ntau && z[static_cast<std::size_t>(i0)] < zmin) ++i0;
        }
        if (i0 >= ntau) continue;
        const double r1 = std::hypot(xj - 0.5 * a - xk, dy), r2 = std::hypot(xj + 0.5 * a - xk, dy);
        const float fr1 = static_cast<float>(r1), fr2 = static_cast<float>(r2),
                    frm = static_cast<float>(rm);
        const float area = static_cast<float>(in.area[static_cast<std::size_t>(j)] * taper);
        const float ftaper = static_cast<float>(taper);
        // Phase A: sample positions, weights and operator slopes (vectorizable).
        if (h <= 0) {
          for (std::ptrdiff_t i = i0; i < ntau; ++i) {
            const float zi = z[static_cast<std::size_t>(i)];
            const float R1 = std::sqrt(fr1 * fr1 + zi * zi), R2 = std::sqrt(fr2 * fr2 + zi * zi);
            s[static_cast<std::size_t>(i)] = ((R1 + R2) * inv_v - ft0) * inv_dt;
            slope[static_cast<std::size_t>(i)] = (fr1 / R1 + fr2 / R2) * inv_v;
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
            s[static_cast<std::size_t>(i)] = (T1 + T2 - ft0) * inv_dt;
            slope[static_cast<std::size_t>(i)] = (b1[i] - a1[i] + b2[i] - a2[i]) * idr;
          }
        }
        if (kirch) {
          for (std::ptrdiff_t i = i0; i < ntau; ++i) {
            const float zi = z[static_cast<std::size_t>(i)];
            const float R = std::sqrt(frm * frm + zi * zi);
            const float spread = three ? 1.0f / R : 1.0f / std::sqrt(R);
            wt[static_cast<std::size_t>(i)] = area * (zi / R) * spread;
          }
        } else {
          for (std::ptrdiff_t i = i0; i < ntau; ++i) wt[static_cast<std::size_t>(i)] = ftaper;
        }
        if (nlev > 1) {
          for (std::ptrdiff_t i = i0; i < ntau; ++i) {
            const float r = std::abs(slope[static_cast<std::size_t>(i)]) * fspacing * inv_dt;
            int l = 0;
            float thr = 1.5f;
            while (l + 1 < nlev && r >= thr) ++l, thr *= 2.0f;
            lv[static_cast<std::size_t>(i)] = l;
          }
        }
        // Phase B: gather with linear interpolation.
        const float* base = lev.data() + static_cast<std::size_t>(j * ns);
        for (std::ptrdiff_t i = i0; i < ntau; ++i) {
          const float si = s[static_cast<std::size_t>(i)];
          if (!(si >= 0.0f && si < smax)) continue;
          const auto m = static_cast<std::ptrdiff_t>(si);
          const float f = si - static_cast<float>(m);
          const float* tr =
              base + (nlev > 1
                          ? static_cast<std::size_t>(lv[static_cast<std::size_t>(i)]) * lev_stride
                          : 0);
          dst[i] += wt[static_cast<std::size_t>(i)] * (tr[m] + f * (tr[m + 1] - tr[m]));
        }
      }
    }
  }
}

}  // namespace gprkit::migrate_detail
