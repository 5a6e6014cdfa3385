#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <functional>
#include <numbers>
#include <string>
#include <thread>
#include <vector>

#include "gprkit/clutter.h"
#include "gprkit/core/error.h"
#include "gprkit/core/fft.h"
#include "gprkit/core/threads.h"
#include "gprkit/detect.h"
#include "gprkit/filters.h"
#include "gprkit/migrate.h"
#include "gprkit/simulate/simulate.h"

using namespace gprkit;

TEST_CASE("threads: set, get and restore the default", "[core]") {
  const int saved = get_num_threads();
  set_num_threads(3);
  CHECK(get_num_threads() == 3);
  CHECK(threads_for(10) == 1);  // tiny work runs serially
  CHECK(threads_for(std::size_t{1} << 24) == 3);
  CHECK_THROWS_AS(set_num_threads(-1), InvalidArgument);
  set_num_threads(0);
  CHECK(get_num_threads() >= 1);
  set_num_threads(saved);
}

TEST_CASE("fft: round trip, a known tone, fast sizes, plan reuse", "[core]") {
  CHECK(fft::fast_size(1025) == 1029);  // 3 * 7^3
  CHECK(fft::fast_size(1024) == 1024);
  CHECK(fft::fast_size(11) == 12);
  const std::size_t n = 256;
  auto x = fft::alloc_real(n);
  auto X = fft::alloc_complex(n / 2 + 1);
  for (std::size_t i = 0; i < n; ++i)
    x[i] = static_cast<float>(std::cos(2 * std::numbers::pi * 5 * i / n));
  fft::r2c(n, x.get(), X.get());
  CHECK(std::abs(X[5]) == Approx(n / 2.0).epsilon(1e-5));
  CHECK(std::abs(X[6]) < 1e-3);
  const std::size_t plans = fft::cached_plan_count();
  fft::c2r(n, X.get(), x.get());
  CHECK(x[3] / n == Approx(std::cos(2 * std::numbers::pi * 5 * 3 / n)).margin(1e-5));
  fft::r2c(n, x.get(), X.get());
  CHECK(fft::cached_plan_count() == plans + 1);  // c2r added one; r2c reused
  // Plans are shared by threads: concurrent use gives the same answer.
  std::vector<std::thread> pool;
  std::vector<float> results(4);
  for (int t = 0; t < 4; ++t)
    pool.emplace_back([&, t] {
      auto a = fft::alloc_complex(64);
      for (int i = 0; i < 64; ++i) a[i] = fft::cfloat(static_cast<float>(i == 1), 0.0f);
      fft::c2c(64, a.get(), a.get(), -1);
      results[static_cast<std::size_t>(t)] = std::abs(a[7]);
    });
  for (auto& th : pool) th.join();
  for (float r : results) CHECK(r == Approx(1.0f));
  // 2-D transform of a delta is flat.
  auto g = fft::alloc_complex(8 * 6);
  for (int i = 0; i < 48; ++i) g[i] = 0;
  g[0] = 1;
  fft::c2c_2d(8, 6, g.get(), g.get(), -1);
  for (int i = 0; i < 48; ++i) CHECK(std::abs(g[i]) == Approx(1.0f));
}

namespace {

// The bits of a kernel's output, for exact comparison.
struct Bits {
  std::vector<float> f;
  void add(const float* p, std::ptrdiff_t n) { f.insert(f.end(), p, p + n); }
  void add(const Bscan& b) { add(b.data(), b.n_samples() * b.n_traces()); }
  void add(double v) {
    f.push_back(static_cast<float>(v)), f.push_back(static_cast<float>(v - static_cast<float>(v)));
  }
  bool operator==(const Bits& o) const {
    return f.size() == o.f.size() &&
           std::memcmp(f.data(), o.f.data(), f.size() * sizeof(float)) == 0;
  }
};

// A line long enough (> 64k samples) for every kernel to run its parallel regions.
Bscan line() {
  SimulateOptions o;
  o.n_samples = 256;
  o.n_traces = 400;
  o.t0_ns = -0.5;
  o.antenna_offset_m = 0.05;
  o.antenna_height_m = 0.03;
  o.height_variation_m = 0.01;
  o.ground_bounce_amplitude = -1.0;
  o.direct_wave_amplitude = 1.0;
  o.noise_std = 0.02;
  o.diffractors = {{0.8, 0.08, 0.3, 0}, {2.0, 0.05, 1.0, 1}, {3.1, 0.12, 0.3, 0}};
  return simulate(o).bscan;
}

}  // namespace

