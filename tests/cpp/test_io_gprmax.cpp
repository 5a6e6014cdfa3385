#include <catch2/catch.hpp>
#include <cmath>

#include "gprkit/core/error.h"
#include "gprkit/io/gprmax.h"
#include "test_io_util.h"

using namespace gprkit;

TEST_CASE("resample_traces: a band-limited tone is resampled to its analytic values") {
  // 300 MHz tone sampled every 2 ps, resampled to 0.1 ns (Nyquist 5 GHz)
  const double dt = 0.002, f_ghz = 0.3;
  Bscan b(20001, 2);
  b.header().dt_ns = dt;
  for (int i = 0; i < b.n_samples(); ++i) {
    b(i, 0) = static_cast<float>(std::sin(2 * M_PI * f_ghz * i * dt));
    b(i, 1) = 1.0f;
  }
  const Bscan r = io::resample_traces(b, 0.1);
  CHECK(r.n_samples() == 401);  // 40 ns window kept
  CHECK(r.header().dt_ns == 0.1);
  for (int k = 20; k < 380; ++k) {
    REQUIRE(r(k, 0) == Approx(std::sin(2 * M_PI * f_ghz * k * 0.1)).margin(2e-3));
    REQUIRE(r(k, 1) == Approx(1.0f).margin(1e-6));
  }
  // a tone above the new Nyquist frequency is removed, not aliased
  Bscan hi(20001, 1);
  hi.header().dt_ns = dt;
  for (int i = 0; i < hi.n_samples(); ++i)
    hi(i, 0) = static_cast<float>(std::sin(2 * M_PI * 8.0 * i * dt));
  const Bscan rh = io::resample_traces(hi, 0.1);
  double mx = 0;
  for (int k = 20; k < 380; ++k) mx = std::max(mx, std::fabs(static_cast<double>(rh(k, 0))));
  CHECK(mx < 0.02);
  CHECK_THROWS_AS(io::resample_traces(b, 0.0), InvalidArgument);
}

TEST_CASE("read_gprmax: non-HDF5 and missing files") {
  const auto dir = test::scratch("gprmax");
  test::spit(dir / "x.out", {1, 2, 3, 4});
  CHECK_THROWS_AS(io::read_gprmax(dir / "x.out"), FormatError);
  CHECK_THROWS_AS(io::read_gprmax(dir / "none.out"), IoError);
  std::filesystem::remove_all(dir);
}
