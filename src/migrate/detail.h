// Internal to the migrate folder: resolved geometry, the f-k engine and the summation engine.
#pragma once
#include <cmath>
#include <cstddef>
#include <vector>

#include "gprkit/core/header.h"
#include "gprkit/core/physics.h"
#include "gprkit/migrate/migrate.h"

namespace gprkit::migrate_detail {

inline constexpr double c_air = c_air_m_per_ns;

/// Antenna geometry after resolving "negative = from the Header".
struct Geometry {
  double offset_m = 0;
  double height_m = 0;
};

/// One-way refracted time (ns) at horizontal distance rho, depth z (core/physics.h); p0 is
/// the warm start of the refraction point, updated on return.
inline double one_way_refracted_ns(double rho, double h, double z, double v, double& p0) {
  return refracted_one_way_time_ns(rho, h, z, v, &p0);
}

/// Exact two-way time (ns) of a point diffractor at depth z straight below the midpoint of a
/// bistatic pair (offset a, height h): the apex time.
double apex_time_ns(double a, double h, double z, double v);
/// Inverse of apex_time_ns in z (bisection); z < 0 when t is before the ground echo.
double apex_depth_m(double a, double h, double t_ns, double v);

/// Validates the options that every method shares and the section; returns the geometry.
Geometry validate_common(const char* where, ConstView in, const Header& hd,
                         const MigrateOptions& o);

/// f-k engine (stolt or phase_shift) on a volume n_samples x n_traces x n_lines (contiguous
/// column-major), uniform spacing dx (and dy when n_lines > 1). out may not alias in.
void fk_migrate(const float* in, float* out, std::ptrdiff_t ns, std::ptrdiff_t nx,
                std::ptrdiff_t ny, double dt_ns, double t0_ns, double dx_m, double dy_m,
                const Geometry& g, const MigrateOptions& o);

/// Summation engine (kirchhoff or backprojection).
struct SumInput {
  const float* data = nullptr;  ///< n_samples x n_in (contiguous traces)
  std::ptrdiff_t ns = 0, n_in = 0;
  double dt_ns = 0.1, t0_ns = 0;
  std::vector<double> x_m, y_m;  ///< per input trace (y_m empty for 2-D)
  std::vector<double> area;      ///< per input trace: spacing (2-D, m) or cell area (3-D, m^2)
  bool three_d = false;
};
struct SumOutput {
  float* data = nullptr;  ///< n_tau x n_out (contiguous columns)
  std::ptrdiff_t n_tau = 0, n_out = 0;
  double tau0_ns = 0, dtau_ns = 0.1;  ///< two-way time below the surface: z = v tau / 2
  std::vector<double> x_m, y_m;
};
void sum_migrate(const SumInput& in, SumOutput& out, const Geometry& g, const MigrateOptions& o);

/// Per-trace positions of a header (x_m or j * dx_m), checked strictly increasing.
std::vector<double> trace_positions(const char* where, const Header& hd, std::ptrdiff_t n);
/// Uniform spacing of positions (throws when not even within 1 %).
double uniform_spacing(const char* where, const std::vector<double>& x, double fallback);

}  // namespace gprkit::migrate_detail
