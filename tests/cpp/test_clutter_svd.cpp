#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "gprkit/clutter/svd.h"
#include "gprkit/core/bscan.h"
#include "gprkit/core/error.h"

using namespace gprkit;

namespace {
/// `k` orthonormal random vectors of length n (Gram-Schmidt twice), column-major n x k.
std::vector<double> orthonormal(std::ptrdiff_t n, int k, std::mt19937& rng) {
  std::normal_distribution<double> g(0.0, 1.0);
  std::vector<double> q(static_cast<std::size_t>(n * k));
  for (auto& x : q) x = g(rng);
  for (int c = 0; c < k; ++c) {
    double* v = q.data() + c * n;
    for (int pass = 0; pass < 2; ++pass)
      for (int p = 0; p < c; ++p) {
        const double* w = q.data() + p * n;
        double d = 0;
        for (std::ptrdiff_t i = 0; i < n; ++i) d += v[i] * w[i];
        for (std::ptrdiff_t i = 0; i < n; ++i) v[i] -= d * w[i];
      }
    double norm = 0;
    for (std::ptrdiff_t i = 0; i < n; ++i) norm += v[i] * v[i];
    for (std::ptrdiff_t i = 0; i < n; ++i) v[i] /= std::sqrt(norm);
  }
  return q;
}
}  // namespace

TEST_CASE("truncated_svd: recovers a known decaying spectrum and its vectors", "[clutter]") {
  // A = U diag(s) V^T with s_r = 0.7^r, r < 40: the exact answer is known.
  const std::ptrdiff_t m = 300, n = 700;
  const int rank = 40;
  std::mt19937 rng(2);
  const auto u = orthonormal(m, rank, rng);
  const auto v = orthonormal(n, rank, rng);
  Bscan b(m, n);
  for (std::ptrdiff_t j = 0; j < n; ++j)
    for (std::ptrdiff_t i = 0; i < m; ++i) {
      double s = 0;
      for (int r = 0; r < rank; ++r) s += std::pow(0.7, r) * u[r * m + i] * v[r * n + j];
      b(i, j) = static_cast<float>(s);
    }
  const TruncatedSvd t = truncated_svd(b.cview(), 5);
  REQUIRE(t.singular_values.size() == 5u);
  REQUIRE(t.u.size() == static_cast<std::size_t>(5 * m));
  for (int k = 0; k < 5; ++k) {
    CHECK(t.singular_values[k] == Approx(std::pow(0.7, k)).epsilon(1e-3));
    double dot = 0;
    for (std::ptrdiff_t i = 0; i < m; ++i) dot += t.u[k * m + i] * u[k * m + i];
    CHECK(std::abs(dot) == Approx(1.0).epsilon(1e-3));
  }
  // Without subspace iterations the randomized estimate is visibly worse on this spectrum.
  SvdOptions rough;
  rough.power_iterations = 0;
  rough.oversampling = 2;
  const TruncatedSvd r = truncated_svd(b.cview(), 5, rough);
  CHECK(std::abs(r.singular_values[4] - std::pow(0.7, 4)) > 1e-3 * std::pow(0.7, 4));
  CHECK_THROWS_AS(truncated_svd(b.cview(), 301), InvalidArgument);
  CHECK_THROWS_WITH(truncated_svd(b.cview(), 0), Catch::Contains("k"));
}
