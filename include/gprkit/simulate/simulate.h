// Synthetic B-scans with known truth: point diffractors, layers, direct wave /
// ground bounce, antenna ringing, wow and noise, all with a Ricker wavelet.
#pragma once
#include <cstdint>
#include <vector>

#include "gprkit/core/bscan.h"
#include "gprkit/core/physics.h"  // two_way_time_ns, one_way_time_ns, c_air_m_per_ns

namespace gprkit {

/// A point diffractor (a small buried object).
struct Diffractor {
  double x_m = 0.0;        ///< position along the line (m), same axis as trace positions
  double depth_m = 0.1;    ///< depth below the ground surface (m)
  double amplitude = 1.0;  ///< reflection strength (signed; before geometric spreading)
  int kind = 0;            ///< free label carried into the truth (e.g. 0 = mine, 1 = clutter)
};

/// A planar reflector: depth(x) = depth_m + tan(dip_deg) * (x - x0_m). Simulated with
/// the exact specular two-way time of the dipping plane (image-source method).
struct Layer {
  double depth_m = 0.3;
  double dip_deg = 0.0;
  double x0_m = 0.0;
  double amplitude = 0.3;
  double x_min_m = -1e300;  ///< the reflector exists only for traces in [x_min_m, x_max_m]
  double x_max_m = 1e300;   ///< (a finite streak such as a root); default: the whole line
};

struct SimulateOptions {
  std::ptrdiff_t n_samples = 512;
  std::ptrdiff_t n_traces = 256;
  double dt_ns = 0.025;             ///< sample interval (ns)
  double t0_ns = 0.0;               ///< time of sample 0 relative to time-zero (ns)
  double dx_m = 0.01;               ///< trace spacing (m)
  double x0_m = 0.0;                ///< position of trace 0 (m)
  double velocity_m_per_ns = 0.1;   ///< ground velocity (m/ns)
  double antenna_offset_m = 0.0;    ///< transmitter-receiver separation (m)
  double antenna_height_m = 0.0;    ///< mean antenna height above ground (m); 0 = ground coupled
  double height_variation_m = 0.0;  ///< amplitude of a smooth height wander along the line (m)
  double height_variation_period_m = 1.0;  ///< its period along the line (m)
  double centre_frequency_mhz = 1000.0;    ///< Ricker peak frequency (MHz)
  double direct_wave_amplitude = 0.0;      ///< direct (air) wave, transmitter to receiver
  double ground_bounce_amplitude = 0.0;  ///< ground-surface reflection (needs antenna_height_m > 0
                                         ///< to be separate from the direct wave)
  double ringing_amplitude = 0.0;        ///< horizontal antenna ringing (same on every trace)
  double ringing_period_ns = 0.0;        ///< ringing period; 0 = one over the centre frequency
  double ringing_decay_ns = 2.0;         ///< e-folding time of the ringing
  double wow_amplitude = 0.0;            ///< low-frequency drift (1 - exp(-t / wow_time_ns))
  double wow_time_ns = 20.0;
  double noise_std = 0.0;           ///< white Gaussian noise standard deviation
  bool geometric_spreading = true;  ///< scale diffractions by r_ref / r (r_ref = 0.1 m)
  std::uint64_t seed = 1;
  std::vector<Diffractor> diffractors;
  std::vector<Layer> layers;
};

/// What the simulator put where.
struct TargetTruth {
  double x_m = 0.0;
  double depth_m = 0.0;
  double apex_time_ns = 0.0;  ///< two-way time of the hyperbola apex (time-zero = 0)
  double amplitude = 0.0;
  int kind = 0;
};

struct Simulation {
  Bscan bscan;                         ///< header filled in (dt, dx, offset, height, frequency, x)
  std::vector<TargetTruth> truth;      ///< one per diffractor, in input order
  std::vector<double> ground_time_ns;  ///< two-way time of the ground bounce per trace (0 if none)
};

/// Ricker wavelet of peak frequency f_mhz at time t_ns (peak 1 at t = 0).
double ricker(double t_ns, double f_mhz);

/// Builds the section. Throws InvalidArgument for non-positive sizes, dt, velocity or
/// frequency, or non-finite values.
Simulation simulate(const SimulateOptions& options);

}  // namespace gprkit
