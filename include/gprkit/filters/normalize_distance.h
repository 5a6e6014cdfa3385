// Distance normalisation: resample a line recorded at uneven trace spacing (time-triggered, a
// slipping or stopped wheel) onto equal spacing from its per-trace positions.
#pragma once
#include <cstddef>
#include <vector>

#include "gprkit/core/bscan.h"

namespace gprkit {

struct NormalizeDistanceOptions {
  /// Output trace spacing (m), > 0; 0 = automatic: the median of the positive steps between
  /// consecutive positions (the spacing the instrument meant to keep).
  double spacing_m = 0.0;
  /// Traces whose positions lie within this distance (m) of the first trace of their run are
  /// one station (the wheel stood still) and are averaged (stacked); a step back by no more
  /// than it is jitter, not a reversal. < 0 = automatic: a quarter of the output spacing.
  double stationary_m = -1.0;
};

/// How each output trace is made from the input: output k at x0_m + k spacing_m is
/// (1 - weight[k]) times station lo[k] plus weight[k] times station lo[k] + 1, a station being
/// the mean of input traces [station_begin[s], station_begin[s + 1]).
struct DistanceGrid {
  double x0_m = 0.0, spacing_m = 0.0;
  bool reversed = false;  ///< positions fall along the line: the output runs the other way
  std::vector<std::ptrdiff_t> station_begin;  ///< n_stations + 1 input-trace offsets
  std::vector<double> station_x_m;            ///< mean position of each station
  std::vector<std::ptrdiff_t> lo;             ///< per output trace
  std::vector<float> weight;                  ///< per output trace, in [0, 1]
  std::ptrdiff_t n_traces() const { return static_cast<std::ptrdiff_t>(lo.size()); }
};

/// The grid for per-trace positions x_m (metres, one per input trace). Positions must be
/// finite and run one way (non-decreasing, or non-increasing for a line recorded backwards;
/// steps back within stationary_m are allowed). InvalidArgument names the first trace that
/// breaks this, a spacing that is not > 0, or an output of more than max_traces traces.
DistanceGrid distance_grid(const std::vector<double>& x_m, const NormalizeDistanceOptions& o = {},
                           std::ptrdiff_t max_traces = std::ptrdiff_t{1} << 26);

/// out (n_samples x grid.n_traces()) = the input's traces interpolated linearly in position
/// between stations. Allocates nothing; thread count does not change the result.
void normalize_distance(ConstView in, MutView out, const DistanceGrid& grid);

/// The whole step on a Bscan: positions from the header's x_m (required: InvalidArgument when
/// the line has none). The output header has x_m on the regular grid, dx_m = spacing, y_m and
/// z_m interpolated like the traces, and per-trace raw lists ("trace_*") dropped.
Bscan normalize_distance(const Bscan& in, const NormalizeDistanceOptions& o = {});

/// The output header of normalize_distance (what the pipeline predicts before the data).
void normalize_distance_header(Header& h, const DistanceGrid& grid);

}  // namespace gprkit
