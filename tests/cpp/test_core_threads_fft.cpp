#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>
#include <thread>
#include <vector>

#include "gprkit/core/error.h"
#include "gprkit/core/fft.h"
#include "gprkit/core/threads.h"

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
