// Internal helpers of the simulator: the random ground (correlated Gaussian profiles drawn
// serially from the seed) and normal-incidence Fresnel coefficients.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace gprkit::soil {

/// A 64-bit seed for the random stream `stream` of simulate(seed): splitmix64 of both, so
/// streams neither overlap each other nor the per-trace noise streams in practice.
std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t stream);

/// n samples, spacing dx_m, of a stationary Gaussian process with unit (ensemble) variance and
/// autocorrelation exp(-lag^2 / correlation_m^2): white noise convolved with
/// exp(-2 lag^2 / correlation_m^2) (normalised to unit energy) over +-3 correlation lengths.
/// dx_m == 0 (every trace at the same x): one value repeated. Serial, reproducible from seed.
/// `what` names the correlation option in the error when the kernel would be too long.
std::vector<double> gaussian_profile(std::ptrdiff_t n, double dx_m, double correlation_m,
                                     std::uint64_t seed, const char* what);

/// Linear interpolation of a per-trace profile at position x_m (clamped at the line's ends).
double profile_at(const std::vector<double>& p, double x0_m, double dx_m, double x_m);

/// Normal-incidence Fresnel reflection coefficient from medium 1 into medium 2 (refractive
/// indices n = sqrt(eps_r)): (n1 - n2) / (n1 + n2).
inline double fresnel(double n1, double n2) { return (n1 - n2) / (n1 + n2); }

}  // namespace gprkit::soil
