// Migration and velocity analysis against simulator truth.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>

#include "gprkit/core/error.h"
#include "gprkit/migrate.h"
#include "gprkit/simulate/simulate.h"
#include "test_util.h"

using namespace gprkit;

namespace {

constexpr double kV = 0.1;

SimulateOptions small_scene() {
  SimulateOptions o;
  o.n_samples = 160;
  o.n_traces = 96;
  o.dt_ns = 0.025;
  o.dx_m = 0.01;
  o.velocity_m_per_ns = kV;
  o.centre_frequency_mhz = 1000;
  o.diffractors = {{0.30, 0.08, 1.0, 0}, {0.62, 0.14, 1.0, 0}};
  return o;
}

// Width (traces) at half maximum along x of a per-trace amplitude profile around trace j.
int half_width(const std::vector<double>& prof, std::ptrdiff_t j) {
  const double peak = prof[static_cast<std::size_t>(j)];
  int w = 1;
  for (std::size_t k = static_cast<std::size_t>(j) + 1; k < prof.size() && prof[k] >= 0.5 * peak;
       ++k)
    ++w;
  for (std::ptrdiff_t k = j - 1; k >= 0 && prof[static_cast<std::size_t>(k)] >= 0.5 * peak; --k)
    ++w;
  return w;
}

// Largest |value| in a box around (i, j).
std::pair<std::ptrdiff_t, std::ptrdiff_t> peak_near(const Bscan& b, std::ptrdiff_t i,
                                                    std::ptrdiff_t j, std::ptrdiff_t di,
                                                    std::ptrdiff_t dj) {
  std::pair<std::ptrdiff_t, std::ptrdiff_t> best{i, j};
  float m = -1;
  for (std::ptrdiff_t jj = std::max<std::ptrdiff_t>(0, j - dj);
       jj <= std::min(b.n_traces() - 1, j + dj); ++jj)
    for (std::ptrdiff_t ii = std::max<std::ptrdiff_t>(0, i - di);
         ii <= std::min(b.n_samples() - 1, i + di); ++ii)
      if (std::abs(b(ii, jj)) > m) {
        m = std::abs(b(ii, jj));
        best = {ii, jj};
      }
  return best;
}

double ncc(const Bscan& a, const Bscan& b) {
  double ab = 0, aa = 0, bb = 0;
  for (std::ptrdiff_t k = 0; k < a.n_samples() * a.n_traces(); ++k) {
    ab += static_cast<double>(a.data()[k]) * b.data()[k];
    aa += static_cast<double>(a.data()[k]) * a.data()[k];
    bb += static_cast<double>(b.data()[k]) * b.data()[k];
  }
  return ab / std::sqrt(aa * bb);
}

// Checks every target focuses within one trace and 2 cm, and >= 5x narrower than the input.
void check_focus(const Simulation& sim, const Bscan& img, double v) {
  const Header& h = img.header();
  for (const auto& t : sim.truth) {
    const auto j = static_cast<std::ptrdiff_t>(std::lround(t.x_m / h.dx_m));
    const auto i =
        static_cast<std::ptrdiff_t>(std::lround((2.0 * t.depth_m / v - h.t0_ns) / h.dt_ns));
    const auto [pi, pj] = peak_near(img, i, j, 24, 6);
    const double x = h.trace_x_m(pj);
    const double z = 0.5 * v * h.time_ns(static_cast<double>(pi));
    INFO("target x " << t.x_m << " depth " << t.depth_m << " -> x " << x << " depth " << z);
    CHECK(std::abs(x - t.x_m) <= h.dx_m + 1e-9);
    CHECK(std::abs(z - t.depth_m) <= 0.02);
    // Input: |amplitude| along the true hyperbola; output: per-trace peak near the focus.
    const Header& hi = sim.bscan.header();
    std::vector<double> pin(static_cast<std::size_t>(img.n_traces())), pout(pin.size());
    for (std::ptrdiff_t k = 0; k < img.n_traces(); ++k) {
      const double x = hi.trace_x_m(k);
      const double tt =
          two_way_time_ns(x - hi.antenna_separation_m / 2, x + hi.antenna_separation_m / 2,
                          hi.antenna_height_m, t.x_m, t.depth_m, v);
      const auto s = static_cast<std::ptrdiff_t>(std::lround((tt - hi.t0_ns) / hi.dt_ns));
      pin[static_cast<std::size_t>(k)] =
          s < sim.bscan.n_samples() ? std::abs(sim.bscan(s, k)) : 0.0;
      for (std::ptrdiff_t i2 = std::max<std::ptrdiff_t>(0, pi - 10);
           i2 <= std::min(img.n_samples() - 1, pi + 10); ++i2)
        pout[static_cast<std::size_t>(k)] =
            std::max(pout[static_cast<std::size_t>(k)], static_cast<double>(std::abs(img(i2, k))));
    }
    const int w_in = half_width(pin, j);
    const int w_out = half_width(pout, pj);
    INFO("half-max width in " << w_in << " out " << w_out);
    CHECK(w_in >= 5 * w_out);
  }
}

}  // namespace

