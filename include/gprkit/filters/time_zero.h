// Time-zero: pick the first break of each trace and align every trace to a common time-zero.
#pragma once
#include <vector>

#include "gprkit/core/bscan.h"

namespace gprkit {

enum class TimeZeroPick {
  threshold,   ///< first sample where |x| exceeds threshold * max|x| of the trace (linear interp.)
  first_peak,  ///< the first extremum above the threshold (parabolic interpolation)
};

struct TimeZeroOptions {
  TimeZeroPick method = TimeZeroPick::first_peak;
  double threshold = 0.5;           ///< fraction of the trace's maximum |amplitude|, in (0, 1]
  double search_start_ns = -1e300;  ///< only picks inside [search_start_ns, search_end_ns]
                                    ///< (times relative to the input's time-zero, t0_ns)
  double search_end_ns = 1e300;
  /// Sample index time-zero is moved to; < 0 means the median pick (keeps the section's length).
  double target_sample = -1.0;
  bool shift = true;  ///< false: only pick, out is a copy of in
  /// first_peak: traces whose pick jumped to another lobe of the direct wave (a lobe near the
  /// threshold wins in one trace and loses in the next) are re-picked on the extremum of the
  /// line's pick polarity nearest the running median of the picks over this many traces.
  /// 0 = independent per-trace picks; -1 = 1001 with an automatic target, 0 with a fixed one
  /// (so that a stream, which sees one trace at a time, picks as the offline run does).
  int lobe_window_traces = -1;
  int lobe_window() const {
    return lobe_window_traces >= 0 ? lobe_window_traces : (target_sample >= 0 ? 0 : 1001);
  }
};

struct TimeZeroResult {
  std::vector<double> picks_samples;  ///< per-trace pick (fractional sample index, before shifting)
  double target_sample = 0.0;         ///< where every pick now sits
};

/// Picks each trace's first break, then shifts each trace by (target - pick) samples with an
/// exact band-limited (FFT phase-ramp, zero-padded) fractional shift. The time of the target
/// sample becomes time-zero: the convenience layer sets t0_ns = -target * dt_ns.
TimeZeroResult time_zero(ConstView in, MutView out, double dt_ns, double t0_ns,
                         const TimeZeroOptions& o = {});
/// Only the picks (fractional samples).
std::vector<double> pick_time_zero(ConstView in, double dt_ns, double t0_ns,
                                   const TimeZeroOptions& o = {});
/// Shift each trace j by shifts_samples[j] (positive = later) with the FFT phase ramp.
void shift_traces(ConstView in, MutView out, const std::vector<double>& shifts_samples);
Bscan time_zero(const Bscan& in, const TimeZeroOptions& o = {}, TimeZeroResult* result = nullptr);

}  // namespace gprkit
