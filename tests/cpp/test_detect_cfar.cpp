#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "gprkit/core/error.h"
#include "gprkit/detect/cfar.h"
#include "test_util.h"

using namespace gprkit;

namespace {

// iid noise: exponential (square-law power) or standard normal.
Bscan noise(bool expo, std::uint64_t seed, std::ptrdiff_t m = 500, std::ptrdiff_t n = 400) {
  Bscan b(m, n);
  std::mt19937_64 rng(seed);
  std::exponential_distribution<double> e(1.0);
  std::normal_distribution<double> g(3.0, 2.0);
  for (std::ptrdiff_t k = 0; k < m * n; ++k)
    b.data()[k] = static_cast<float>(expo ? e(rng) : g(rng));
  return b;
}

double alarm_rate(const Bscan& s, const Bscan& t) {
  double a = 0;
  for (std::ptrdiff_t k = 0; k < s.n_samples() * s.n_traces(); ++k) a += s.data()[k] > t.data()[k];
  return a / static_cast<double>(s.n_samples() * s.n_traces());
}

}  // namespace

TEST_CASE("cfar: scale factors of the exponential model", "[detect]") {
  CHECK(cfar_ca_factor(1e-3, 1) == Approx(999.0));
  CHECK(cfar_ca_factor(1e-2, 16) == Approx(16 * (std::pow(1e-2, -1.0 / 16) - 1)));
  CHECK(cfar_os_factor(1e-3, 1, 1) == Approx(999.0));
  // k = N = 2: pfa = 2/(2+a) * 1/(1+a)
  const double a = cfar_os_factor(0.01, 2, 2);
  CHECK(2.0 / (2 + a) / (1 + a) == Approx(0.01));
  CHECK_THROWS_AS(cfar_os_factor(0.01, 4, 5), InvalidArgument);
}

TEST_CASE("cfar: holds its false-alarm rate on pure noise (within a factor 2)", "[detect]") {
  struct Case {
    CfarMethod method;
    CfarModel model;
    std::ptrdiff_t train_samples;
  };
  for (double pfa : {1e-2, 1e-3}) {
    for (auto c : {Case{CfarMethod::ca, CfarModel::exponential, 0},
                   Case{CfarMethod::os, CfarModel::exponential, 0},
                   Case{CfarMethod::ca, CfarModel::exponential, 3},
                   Case{CfarMethod::ca, CfarModel::gaussian, 0},
                   Case{CfarMethod::ca, CfarModel::gaussian, 2},
                   Case{CfarMethod::os, CfarModel::gaussian, 2}}) {
      const Bscan s = noise(c.model == CfarModel::exponential, 11, 250, 400);
      CfarOptions o;
      o.method = c.method;
      o.model = c.model;
      o.pfa = pfa;
      o.guard_traces = 2;
      o.train_traces = 16;
      o.guard_samples = c.train_samples > 0 ? 1 : 0;
      o.train_samples = c.train_samples;
      const Bscan t = cfar(s, o);
      const double r = alarm_rate(s, t);
      INFO("method " << int(c.method) << " model " << int(c.model) << " train_samples "
                     << c.train_samples << " pfa " << pfa << " measured " << r);
      CHECK(r > pfa / 2);
      CHECK(r < pfa * 2);
    }
  }
}

TEST_CASE("cfar: a strong cell stands out, results do not depend on threads", "[detect]") {
  Bscan s = noise(true, 5, 300, 300);
  s(150, 150) = 200.0f;
  CfarOptions o;
  o.pfa = 1e-4;
  const Bscan t = cfar(s, o);
  CHECK(s(150, 150) > t(150, 150));
  // The target's neighbours along the line are outside its own guard cells' training.
  for (auto method : {CfarMethod::ca, CfarMethod::os}) {
    o.method = method;
    o.train_samples = 1;
    auto [a, b] = test::with_1_and_2_threads([&] { return cfar(s, o); });
    CHECK(test::identical(a, b));
  }
}

TEST_CASE("cfar: bad options and scores are rejected", "[detect]") {
  Bscan s = noise(true, 1, 20, 20);
  CfarOptions o;
  o.pfa = 0;
  CHECK_THROWS_WITH(cfar(s, o), Catch::Contains("pfa"));
  o = {};
  o.train_traces = 0;
  CHECK_THROWS_WITH(cfar(s, o), Catch::Contains("train_traces"));
  o = {};
  s(3, 3) = -1.0f;
  CHECK_THROWS_WITH(cfar(s, o), Catch::Contains("gaussian"));
  o.model = CfarModel::gaussian;
  CHECK_NOTHROW(cfar(s, o));
}
