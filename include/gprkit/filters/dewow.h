// Dewow: remove the slow "wow" drift of each trace with a running-mean high-pass.
#pragma once
#include "gprkit/core/bscan.h"

namespace gprkit {

struct DewowOptions {
  double window_ns = 2.0;  ///< length of the running-mean window (ns); > 0
};

/// out = in - running mean over window_ns centred on each sample. Near the ends the window
/// shrinks symmetrically, so a linear trend is removed exactly there too (no edge bias).
/// O(samples) per trace, one pass. In-place allowed.
void dewow(ConstView in, MutView out, double dt_ns, const DewowOptions& o = {});
Bscan dewow(const Bscan& in, const DewowOptions& o = {});

}  // namespace gprkit