TEST_CASE("migrate: every method focuses point diffractors at the truth", "[migrate]") {
  const Simulation sim = simulate(small_scene());
  for (auto m : {MigrationMethod::stolt, MigrationMethod::phase_shift, MigrationMethod::kirchhoff,
                 MigrationMethod::backprojection}) {
    INFO("method " << static_cast<int>(m));
    MigrateOptions o;
    o.method = m;
    o.velocity_m_per_ns = kV;
    check_focus(sim, migrate(sim.bscan, o), kV);
  }
}

TEST_CASE("migrate: air gap and antenna offset are honoured", "[migrate]") {
  SimulateOptions so = small_scene();
  so.antenna_height_m = 0.03;
  so.antenna_offset_m = 0.04;
  so.n_samples = 200;
  const Simulation sim = simulate(so);
  for (auto m :
       {MigrationMethod::stolt, MigrationMethod::kirchhoff, MigrationMethod::backprojection}) {
    INFO("method " << static_cast<int>(m));
    MigrateOptions o;
    o.method = m;
    o.velocity_m_per_ns = kV;
    const Bscan img = migrate(sim.bscan, o);
    CHECK(img.header().antenna_height_m == 0.0);
    for (const auto& t : sim.truth) {
      const auto j = static_cast<std::ptrdiff_t>(std::lround(t.x_m / 0.01));
      const auto [pi, pj] = peak_near(
          img, static_cast<std::ptrdiff_t>(std::lround(2 * t.depth_m / kV / 0.025)), j, 24, 6);
      CHECK(std::abs(img.header().trace_x_m(pj) - t.x_m) <= 0.01 + 1e-9);
      CHECK(std::abs(0.5 * kV * img.header().time_ns(static_cast<double>(pi)) - t.depth_m) <= 0.02);
    }
  }
}

TEST_CASE("migrate: methods agree (normalized cross-correlation)", "[migrate]") {
  const Simulation sim = simulate(small_scene());
  MigrateOptions o;
  o.velocity_m_per_ns = kV;
  const Bscan st = migrate(sim.bscan, o);
  o.method = MigrationMethod::phase_shift;
  const Bscan ps = migrate(sim.bscan, o);
  o.method = MigrationMethod::kirchhoff;
  const Bscan kh = migrate(sim.bscan, o);
  CHECK(ncc(st, ps) > 0.99);
  CHECK(ncc(st, kh) > 0.8);
}

TEST_CASE("migrate: dipping reflector migrates to its true dip", "[migrate]") {
  SimulateOptions so = small_scene();
  so.diffractors.clear();
  so.n_traces = 128;
  so.n_samples = 340;
  so.dt_ns = 0.04;
  so.centre_frequency_mhz = 600;
  const double dip = 30.0;
  so.layers = {{0.02, dip, 0.0, 1.0}};
  const Simulation sim = simulate(so);
  auto fitted_dip = [&](const Bscan& img) {
    // Fit depth(x) of the per-trace maximum over the middle traces.
    double sx = 0, sz = 0, sxx = 0, sxz = 0, n = 0;
    for (std::ptrdiff_t j = 30; j < 90; ++j) {
      std::ptrdiff_t best = 0;
      for (std::ptrdiff_t i = 1; i < img.n_samples(); ++i)
        if (img(i, j) > img(best, j)) best = i;
      const double x = img.header().trace_x_m(j),
                   z = 0.5 * kV * img.header().time_ns(static_cast<double>(best));
      sx += x;
      sz += z;
      sxx += x * x;
      sxz += x * z;
      n += 1;
    }
    const double slope = (n * sxz - sx * sz) / (n * sxx - sx * sx);
    return std::atan(slope) * 180.0 / std::numbers::pi;
  };
  // Unmigrated, the reflector shows a smaller apparent dip (atan(sin 30) = 26.6 deg).
  CHECK(std::abs(fitted_dip(sim.bscan) - dip) > 2.5);
  for (auto m :
       {MigrationMethod::stolt, MigrationMethod::phase_shift, MigrationMethod::kirchhoff}) {
    MigrateOptions o;
    o.method = m;
    o.velocity_m_per_ns = kV;
    o.aperture_deg = 80;
    const double got = fitted_dip(migrate(sim.bscan, o));
    INFO("method " << static_cast<int>(m) << " dip " << got);
    CHECK(std::abs(got - dip) <= 2.0);
  }
}

