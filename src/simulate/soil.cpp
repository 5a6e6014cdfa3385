#include "soil.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "gprkit/core/validate.h"

namespace gprkit::soil {

std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t stream) {
  auto mix = [](std::uint64_t z) {
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  };
  return mix(mix(seed) ^ (stream * 0xD1B54A32D192ED03ULL));
}

std::vector<double> gaussian_profile(std::ptrdiff_t n, double dx_m, double correlation_m,
                                     std::uint64_t seed, const char* what) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> out(static_cast<std::size_t>(n), 0.0);
  if (!(dx_m > 0)) {
    std::fill(out.begin(), out.end(), normal(rng));
    return out;
  }
  const std::ptrdiff_t half = std::max<std::ptrdiff_t>(
      1, check::count("simulate", what, 3.0 * correlation_m, dx_m, "traces",
                      std::ptrdiff_t{1} << 20, check::Round::up));
  const auto taps = static_cast<std::size_t>(2 * half + 1);
  if (static_cast<double>(taps) * static_cast<double>(n) > 4.294967296e9)
    check::fail("simulate", what, correlation_m,
                "a correlation length whose filter (6 lengths / dx_m taps) times n_traces stays "
                "under 2^32 operations");
  std::vector<double> g(taps);
  double energy = 0.0;
  for (std::ptrdiff_t m = -half; m <= half; ++m) {
    const double lag = static_cast<double>(m) * dx_m / correlation_m;
    const double v = std::exp(-2.0 * lag * lag);
    g[static_cast<std::size_t>(m + half)] = v;
    energy += v * v;
  }
  const double norm = 1.0 / std::sqrt(energy);
  for (double& v : g) v *= norm;
  std::vector<double> w(static_cast<std::size_t>(n) + taps - 1);
  for (double& v : w) v = normal(rng);
  for (std::size_t j = 0; j < out.size(); ++j) {
    double s = 0.0;
    for (std::size_t k = 0; k < taps; ++k) s += g[k] * w[j + k];
    out[j] = s;
  }
  return out;
}

double profile_at(const std::vector<double>& p, double x0_m, double dx_m, double x_m) {
  if (p.empty()) return 0.0;
  if (!(dx_m > 0) || p.size() == 1) return p.front();
  const double f = std::clamp((x_m - x0_m) / dx_m, 0.0, static_cast<double>(p.size() - 1));
  const auto i = std::min(static_cast<std::size_t>(f), p.size() - 2);
  const double w = f - static_cast<double>(i);
  return p[i] * (1.0 - w) + p[i + 1] * w;
}

}  // namespace gprkit::soil