TEST_CASE("threads: every kernel gives the same bits at 1, 2 and 3 threads, plans cached or not",
          "[core][threads]") {
  const Bscan b = line();
  // 128 x 32 x 16: an odd number of padded spectra per line puts the f-k lines of the volume
  // off FFTW's SIMD alignment.
  const std::ptrdiff_t ns3 = 128, nx3 = 32, ny3 = 16;
  std::vector<float> vol(static_cast<std::size_t>(ns3 * nx3 * ny3));
  for (std::ptrdiff_t l = 0; l < ny3; ++l)
    for (std::ptrdiff_t j = 0; j < nx3; ++j)
      std::copy(b.trace(j + 10 * l), b.trace(j + 10 * l) + ns3, vol.data() + (l * nx3 + j) * ns3);
  const Bscan sc = score(b, {});

  using Kernel = std::function<Bits()>;
  std::vector<std::pair<std::string, Kernel>> kernels;
  auto section = [&](std::string name, std::function<Bscan()> f) {
    kernels.emplace_back(std::move(name), [f] {
      Bits r;
      r.add(f());
      return r;
    });
  };
  section("dc_remove", [&] { return dc_remove(b); });
  section("dewow", [&] { return dewow(b); });
  section("time_zero", [&] { return time_zero(b); });
  section("bandpass", [&] { return bandpass(b, {.low_mhz = 250, .high_mhz = 2500}); });
  section("gain tpow", [&] { return gain(b); });
  section("gain agc", [&] { return gain(b, {.kind = GainKind::agc, .window_ns = 1.0}); });
  section("envelope", [&] { return envelope(b); });
  for (auto m :
       {BackgroundMethod::mean, BackgroundMethod::median, BackgroundMethod::moving_mean,
        BackgroundMethod::moving_median, BackgroundMethod::svd, BackgroundMethod::ground_bounce})
    section("remove_background " + std::to_string(static_cast<int>(m)), [&b, m] {
      BackgroundOptions o;
      o.method = m;
      return remove_background(b, o);
    });
  kernels.emplace_back("truncated_svd", [&] {
    const auto s = truncated_svd(b.view(), 4);
    Bits r;
    for (double v : s.singular_values) r.add(v);
    r.add(s.u.data(), static_cast<std::ptrdiff_t>(s.u.size()));
    return r;
  });
  kernels.emplace_back("rpca", [&] {
    Bscan low(b.n_samples(), b.n_traces()), sparse(b.n_samples(), b.n_traces());
    RpcaOptions o;
    o.max_iterations = 8;
    rpca(b.view(), low.view(), sparse.view(), o);
    Bits r;
    r.add(low);
    r.add(sparse);
    return r;
  });
  for (auto m : {MigrationMethod::stolt, MigrationMethod::phase_shift, MigrationMethod::kirchhoff,
                 MigrationMethod::backprojection}) {
    section("migrate " + std::to_string(static_cast<int>(m)), [&b, m] {
      MigrateOptions o;
      o.method = m;
      return migrate(b, o);
    });
    kernels.emplace_back("migrate_3d " + std::to_string(static_cast<int>(m)), [&vol, m] {
      std::vector<float> out(vol.size());
      MigrateOptions o;
      o.method = m;
      VolumeGeometry g;
      g.dt_ns = 0.025;
      g.antenna_height_m = 0.03;
      migrate_3d(vol.data(), out.data(), ns3, nx3, ny3, g, o);
      Bits r;
      r.add(out.data(), static_cast<std::ptrdiff_t>(out.size()));
      return r;
    });
  }
  for (auto m : {ScoreMethod::energy, ScoreMethod::rx, ScoreMethod::hyperbola})
    section("score " + std::to_string(static_cast<int>(m)), [&b, m] {
      ScoreOptions o;
      o.method = m;
      return score(b, o);
    });
  for (auto m : {CfarMethod::ca, CfarMethod::os})
    section("cfar " + std::to_string(static_cast<int>(m)), [&sc, m] {
      CfarOptions o;
      o.method = m;
      o.model = CfarModel::gaussian;
      o.train_samples = 2;
      return cfar(sc, o);
    });
  kernels.emplace_back("detect", [&] {
    DetectReport rep;
    Bits r;
    for (const auto& d : detect(b, {}, &rep)) {
      r.add(d.x_m);
      r.add(d.depth_m);
      r.add(d.score);
    }
    r.add(rep.score);
    return r;
  });

  const int saved = get_num_threads();
  // The first call at 2 threads makes and caches the plans; later calls at other counts
  // reuse them (the thread count in force when a plan was made must not matter).
  for (const auto& [name, f] : kernels) {
    INFO(name);
    set_num_threads(2);
    const Bits ref = f();
    REQUIRE(!ref.f.empty());
    for (int n : {1, 3, 2, 1}) {
      INFO("threads " << n);
      set_num_threads(n);
      CHECK(f() == ref);
    }
  }
  set_num_threads(saved);
}

TEST_CASE("fft: a batch on a buffer off SIMD alignment gives the aligned batch's answer",
          "[core]") {
  // f-k migration transforms slices of one big buffer; a slice's start need not be aligned.
  const std::size_t n = 12, howmany = 9;
  auto a = fft::alloc_complex(n * howmany + 1);
  auto b = fft::alloc_complex(n * howmany);
  for (std::size_t k = 0; k < n * howmany; ++k)
    a[k + 1] = b[k] = fft::cfloat(std::cos(0.37f * static_cast<float>(k)),
                                  std::sin(0.11f * static_cast<float>(k * k % 17)));
  fft::c2c_many(n, howmany, a.get() + 1, a.get() + 1, -1);
  fft::c2c_many(n, howmany, b.get(), b.get(), -1);
  for (std::size_t k = 0; k < n * howmany; ++k) {
    CHECK(a[k + 1].real() == Approx(b[k].real()).margin(1e-5));
    CHECK(a[k + 1].imag() == Approx(b[k].imag()).margin(1e-5));
  }
}