TEST_CASE("migrate: zero in gives zero out, migration is linear", "[migrate]") {
  SimulateOptions so = small_scene();
  so.n_traces = 48;
  so.n_samples = 100;
  so.diffractors = {{0.2, 0.06, 1.0, 0}};
  const Bscan a = simulate(so).bscan;
  so.diffractors = {{0.3, 0.09, -0.7, 0}};
  so.noise_std = 0.05;
  const Bscan b = simulate(so).bscan;
  Bscan ab = a;
  for (std::ptrdiff_t k = 0; k < ab.n_samples() * ab.n_traces(); ++k) ab.data()[k] += b.data()[k];
  Bscan zero(a.n_samples(), a.n_traces(), a.header());
  for (auto m : {MigrationMethod::stolt, MigrationMethod::phase_shift, MigrationMethod::kirchhoff,
                 MigrationMethod::backprojection}) {
    MigrateOptions o;
    o.method = m;
    const Bscan z = migrate(zero, o);
    CHECK(std::all_of(z.data(), z.data() + z.n_samples() * z.n_traces(),
                      [](float x) { return x == 0.0f; }));
    const Bscan A = migrate(a, o), B = migrate(b, o), AB = migrate(ab, o);
    double err = 0, ref = 0;
    for (std::ptrdiff_t k = 0; k < AB.n_samples() * AB.n_traces(); ++k) {
      err = std::max(err, static_cast<double>(std::abs(AB.data()[k] - A.data()[k] - B.data()[k])));
      ref = std::max(ref, static_cast<double>(std::abs(AB.data()[k])));
    }
    INFO("method " << static_cast<int>(m));
    CHECK(err <= 1e-4 * ref);
  }
}

TEST_CASE("migrate: results do not depend on the thread count", "[migrate]") {
  SimulateOptions so = small_scene();
  const Bscan in = simulate(so).bscan;
  for (auto m : {MigrationMethod::stolt, MigrationMethod::phase_shift, MigrationMethod::kirchhoff,
                 MigrationMethod::backprojection}) {
    MigrateOptions o;
    o.method = m;
    auto [a, b] = test::with_1_and_2_threads([&] { return migrate(in, o); });
    CHECK(test::identical(a, b));
  }
}

TEST_CASE("migrate: the regular-grid summation equals the general one", "[migrate]") {
  // On a regular grid the summation builds its operator once per trace offset and sums over
  // sample-major traces; positions off the grid by 1e-5 of the spacing take the general
  // per-pair path. Both must give the same image (bistatic, with an air gap).
  SimulateOptions so = small_scene();
  so.antenna_offset_m = 0.04;
  Bscan grid = simulate(so).bscan;
  grid.header().antenna_height_m = 0.02;
  Bscan off = grid;
  for (std::size_t j = 0; j < off.header().x_m.size(); ++j)
    off.header().x_m[j] += 1e-7 * std::sin(static_cast<double>(j));
  for (auto m : {MigrationMethod::kirchhoff, MigrationMethod::backprojection}) {
    MigrateOptions o;
    o.method = m;
    o.antialias = false;  // the anti-alias level is a threshold: rounding may flip it
    const Bscan a = migrate(grid, o), b = migrate(off, o);
    float peak = 0, diff = 0;
    for (std::ptrdiff_t j = 0; j < a.n_traces(); ++j)
      for (std::ptrdiff_t i = 0; i < a.n_samples(); ++i) {
        peak = std::max(peak, std::abs(b(i, j)));
        diff = std::max(diff, std::abs(a(i, j) - b(i, j)));
      }
    CHECK(peak > 0);
    CHECK(diff <= 1e-4f * peak);
  }
}

