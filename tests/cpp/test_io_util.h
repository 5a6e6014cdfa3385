// Helpers for the io tests (not a test file itself).
#pragma once
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "gprkit/core/bscan.h"

namespace gprkit::test {

/// A fresh scratch folder under the system temp dir.
inline std::filesystem::path scratch(const std::string& name) {
  auto p = std::filesystem::temp_directory_path() /
           ("gprkit_io_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p;
}

inline std::vector<std::uint8_t> slurp(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}
inline void spit(const std::filesystem::path& p, const std::vector<std::uint8_t>& b) {
  std::ofstream f(p, std::ios::binary);
  f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

/// Integer-valued section in [-30000, 30000] (fits 16 bits) or arbitrary floats.
inline Bscan random_section(std::ptrdiff_t ns, std::ptrdiff_t nt, bool integers,
                            unsigned seed = 1) {
  Bscan b(ns, nt);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-30000.f, 30000.f);
  for (std::ptrdiff_t j = 0; j < nt; ++j)
    for (std::ptrdiff_t i = 0; i < ns; ++i)
      b(i, j) = integers ? std::round(u(rng)) : u(rng) * 1e-3f;
  return b;
}

inline bool same_data(const Bscan& a, const Bscan& b) {
  return a.n_samples() == b.n_samples() && a.n_traces() == b.n_traces() &&
         std::equal(a.data(), a.data() + a.n_samples() * a.n_traces(), b.data());
}

/// Onset of the first arrival: first sample (from 2) where the mean |trace - trace median| exceeds
/// `frac` of its max.
inline std::ptrdiff_t first_arrival(const Bscan& b, double frac = 0.05) {
  std::vector<double> env(static_cast<std::size_t>(b.n_samples()), 0.0);
  for (std::ptrdiff_t j = 0; j < b.n_traces(); ++j) {
    std::vector<float> t(b.trace(j), b.trace(j) + b.n_samples());
    std::nth_element(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(t.size() / 2), t.end());
    const double med = t[t.size() / 2];
    // skip the first two samples: GSSI keeps scan counter / mark words there
    for (std::ptrdiff_t i = 2; i < b.n_samples(); ++i)
      env[static_cast<std::size_t>(i)] += std::fabs(b(i, j) - med);
  }
  const double mx = *std::max_element(env.begin(), env.end());
  for (std::size_t i = 2; i < env.size(); ++i)
    if (env[i] > frac * mx) return static_cast<std::ptrdiff_t>(i);
  return -1;
}

inline bool all_finite(const Bscan& b) {
  return std::all_of(b.data(), b.data() + b.n_samples() * b.n_traces(),
                     [](float v) { return std::isfinite(v); });
}

}  // namespace gprkit::test
