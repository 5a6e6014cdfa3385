// Shared physics: the speed of light and refracted travel times through an air gap.
// Used by the simulator, migration and scoring alike (one definition of each).
#pragma once

namespace gprkit {

/// Speed of light in air (m/ns).
inline constexpr double c_air_m_per_ns = 0.299792458;

/// One-way time (ns) from an antenna at height_m above a flat ground to a point at
/// horizontal distance rho_m and depth_m below the surface, in ground of velocity
/// velocity_m_per_ns, along the refracted ray (Fermat's principle, Newton steps safeguarded by
/// bisection, refraction point to 1e-13 m). height_m <= 0: straight ray in the ground;
/// depth_m <= 0: straight ray in air. `refraction_m`, when given, is a warm start for the
/// refraction point (horizontal distance from the antenna foot) and receives the solution.
double refracted_one_way_time_ns(double rho_m, double height_m, double depth_m,
                                 double velocity_m_per_ns, double* refraction_m = nullptr);

/// One-way time (ns) from an antenna at (xa_m, height_m above ground) to a point (x_m,
/// depth_m) through the flat air/ground interface.
double one_way_time_ns(double xa_m, double height_m, double x_m, double depth_m,
                       double velocity_m_per_ns);

/// Two-way time (ns) from a transmitter at xt_m and a receiver at xr_m, both height_m above
/// the ground, to a point (x_m, depth_m) in ground of velocity velocity_m_per_ns, refracted
/// at the surface. With height_m = 0 this is the straight-ray bistatic time.
double two_way_time_ns(double xt_m, double xr_m, double height_m, double x_m, double depth_m,
                       double velocity_m_per_ns);

}  // namespace gprkit