TEST_CASE("migrate: phase shift with a v(z) table", "[migrate]") {
  const Simulation sim = simulate(small_scene());
  MigrateOptions o;
  o.method = MigrationMethod::phase_shift;
  o.vz_depth_m = {0.0, 0.5};
  o.vz_velocity_m_per_ns = {kV, kV};
  const Bscan table = migrate(sim.bscan, o);
  o.vz_depth_m.clear();
  o.vz_velocity_m_per_ns.clear();
  o.velocity_m_per_ns = kV;
  const Bscan constant = migrate(sim.bscan, o);
  CHECK(ncc(table, constant) > 0.9999);
  // A faster layer below 0.11 m leaves the shallow target's image (0.08 m) as it was and
  // changes the deeper one's (0.14 m).
  o.vz_depth_m = {0.0, 0.1, 0.11, 0.5};
  o.vz_velocity_m_per_ns = {kV, kV, 0.14, 0.14};
  const Bscan layered = migrate(sim.bscan, o);
  auto window_ncc = [&](std::ptrdiff_t i0, std::ptrdiff_t i1, std::ptrdiff_t j0,
                        std::ptrdiff_t j1) {
    double ab = 0, aa = 0, bb = 0;
    for (std::ptrdiff_t j = j0; j < j1; ++j)
      for (std::ptrdiff_t i = i0; i < i1; ++i) {
        ab += static_cast<double>(layered(i, j)) * constant(i, j);
        aa += static_cast<double>(layered(i, j)) * layered(i, j);
        bb += static_cast<double>(constant(i, j)) * constant(i, j);
      }
    return ab / std::sqrt(aa * bb);
  };
  CHECK(window_ncc(50, 80, 20, 40) > 0.99);   // around (0.30 m, 0.08 m): 64 samples
  CHECK(window_ncc(95, 130, 52, 72) < 0.95);  // around (0.62 m, 0.14 m): 112 samples
  o.vz_depth_m = {0.0, 0.05};
  o.vz_velocity_m_per_ns = {kV, kV};
  CHECK_THROWS_AS(migrate(sim.bscan, o), InvalidArgument);  // does not cover the section
}

TEST_CASE("migrate: uneven trace positions (kirchhoff)", "[migrate]") {
  SimulateOptions so = small_scene();
  const Simulation sim = simulate(so);
  // Drop every third trace: positions become uneven.
  std::vector<std::ptrdiff_t> keep;
  for (std::ptrdiff_t j = 0; j < sim.bscan.n_traces(); ++j)
    if (j % 3 != 1) keep.push_back(j);
  Header h = sim.bscan.header();
  h.x_m.clear();
  Bscan thin(sim.bscan.n_samples(), static_cast<std::ptrdiff_t>(keep.size()), h);
  for (std::size_t k = 0; k < keep.size(); ++k) {
    std::copy(sim.bscan.trace(keep[k]), sim.bscan.trace(keep[k]) + sim.bscan.n_samples(),
              thin.trace(static_cast<std::ptrdiff_t>(k)));
    thin.header().x_m.push_back(sim.bscan.header().x_m[static_cast<std::size_t>(keep[k])]);
  }
  MigrateOptions o;
  o.method = MigrationMethod::kirchhoff;
  const Bscan img = migrate(thin, o);
  for (const auto& t : sim.truth) {
    std::size_t jk = 0;
    for (std::size_t k = 0; k < keep.size(); ++k)
      if (std::abs(thin.header().x_m[k] - t.x_m) < std::abs(thin.header().x_m[jk] - t.x_m)) jk = k;
    const auto [pi, pj] =
        peak_near(img, static_cast<std::ptrdiff_t>(std::lround(2 * t.depth_m / kV / 0.025)),
                  static_cast<std::ptrdiff_t>(jk), 24, 4);
    CHECK(std::abs(thin.header().x_m[static_cast<std::size_t>(pj)] - t.x_m) <= 0.02 + 1e-9);
    CHECK(std::abs(0.5 * kV * img.header().time_ns(static_cast<double>(pi)) - t.depth_m) <= 0.02);
  }
  MigrateOptions st;  // f-k needs even spacing
  CHECK_THROWS_AS(migrate(thin, st), InvalidArgument);
}

