// Synthetic B-scans with known truth: point diffractors, layers, direct wave /
// ground bounce, antenna ringing, wow and noise, all with a Ricker wavelet; optionally a
// rough ground surface, laterally correlated soil permittivity, weak soil scatterers and
// physical inclusions (a permittivity or metal, a width, a thickness).
#pragma once
#include <cstdint>
#include <vector>

#include "gprkit/core/bscan.h"
#include "gprkit/core/physics.h"  // two_way_time_ns, one_way_time_ns, c_air_m_per_ns

namespace gprkit {

/// A buried object: a point diffractor (the default) or a physical inclusion.
///
/// Polarity physics (what a detector's polarity feature relies on): the air-ground reflection
/// has the normal-incidence Fresnel coefficient R_g = (1 - n_s) / (1 + n_s) (n = sqrt(eps_r),
/// negative for any soil), an object in the soil R_t = (n_s - n_o) / (n_s + n_o). With
/// `permittivity` > 0 (or `metal`) the simulated top reflection is amplitude * R_t / R_g_mean
/// (R_g_mean: the mean soil's coefficient, n_s: the soil at the object's x; times -1 when
/// ground_bounce_amplitude < 0, a radar of inverted polarity), so an object denser than the
/// soil (stone, water, eps_o > eps_s) or metal (R_t = -1) reflects with the SAME sign as the
/// ground bounce, a lighter one (plastic mine eps_o ~ 3, air void) with the OPPOSITE sign.
///
/// Example: a 10 cm wide, 5 cm thick plastic mine with a metal-free case:
///   Diffractor{.x_m = 1.0, .depth_m = 0.05, .amplitude = 0.5, .permittivity = 3.0,
///              .width_m = 0.1, .height_m = 0.05}
struct Diffractor {
  double x_m = 0.0;      ///< position along the line (m), same axis as trace positions
  double depth_m = 0.1;  ///< depth of the top below the (mean) ground surface (m)
  /// Reflection strength (before geometric spreading): signed reflection amplitude when
  /// permittivity == 0 and not metal (as before); else the positive strength scale that
  /// multiplies R_t / R_g_mean (and the sign of ground_bounce_amplitude, + when it is 0).
  double amplitude = 1.0;
  int kind = 0;  ///< free label carried into the truth (e.g. 0 = mine, 1 = clutter)
  /// Relative permittivity of the object (>= 1); 0 = use `amplitude` as the signed reflection
  /// amplitude (the default, today's behaviour).
  double permittivity = 0.0;
  /// A perfect conductor: R_t = -1, plus a decaying ringing after the reflection (copies of the
  /// wavelet one centre period apart, the k-th (k >= 1) with relative amplitude
  /// metal_ringing * exp(-(k - 1) T / metal_ringing_decay_ns), T = 1 / centre frequency),
  /// following the object's hyperbola, for 5 e-folding times. Overrides `permittivity`; no bottom
  /// reflection.
  bool metal = false;
  /// Extended flat top (m); 0 = a point. The top is a row of N = ceil(width_m / 0.01) + 1
  /// points evenly over [x_m - width_m/2, x_m + width_m/2] (spacing <= 1 cm), each with
  /// amplitude * spacing / min(N * spacing, F), F = the first Fresnel-zone width at the top
  /// (2 sqrt(lambda_s depth_m / 2), lambda_s = v_s / f): a narrow object (all points within
  /// one Fresnel zone) sums to about a point of the same amplitude at its apex, a wide one
  /// gives a flat specular top of about that amplitude over its width (within a factor 2 of
  /// a point's apex: 0.59 for a 30 cm top at 10 cm depth in eps 6 at 1.5 GHz).
  double width_m = 0.0;
  /// Thickness (m); with permittivity > 0 and not metal, adds the bottom reflection at
  /// depth_m + height_m: coefficient R_b = (n_o - n_s) / (n_o + n_s) = -R_t times the
  /// transmission through the top (1 - R_t^2), delayed by 2 height_m n_o / c after the top
  /// (vertical path through the object), with the same geometric spreading as the top (the
  /// thickness is small next to the antenna-object distance). 0 = no bottom.
  double height_m = 0.0;
  double metal_ringing = 0.5;           ///< metal: relative amplitude of the first ringing cycle
  double metal_ringing_decay_ns = 1.0;  ///< metal: e-folding time of the ringing (ns)
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

/// Options of simulate(). Soil model: `velocity_m_per_ns` is the mean soil velocity (soil
/// eps_s = (c / v)^2, c = c_air_m_per_ns). Optional heterogeneity (all off by default, and then
/// the output is bit-identical to the homogeneous, flat simulator):
/// - a rough surface: a stationary Gaussian elevation profile s(x) with rms surface_rms_m and a
///   Gaussian autocorrelation rms^2 exp(-lag^2 / surface_correlation_m^2) (so the normalised
///   autocorrelation at lag surface_correlation_m is 1/e), made by filtering white noise on the
///   trace grid (ensemble rms exact; one line's rms within sampling error), drawn from `seed`
///   serially. Positive s = ground higher = antenna closer: the local air gap is
///   h_j = antenna_height_m + height wander - s(x_j), CLAMPED at 0 (where the ground would rise
///   above the antenna it touches it: s_j is then reported as the clamped value). Objects and
///   layers keep their depth below the MEAN surface: where the ground is high the air path
///   shrinks and the soil path grows. An object's ray (each leg, transmitter and receiver) is
///   refracted over a flat ground at the trace's elevation, then again over a flat ground at
///   the elevation of the refraction point found (the ray enters where the surface is: a
///   hyperbola's flanks follow the surface near the object, not under the antenna; within a
///   few ps of a brute-force Fermat path over the profile); a layer sees a flat ground at the
///   trace's elevation.
/// - laterally correlated soil permittivity: eps_j = eps_s (1 + permittivity_std * u(x_j)),
///   u a unit Gaussian process with the same kind of correlation (length
///   permittivity_correlation_m), clipped at >= 1.5. A trace uses its own local velocity
///   c / sqrt(eps_j) for every object and layer it sees (a deliberate simplification: no
///   ray tracing through the lateral variation), and the ground bounce scales with the local
///   Fresnel coefficient: ground_bounce_amplitude * R_g(eps_j) / R_g(eps_s).
/// - weak soil scatterers (pebbles, voids): round(scatterer_density_per_m2 * line length *
///   (scatterer_max_depth_m - 0.02)) points, x uniform over the line (n_traces * dx_m),
///   depth uniform in [0.02, scatterer_max_depth_m], amplitudes normal with std
///   scatterer_amplitude, simulated like plain point diffractors, listed in
///   Simulation::scatterers.
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
  double surface_rms_m = 0.0;               ///< rms height of the rough surface (m); 0 = flat
  double surface_correlation_m = 0.05;      ///< its Gaussian correlation length (m)
  double permittivity_std = 0.0;            ///< relative std of the soil eps_r (0.1 = 10%)
  double permittivity_correlation_m = 0.1;  ///< its lateral correlation length (m)
  double scatterer_density_per_m2 = 0.0;    ///< weak point scatterers per m^2 of section
  double scatterer_amplitude = 0.02;        ///< std of their signed amplitudes
  double scatterer_max_depth_m = 0.4;       ///< their depths: [0.02, this] (m)
  std::vector<Diffractor> diffractors;
  std::vector<Layer> layers;
};

/// What the simulator put where.
struct TargetTruth {
  double x_m = 0.0;
  double depth_m = 0.0;
  double apex_time_ns = 0.0;  ///< two-way time of the hyperbola apex (time-zero = 0)
  /// Signed simulated top amplitude before geometric spreading: the diffractor's amplitude
  /// when permittivity == 0 and not metal, else +-amplitude * R_t / R_g_mean (the sign of
  /// ground_bounce_amplitude, + when it is 0).
  double amplitude = 0.0;
  int kind = 0;  ///< the diffractor's label; soil scatterers have kind -1
  double permittivity = 0.0;
  bool metal = false;
  double width_m = 0.0;
  double height_m = 0.0;
  double reflection = 0.0;  ///< R_t (soil at the object's x); 0 for a plain-amplitude diffractor
  /// +1: the top reflects with the same sign as the ground bounce, -1: the opposite sign.
  /// Physical objects (permittivity > 0 or metal): sign(R_t / R_g_mean), whatever the sign of
  /// ground_bounce_amplitude (also when it is 0: the physical air-ground reflection). Plain
  /// diffractors: sign(amplitude * ground_bounce_amplitude), 0 when either is 0.
  int polarity = 0;
};

struct Simulation {
  Bscan bscan;                          ///< header filled in (dt, dx, offset, height, frequency, x)
  std::vector<TargetTruth> truth;       ///< one per diffractor, in input order
  std::vector<double> ground_time_ns;   ///< two-way time of the ground bounce per trace (0 if none)
  std::vector<TargetTruth> scatterers;  ///< the soil scatterers (kind -1), in drawing order
  std::vector<double> surface_elevation_m;  ///< ground elevation s_j per trace (m, up = +)
  std::vector<double> soil_permittivity;    ///< local soil eps_r per trace
};

/// Ricker wavelet of peak frequency f_mhz at time t_ns (peak 1 at t = 0).
double ricker(double t_ns, double f_mhz);

/// Builds the section (n_samples x n_traces, OpenMP over traces; the random surface,
/// permittivity and scatterers are drawn serially before the trace loop, so the result does
/// not depend on the thread count). Truth apex times use the geometry at the object's x
/// (antenna at antenna_height_m above the mean surface, the rough surface, the local velocity),
/// without the height wander, as before.
/// Throws InvalidArgument for non-positive sizes, dt, velocity or frequency, non-finite
/// values, or a new option out of range (named in the message).
Simulation simulate(const SimulateOptions& options);

}  // namespace gprkit
