// detail::kth_smallest (src/core/select.h, internal), the selection behind the robust fits'
// medians: it must return exactly what std::nth_element finds, for every rank, on the orders
// that break quickselects (sorted, reversed, all equal, few distinct values) and at the sizes
// where it switches between its rounds and its final sort.
#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <vector>

#include "../../src/core/select.h"

using gprkit::detail::kth_smallest;

namespace {

template <class T>
T reference(std::vector<T> v, std::ptrdiff_t k) {
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[static_cast<std::size_t>(k)];
}

}  // namespace

TEST_CASE("kth_smallest is nth_element's value for every rank and order", "[core][select]") {
  std::mt19937 rng(7);
  std::normal_distribution<double> gauss;
  for (std::ptrdiff_t n : {1, 2, 3, 15, 16, 17, 18, 33, 64, 151, 257, 1000}) {
    for (int order = 0; order < 5; ++order) {
      std::vector<double> a(static_cast<std::size_t>(n));
      for (std::ptrdiff_t i = 0; i < n; ++i) {
        const auto iu = static_cast<std::size_t>(i);
        a[iu] = order == 0   ? std::abs(gauss(rng))
                : order == 1 ? static_cast<double>(i)
                : order == 2 ? static_cast<double>(n - i)
                : order == 3 ? 2.5
                             : static_cast<double>(rng() % 3);
      }
      const std::vector<double> before = a;
      std::vector<double> scratch(static_cast<std::size_t>(2 * n));
      for (std::ptrdiff_t k = 0; k < n; ++k) {
        INFO("n " << n << " order " << order << " k " << k);
        REQUIRE(kth_smallest(a.data(), n, k, scratch.data()) == reference(a, k));
      }
      CHECK(a == before);  // the input is left as it was
    }
  }
}

TEST_CASE("kth_smallest finds medians of random floats as nth_element does", "[core][select]") {
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> a(400), scratch(800);
  for (int t = 0; t < 2000; ++t) {
    const auto n = static_cast<std::ptrdiff_t>(1 + rng() % 400);
    for (std::ptrdiff_t i = 0; i < n; ++i) a[static_cast<std::size_t>(i)] = u(rng);
    const std::ptrdiff_t k = n / 2;
    const std::vector<float> v(a.begin(), a.begin() + n);
    REQUIRE(kth_smallest(a.data(), n, k, scratch.data()) == reference(v, k));
  }
}