TEST_CASE("backproject: caller grid, bistatic with air gap", "[migrate]") {
  SimulateOptions so = small_scene();
  so.antenna_height_m = 0.04;
  so.antenna_offset_m = 0.05;
  so.n_samples = 200;
  const Simulation sim = simulate(so);
  ImageGrid g;
  for (int k = 0; k < 41; ++k) g.x_m.push_back(0.2 + 0.0125 * k);
  g.depth0_m = 0.02;
  g.ddepth_m = 0.0025;
  g.n_depths = 60;
  MigrateOptions o;
  o.method = MigrationMethod::backprojection;
  const Bscan img = backproject(sim.bscan, g, o);
  REQUIRE(img.n_samples() == 60);
  REQUIRE(img.n_traces() == 41);
  const auto& t = sim.truth[0];  // (0.30, 0.08)
  const auto [pi, pj] = peak_near(img, 30, 20, 29, 20);
  CHECK(std::abs(g.x_m[static_cast<std::size_t>(pj)] - t.x_m) <= 0.0125);
  CHECK(std::abs(g.depth0_m + g.ddepth_m * static_cast<double>(pi) - t.depth_m) <= 0.02);
  CHECK(std::abs(0.5 * kV * img.header().time_ns(static_cast<double>(pi)) -
                 (g.depth0_m + g.ddepth_m * static_cast<double>(pi))) < 1e-9);
}

TEST_CASE("migrate_3d: stolt and kirchhoff focus a point in a volume", "[migrate]") {
  const std::ptrdiff_t ns = 96, nx = 24, ny = 20;
  const double dt = 0.025, dx = 0.01, dy = 0.012;
  const double x0 = 0.12, y0 = 0.108, z0 = 0.06;
  std::vector<float> vol(static_cast<std::size_t>(ns * nx * ny));
  for (std::ptrdiff_t l = 0; l < ny; ++l)
    for (std::ptrdiff_t j = 0; j < nx; ++j) {
      const double r = std::sqrt(std::pow(j * dx - x0, 2) + std::pow(l * dy - y0, 2) + z0 * z0);
      for (std::ptrdiff_t i = 0; i < ns; ++i)
        vol[static_cast<std::size_t>(i + ns * (j + nx * l))] =
            static_cast<float>(ricker(i * dt - 2 * r / kV, 1000));
    }
  for (auto m : {MigrationMethod::stolt, MigrationMethod::kirchhoff}) {
    std::vector<float> out(vol.size());
    MigrateOptions o;
    o.method = m;
    migrate_3d(vol.data(), out.data(), ns, nx, ny, VolumeGeometry{dt, 0.0, dx, dy, 0.0, 0.0}, o);
    const auto k = std::max_element(out.begin(), out.end(),
                                    [](float a, float b) { return std::abs(a) < std::abs(b); }) -
                   out.begin();
    const std::ptrdiff_t i = k % ns, j = (k / ns) % nx, l = k / (ns * nx);
    INFO("method " << static_cast<int>(m) << " peak " << i << " " << j << " " << l);
    CHECK(std::abs(j * dx - x0) <= dx + 1e-9);
    CHECK(std::abs(l * dy - y0) <= dy + 1e-9);
    CHECK(std::abs(0.5 * kV * i * dt - z0) <= 0.02);
  }
}

TEST_CASE("estimate_velocity and fit_hyperbola recover the simulated velocity", "[migrate]") {
  for (double v : {0.08, 0.12}) {
    SimulateOptions so = small_scene();
    so.velocity_m_per_ns = v;
    const Simulation sim = simulate(so);
    VelocityOptions vo;
    vo.n_velocities = 16;
    const VelocityEstimate e = estimate_velocity(sim.bscan, vo);
    INFO("v " << v << " estimate " << e.velocity_m_per_ns);
    CHECK(std::abs(e.velocity_m_per_ns - v) <= 0.03 * v);
    CHECK(e.quality > 0.3);
    const auto& t = sim.truth[0];
    const HyperbolaFit f = fit_hyperbola(
        sim.bscan, 30, static_cast<std::ptrdiff_t>(std::lround(t.apex_time_ns / 0.025)));
    CHECK(std::abs(f.velocity_m_per_ns - v) <= 0.03 * v);
    CHECK(std::abs(f.apex_depth_m - t.depth_m) <= 0.01);
  }
  // Air gap: the semblance method with refracted travel times.
  SimulateOptions so = small_scene();
  so.antenna_height_m = 0.03;
  so.antenna_offset_m = 0.04;
  so.velocity_m_per_ns = 0.08;
  so.n_samples = 220;
  so.diffractors = {{0.48, 0.14, 1.0, 0}};
  const Simulation sim = simulate(so);
  const VelocityEstimate e = estimate_velocity(sim.bscan);
  CHECK(e.method == VelocityMethod::semblance);
  CHECK(std::abs(e.velocity_m_per_ns - 0.08) <= 0.03 * 0.08);
}

