#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "gprkit/clutter/rpca.h"
#include "gprkit/core/bscan.h"
#include "gprkit/core/error.h"
#include "gprkit/core/threads.h"

using namespace gprkit;

namespace {

struct Synthetic {
  Bscan d, low, sparse;
};

/// rank-1 (u v^T) + sparse (5% of the entries, +-[2, 4]) of size m x n.
Synthetic rank1_sparse(std::ptrdiff_t m, std::ptrdiff_t n, unsigned seed) {
  Synthetic s{Bscan(m, n), Bscan(m, n), Bscan(m, n)};
  std::mt19937 rng(seed);
  std::normal_distribution<float> g(0.0f, 1.0f);
  std::uniform_real_distribution<float> u01(0.0f, 1.0f);
  std::vector<float> u(m), v(n);
  for (auto& x : u) x = g(rng);
  for (auto& x : v) x = g(rng);
  for (std::ptrdiff_t j = 0; j < n; ++j)
    for (std::ptrdiff_t i = 0; i < m; ++i) {
      s.low(i, j) = u[i] * v[j];
      if (u01(rng) < 0.05f)
        s.sparse(i, j) = (u01(rng) < 0.5f ? -1.0f : 1.0f) * (2.0f + 2.0f * u01(rng));
      s.d(i, j) = s.low(i, j) + s.sparse(i, j);
    }
  return s;
}

double rel_err(const Bscan& a, const Bscan& b) {
  double num = 0, den = 0;
  for (std::ptrdiff_t j = 0; j < a.n_traces(); ++j)
    for (std::ptrdiff_t i = 0; i < a.n_samples(); ++i) {
      const double e = static_cast<double>(a(i, j)) - b(i, j);
      num += e * e;
      den += static_cast<double>(b(i, j)) * b(i, j);
    }
  return std::sqrt(num / den);
}

}  // namespace

TEST_CASE("rpca: recovers a rank-1 + sparse matrix (both SVD variants)", "[clutter]") {
  const auto s = rank1_sparse(120, 150, 4);
  for (auto variant : {RpcaSvd::randomized, RpcaSvd::full}) {
    CAPTURE(static_cast<int>(variant));
    Bscan low(120, 150), sparse(120, 150);
    RpcaOptions o;
    o.svd = variant;
    RpcaReport rep;
    rpca(s.d.cview(), low.view(), sparse.view(), o, &rep);
    CHECK(rep.converged);
    CHECK(rep.rank == 1);
    CHECK(rep.lambda == Approx(1.0 / std::sqrt(150.0)));
    CHECK(rel_err(low, s.low) < 1e-3);
    CHECK(rel_err(sparse, s.sparse) < 1e-3);
  }
}

TEST_CASE("rpca: L + S reconstructs D to the tolerance", "[clutter]") {
  std::mt19937 rng(11);
  std::normal_distribution<float> g(0.0f, 1.0f);
  Bscan d(80, 90);
  for (std::ptrdiff_t j = 0; j < 90; ++j)
    for (std::ptrdiff_t i = 0; i < 80; ++i)
      d(i, j) = g(rng) + static_cast<float>(std::sin(0.2 * i));
  for (double tol : {1e-3, 1e-6}) {
    Bscan low(80, 90), sparse(80, 90);
    RpcaOptions o;
    o.tolerance = tol;
    RpcaReport rep;
    rpca(d.cview(), low.view(), sparse.view(), o, &rep);
    CHECK(rep.converged);
    CHECK(rep.residual < tol);
    double num = 0, den = 0;
    for (std::ptrdiff_t j = 0; j < 90; ++j)
      for (std::ptrdiff_t i = 0; i < 80; ++i) {
        const double e = static_cast<double>(d(i, j)) - low(i, j) - sparse(i, j);
        num += e * e;
        den += static_cast<double>(d(i, j)) * d(i, j);
      }
    CHECK(std::sqrt(num / den) < 1.5 * tol);
  }
}

TEST_CASE("rpca: thread count does not change the result, bad input is rejected", "[clutter]") {
  const auto s = rank1_sparse(256, 300, 8);
  Bscan l1(256, 300), s1(256, 300), l2(256, 300), s2(256, 300);
  set_num_threads(1);
  rpca(s.d.cview(), l1.view(), s1.view());
  set_num_threads(2);
  rpca(s.d.cview(), l2.view(), s2.view());
  set_num_threads(0);
  bool same = true;
  for (std::ptrdiff_t j = 0; j < 300; ++j)
    for (std::ptrdiff_t i = 0; i < 256; ++i)
      same = same && l1(i, j) == l2(i, j) && s1(i, j) == s2(i, j);
  CHECK(same);

  RpcaOptions o;
  o.tolerance = 0.0;
  CHECK_THROWS_WITH(rpca(s.d.cview(), l1.view(), s1.view(), o), Catch::Contains("tolerance"));
  o = {};
  o.max_iterations = 0;
  CHECK_THROWS_WITH(rpca(s.d.cview(), l1.view(), s1.view(), o), Catch::Contains("max_iterations"));
  CHECK_THROWS_AS(rpca(s.d.cview(), l1.view(), l1.view()), InvalidArgument);
  Bscan wrong(256, 299);
  CHECK_THROWS_AS(rpca(s.d.cview(), wrong.view(), s1.view()), InvalidArgument);
}
