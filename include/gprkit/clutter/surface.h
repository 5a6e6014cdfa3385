// Ground-surface tracking (the air-ground reflection per trace, sub-sample) and the antenna
// height estimated from the delay between the direct wave and the ground reflection.
#pragma once
#include <cstddef>
#include <vector>

#include "gprkit/core/bscan.h"

namespace gprkit {

struct SurfaceOptions {
  /// Search window (ns, on the section's time axis). Both at their defaults: from one period
  /// before the first strong arrival (the first sample where the mean |amplitude| over the
  /// traces reaches half its maximum) to search_ns after it.
  double start_ns = -1e300, end_ns = 1e300;
  /// Length of the default window after the first strong arrival (ns); 0 = four periods of
  /// the centre frequency (header, else measured from the mean trace), at least 1 ns.
  double search_ns = 0.0;
  /// Largest move of the surface between neighbouring traces (ns); 0 = a quarter period.
  double max_jump_ns = 0.0;
  /// Half-length of the reference ground wavelet (ns); 0 = three quarters of a period.
  double wavelet_half_ns = 0.0;
  /// Separate a time-fixed component (the direct wave, antenna ringing) from the moving ground
  /// reflection by alternation (model: trace = fixed + amplitude x wavelet(t - surface time)).
  bool separate_fixed = true;
  int iterations = 8;  ///< alternations of the model (1..100)
  /// Centre frequency (MHz) used for the period; 0 = the header's, else measured.
  double centre_frequency_mhz = 0.0;
};

/// The tracked air-ground reflection.
struct SurfaceTrack {
  std::vector<double> time_ns;    ///< two-way time of the reflection's peak per trace (ns,
                                  ///< section time axis, sub-sample)
  std::vector<double> sample;     ///< the same as a fractional sample index
  std::vector<double> amplitude;  ///< signed peak amplitude of the reflection per trace
  std::vector<double> quality;    ///< normalized correlation with the ground wavelet, -1..1
  std::vector<float> wavelet;     ///< the reference ground wavelet (peak at wavelet_centre)
  std::ptrdiff_t wavelet_centre = 0;
  /// The time-fixed component found in the window (direct wave and ringing), window samples
  /// [window_first_sample, window_first_sample + fixed.size()).
  std::vector<float> fixed;
  /// True when the track came from the model with a separated time-fixed part; false when
  /// separate_fixed is off or the surface hardly moves (the spread of the plain picks is below
  /// a hundredth of a period): then fixed part and ground cannot be told apart, and the pick is
  /// the peak of their composite.
  bool fixed_separated = false;
  /// A ground reflection was followed on (nearly) every trace: the 10th percentile of quality
  /// is >= 0.6 and the median |amplitude| >= 0.6 x its 90th percentile. False e.g. on a
  /// ground-coupled line with no air-ground reflection, where the path follows a target.
  bool continuous = false;
  std::ptrdiff_t window_first_sample = 0, window_n_samples = 0;
  double period_ns = 0.0;  ///< period used for the defaults
};

/// Track the air-ground reflection trace by trace: each trace's window (minus the time-fixed
/// component) is cross-correlated with a reference ground wavelet (the aligned mean of the
/// section), the best path of lags is followed along the line with moves of at most
/// max_jump_ns per trace (dynamic programming over the correlation curves, so a strong
/// shallow target or a weak stretch of bounce does not derail it), and the pick is refined
/// by a parabola through the correlation peak. Complexity O(n_traces x window x lags) per
/// iteration, OpenMP over traces; the result does not depend on the thread count.
/// Throws InvalidArgument for an empty or non-finite section, a window outside it, etc.
SurfaceTrack track_surface(ConstView in, const Header& h, const SurfaceOptions& o = {});
SurfaceTrack track_surface(const Bscan& in, const SurfaceOptions& o = {});

struct AntennaHeightOptions {
  /// Transmitter-receiver offset (m); < 0 = the header's antenna_separation_m.
  double antenna_separation_m = -1.0;
  /// Time of the direct wave (ns, section time axis); -1e300 = the peak of the time-fixed
  /// component found by track_surface, or separation / c when none is found.
  double direct_time_ns = -1e300;
  /// The two arrivals count as resolved when their delay is at least this fraction of a
  /// period (below it the peaks merge and the delay cannot be read).
  double min_delay_periods = 0.5;
  SurfaceOptions surface{};
};

struct AntennaHeight {
  double height_m = 0.0;  ///< line height (median of per-trace heights), NaN when unresolved
  std::vector<double> height_per_trace_m;  ///< per-trace heights, NaN when unresolved
  double delay_ns = 0.0;                   ///< median delay ground - direct (ns)
  double direct_time_ns = 0.0;             ///< time of the direct wave used
  bool resolved = false;  ///< the two arrivals were separated (delay >= min_delay_periods)
  /// Height from the ground reflection's absolute two-way time, assuming the section's time
  /// zero is the transmission (t = 0 on its axis): useful where time zero is trusted (synthetic
  /// data, calibrated systems) even when the arrivals overlap; NaN when the pick comes before
  /// separation / c. Not flagged: where the arrivals overlap it reads the composite's peak.
  double height_from_time_zero_m = 0.0;
  double period_ns = 0.0;  ///< period of the wavelet (the resolution limit)
  SurfaceTrack surface;    ///< the track it came from
};

/// Antenna height from delay = 2 sqrt(h^2 + a^2 / 4) / c - a / c between the direct wave and
/// the air-ground reflection (a = separation, c = c_air_m_per_ns). When the delay is below
/// min_delay_periods of a period (e.g. 3 cm at 1.5 GHz: 0.1 ns against 0.67 ns) the result is
/// flagged unresolved and height_m is NaN; height_from_time_zero_m is still given.
AntennaHeight estimate_antenna_height(ConstView in, const Header& h,
                                      const AntennaHeightOptions& o = {});
AntennaHeight estimate_antenna_height(const Bscan& in, const AntennaHeightOptions& o = {});

}  // namespace gprkit