TEST_CASE("estimate_velocity: within 5 % at 0 dB SNR in the target window", "[migrate]") {
  SimulateOptions so = small_scene();
  const Simulation clean = simulate(so);
  // Signal RMS over the window holding the first hyperbola (traces 10-50, +-1 ns about it).
  double s2 = 0;
  std::ptrdiff_t n = 0;
  for (std::ptrdiff_t j = 10; j < 50; ++j)
    for (std::ptrdiff_t i = 40; i < 160; ++i, ++n)
      s2 += static_cast<double>(clean.bscan(i, j)) * clean.bscan(i, j);
  so.noise_std = std::sqrt(s2 / static_cast<double>(n));
  const Simulation noisy = simulate(so);
  for (auto m : {VelocityMethod::focus, VelocityMethod::semblance}) {
    VelocityOptions vo;
    vo.method = m;
    vo.n_velocities = 16;
    const VelocityEstimate e = estimate_velocity(noisy.bscan, vo);
    INFO("method " << static_cast<int>(m) << " estimate " << e.velocity_m_per_ns);
    CHECK(std::abs(e.velocity_m_per_ns - kV) <= 0.05 * kV);
  }
}

TEST_CASE("migrate: bad input is rejected with InvalidArgument", "[migrate]") {
  const Bscan in = simulate(small_scene()).bscan;
  auto bad = [&](auto change) {
    MigrateOptions o;
    change(o);
    return o;
  };
  CHECK_THROWS_AS(migrate(in, bad([](auto& o) { o.velocity_m_per_ns = 0; })), InvalidArgument);
  CHECK_THROWS_AS(migrate(in, bad([](auto& o) { o.velocity_m_per_ns = std::nan(""); })),
                  InvalidArgument);
  CHECK_THROWS_AS(migrate(in, bad([](auto& o) { o.velocity_m_per_ns = INFINITY; })),
                  InvalidArgument);
  CHECK_THROWS_AS(migrate(in, bad([](auto& o) {
                            o.method = MigrationMethod::kirchhoff;
                            o.aperture_m = 0;
                          })),
                  InvalidArgument);
  CHECK_THROWS_AS(migrate(in, bad([](auto& o) {
                            o.method = MigrationMethod::kirchhoff;
                            o.aperture_deg = -5;
                          })),
                  InvalidArgument);
  CHECK_THROWS_AS(migrate(in, bad([](auto& o) {
                            o.method = MigrationMethod::phase_shift;
                            o.vz_depth_m = {0.1, 0.0};
                            o.vz_velocity_m_per_ns = {0.1, 0.1};
                          })),
                  InvalidArgument);
  Bscan unsorted = in;
  std::swap(unsorted.header().x_m[3], unsorted.header().x_m[4]);
  CHECK_THROWS_AS(migrate(unsorted, bad([](auto& o) { o.method = MigrationMethod::kirchhoff; })),
                  InvalidArgument);
  Bscan repeated = in;
  repeated.header().x_m[4] = repeated.header().x_m[3];
  CHECK_THROWS_AS(migrate(repeated, bad([](auto& o) { o.method = MigrationMethod::kirchhoff; })),
                  InvalidArgument);
  Bscan nan = in;
  nan(5, 5) = std::nanf("");
  CHECK_THROWS_AS(migrate(nan), InvalidArgument);
  VelocityOptions vo;
  vo.min_velocity_m_per_ns = 0.2;
  vo.max_velocity_m_per_ns = 0.1;
  CHECK_THROWS_AS(estimate_velocity(in, vo), InvalidArgument);
  CHECK_THROWS_AS(fit_hyperbola(in, 500, 10), InvalidArgument);
  try {
    migrate(in, bad([](auto& o) { o.velocity_m_per_ns = -1; }));
    FAIL("no throw");
  } catch (const InvalidArgument& e) {
    CHECK(std::string(e.what()).find("velocity_m_per_ns") != std::string::npos);
  }
}
