// Migration (Stolt, Gazdag phase shift, Kirchhoff, back-projection; 2-D and 3-D) and
// velocity analysis (focus search, hyperbola fit).
//
// Conventions shared by every function here:
// - Input: a B-scan n_samples x n_traces (two-way time down a trace, column-major), its
//   Header giving dt_ns, t0_ns (time of sample 0 relative to time-zero, i.e. the moment the
//   transmitter fires), trace positions (x_m when set, else j * dx_m), antenna_separation_m
//   and antenna_height_m.
// - Output: an image whose vertical axis is still two-way time, but measured from the
//   ground surface: sample i of the output is at tau_i = t0_ns + i * dt_ns and, for a
//   constant velocity v, lies at depth z = v * tau_i / 2 (Bscan.depth_m(v) in Python).
//   The air gap (antenna height) and the antenna offset are taken out by the migration,
//   so the output header has antenna_height_m = 0 and antenna_separation_m = 0.
#pragma once
#include <cstddef>
#include <vector>

#include "gprkit/core/bscan.h"
#include "gprkit/core/view.h"

namespace gprkit {

enum class MigrationMethod { stolt, phase_shift, kirchhoff, backprojection };

/// Options of migrate() / migrate_3d() / backproject(). Units are in the names.
struct MigrateOptions {
  MigrationMethod method = MigrationMethod::stolt;
  /// Ground velocity (m/ns): stolt, kirchhoff, backprojection, and phase_shift when the
  /// v(z) table is empty. Must be finite and > 0.
  double velocity_m_per_ns = 0.1;
  /// phase_shift v(z) table: depths below the ground surface (m), strictly increasing, the
  /// first <= 0, the last at or below the deepest imaged point; velocities (m/ns) > 0,
  /// interpolated linearly in depth. Empty = constant velocity_m_per_ns.
  std::vector<double> vz_depth_m, vz_velocity_m_per_ns;
  /// kirchhoff/backprojection aperture: half-width along the line (m), and the largest
  /// angle from vertical (deg) of a contributing ray. -1 = default (no metric limit; 60 deg).
  /// When both are set both limits apply.
  double aperture_m = -1;
  double aperture_deg = -1;
  /// stolt / phase_shift dip limit (deg, 0 < max_dip_deg <= 90): plane waves steeper than
  /// this are removed (cosine taper over the last 5 deg).
  double max_dip_deg = 90;
  /// Antenna offset (m) and height above ground (m); negative = take them from the Header
  /// (antenna_separation_m, antenna_height_m).
  double antenna_offset_m = -1;
  double antenna_height_m = -1;
  /// kirchhoff: triangle-filter anti-aliasing of the operator (per contribution, octave
  /// lengths). backprojection never anti-aliases unless this is set and method is kirchhoff.
  bool antialias = true;
  /// stolt/phase_shift zero padding: the padded time length is at least pad_time_factor *
  /// n_samples, and at least pad_traces zero traces are added (-1 = n_traces / 2, >= 16).
  double pad_time_factor = 2.0;
  std::ptrdiff_t pad_traces = -1;
};

/// Migrates a 2-D section. Output: same shape and sample grid as the input (two-way time
/// from the ground surface, see top of file). Methods:
/// - stolt: F-K migration, constant velocity; O(N log N) in the padded size.
/// - phase_shift: Gazdag, v(z); O(n_samples * padded frequencies * padded traces).
/// - kirchhoff: diffraction summation with half-derivative filter, obliquity and spreading
///   weights, aperture, anti-aliasing, linear interpolation, uneven trace positions.
/// - backprojection: delay-and-sum with exact bistatic refracted travel times.
/// The antenna offset and air gap are honoured: exactly (refracted rays) by kirchhoff and
/// backprojection, by f-k datuming through the air layer plus a bistatic-to-zero-offset
/// time correction by stolt and phase_shift.
/// Throws InvalidArgument for velocity <= 0 or not finite, aperture <= 0, unsorted or
/// repeated trace positions, a v(z) table that does not cover the section, non-finite data.
Bscan migrate(const Bscan& in, const MigrateOptions& o = {});

/// Core layer: migrates `in` (geometry from `header`) into `out` (same shape, any strides,
/// not overlapping `in`). Allocates only scratch.
void migrate(ConstView in, const Header& header, MutView out, const MigrateOptions& o = {});

/// An image grid for backproject(): x positions (m, strictly increasing) and a uniform
/// depth axis below the ground surface.
struct ImageGrid {
  std::vector<double> x_m;
  double depth0_m = 0.0;    ///< depth of row 0 (m)
  double ddepth_m = 0.005;  ///< row spacing (m), > 0
  std::ptrdiff_t n_depths = 100;
};

/// Back-projection (method backprojection, or kirchhoff weights when o.method == kirchhoff)
/// onto a caller-chosen grid. Output: n_depths x x_m.size() Bscan with header x_m = grid x,
/// dx_m = grid spacing (mean), and a two-way-time axis t0_ns = 2 depth0_m / v,
/// dt_ns = 2 ddepth_m / v (so depth = v t / 2). Complexity O(points * aperture traces).
Bscan backproject(const Bscan& in, const ImageGrid& grid, const MigrateOptions& o = {});

/// A volume of parallel lines: n_samples x n_traces x n_lines, float32, samples fastest,
/// then traces, then lines (Fortran order of a numpy (samples, traces, lines) array).
struct VolumeGeometry {
  double dt_ns = 0.1;             ///< sample interval (ns)
  double t0_ns = 0.0;             ///< time of sample 0 relative to time-zero (ns)
  double dx_m = 0.01;             ///< trace spacing along the lines (m)
  double dy_m = 0.01;             ///< line spacing (m)
  double antenna_offset_m = 0.0;  ///< offset along the lines (m)
  double antenna_height_m = 0.0;
};

/// 3-D migration (stolt, phase_shift with constant velocity, kirchhoff or backprojection)
/// of a volume; `out` has the same shape (contiguous, not overlapping `in`). Same output
/// time convention as migrate().
void migrate_3d(const float* in, float* out, std::ptrdiff_t n_samples, std::ptrdiff_t n_traces,
                std::ptrdiff_t n_lines, const VolumeGeometry& g, const MigrateOptions& o = {});

/// How estimate_velocity() works: focus of Stolt images over a velocity scan, or
/// semblance fits (fit_hyperbola) at the strongest apexes; automatic = semblance when the
/// antenna is above the ground (the air gap removes steep dips from f-k images, leaving
/// their focus nearly blind to velocity), focus otherwise.
enum class VelocityMethod { automatic, focus, semblance };

/// Options of estimate_velocity().
struct VelocityOptions {
  VelocityMethod method = VelocityMethod::automatic;
  int max_apexes = 3;  ///< semblance: apexes fitted (the strongest, >= 1/4 of the best energy)
  double min_velocity_m_per_ns = 0.05;
  double max_velocity_m_per_ns = 0.20;
  int n_velocities = 31;  ///< coarse scan points (>= 3), then a golden-section refinement
  /// Window (two-way time, ns, and traces) in which focus is measured; defaults: everything.
  double t_min_ns = -1e300, t_max_ns = 1e300;
  std::ptrdiff_t first_trace = 0, n_traces = -1;
  /// Antenna offset / height (m); negative = from the Header.
  double antenna_offset_m = -1;
  double antenna_height_m = -1;
  /// Subtract the median trace of the window first (removes the direct wave and a flat ground
  /// bounce, which otherwise outshine the diffractions and bias the focus).
  bool remove_median_trace = true;
  /// Re-reference time-zero on the direct wave / air-ground reflection of the median trace
  /// (two-way times a / c and 2 sqrt(h^2 + a^2/4) / c) before fitting, with the wavelet of the
  /// strongest apex as the template: the header's t0_ns is then only a first guess. With an air
  /// gap a hyperbola's shape barely depends on velocity once time-zero is free, so an error
  /// of dt in time-zero biases the velocity by about dt / (2 (t_apex - t_ground)). Left at the
  /// header's t0 when the median trace holds no such event (e.g. background already removed).
  bool calibrate_time_zero = true;
  /// Radius (m) of the cylinders fitted by the semblance method (0 = point diffractors);
  /// see HyperbolaFitOptions::target_radius_m.
  double target_radius_m = 0;
};

struct VelocityEstimate {
  double velocity_m_per_ns = 0;  ///< velocity of best focus (m/ns)
  /// 0..1: focus: 1 - median(focus) / max(focus) over the scan; semblance: the mean
  /// semblance of the fits.
  double quality = 0;
  VelocityMethod method = VelocityMethod::focus;  ///< the method used
  std::vector<double> velocities_m_per_ns;        ///< focus: the coarse scan; semblance: per apex
  std::vector<double> focus;  ///< focus (normalized 4th moment of the image) per velocity,
                              ///< or semblance per apex
  /// Time-zero correction applied (ns): the fits used t0_ns - time_zero_shift_ns
  /// (calibrate_time_zero; 0 when the header's t0 was kept).
  double time_zero_shift_ns = 0;
  bool time_zero_calibrated = false;  ///< whether the time-zero calibration was applied
};

/// Ground velocity. First (options on by default) the median trace is removed and time-zero is
/// re-referenced on the direct wave / ground reflection (median trace). focus: maximizes sum I^4 /
/// (sum I^2)^2 over the window of the Stolt image (air gap and offset honoured), about n_velocities
/// + 16 Stolt migrations of the window. semblance: fit_hyperbola at the strongest apexes of the
/// window (exact refracted times), semblance-weighted mean. Serial preparation (median,
/// analytic signal, time-zero fit): O(n_samples x n_traces log n_samples).
VelocityEstimate estimate_velocity(const Bscan& in, const VelocityOptions& o = {});

/// Options of fit_hyperbola().
struct HyperbolaFitOptions {
  double min_velocity_m_per_ns = 0.04;
  double max_velocity_m_per_ns = 0.25;
  std::ptrdiff_t half_width_traces = 25;  ///< traces either side of the apex used
  double window_ns = -1;              ///< semblance time window (ns); -1 = one period of the centre
                                      ///< frequency (or 10 samples when unknown)
  std::ptrdiff_t search_samples = 5;  ///< the apex time is refined within +-this many samples
  std::ptrdiff_t search_traces = 2;   ///< and the apex position within +-this many traces
  double antenna_offset_m = -1;       ///< negative = from the Header
  double antenna_height_m = -1;
  /// Radius (m) of a cylindrical target (0 = point): its echo is that of its centre
  /// earlier by 2 r / v (exact for a monostatic pair); apex_depth_m is then the top's depth. A
  /// point fit to a cylinder of radius r with top at depth z reads v sqrt(1 + r / z) (about
  /// +4 % for r = 8 mm, z = 9 cm) when time-zero is right.
  double target_radius_m = 0;
};

struct HyperbolaFit {
  double velocity_m_per_ns;
  double apex_depth_m;  ///< below the ground surface
  double apex_time_ns;  ///< two-way time of the apex (relative to time-zero)
  double x_m;           ///< apex position along the line
  double quality;       ///< semblance at the best fit (0..1)
};

/// Fits a diffraction hyperbola (exact bistatic refracted travel times) to the apex picked
/// at (trace, sample). On the analytic signal (x + i H(x), low-passed at 2-3 x the centre
/// frequency, so the wavelet's phase does not matter): the envelope ridge is followed trace by
/// trace from the apex's envelope peak down both flanks (while >= sqrt(0.05) of the apex
/// amplitude, within +-half_width_traces), and the refracted times are fitted to those picks
/// by amplitude-weighted least squares over velocity, depth and position. When fewer than 5
/// picks (or one flank only) are found, semblance is maximized over 41 velocities x apex time
/// (+-search_samples) x position (+-search_traces) instead. quality = semblance along the
/// fitted curve. Time-zero is the header's t0_ns (estimate_velocity can calibrate it first).
/// O(picks x iterations) refracted-time solves; the semblance fallback O(41 x samples x
/// traces x 2 half_width_traces).
HyperbolaFit fit_hyperbola(const Bscan& in, std::ptrdiff_t trace, std::ptrdiff_t sample,
                           const HyperbolaFitOptions& o = {});

}  // namespace gprkit
