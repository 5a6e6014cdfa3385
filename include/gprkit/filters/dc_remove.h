// DC removal: subtract each trace's mean or median (over a time window) from the trace.
#pragma once
#include "gprkit/core/bscan.h"

namespace gprkit {

enum class DcMethod { mean, median };

struct DcRemoveOptions {
  DcMethod method = DcMethod::mean;
  double start_ns = -1e300;  ///< window over which the level is measured (times from time-zero);
  double end_ns = 1e300;     ///< the default is the whole trace
};

/// out(i, j) = in(i, j) - level_j, level_j = mean or median of trace j over [start_ns, end_ns].
/// dt_ns / t0_ns place the window. O(samples) per trace (median: nth_element). In-place allowed.
void dc_remove(ConstView in, MutView out, double dt_ns, double t0_ns,
               const DcRemoveOptions& o = {});
Bscan dc_remove(const Bscan& in, const DcRemoveOptions& o = {});

}  // namespace gprkit
