// Dewow: remove the slow "wow" drift of each trace with a running-mean high-pass.
#pragma once
#include "gprkit/core/bscan.h"

namespace gprkit {

struct DewowOptions {
  /// Length of the running-mean window (ns), > 0; 0 = automatic (see resolve()).
  double window_ns = 0.0;
  /// The options with the automatic window resolved: three periods of the header's centre
  /// frequency, or max(2 ns, 20 samples) when it is unknown (0).
  DewowOptions resolve(const Header& h) const;
};

/// out = in - running mean over window_ns centred on each sample. Near the ends the window
/// shrinks symmetrically, so a linear trend is removed exactly there too (no edge bias).
/// O(samples) per trace, one pass. In-place allowed. The core form resolves an automatic
/// window from dt_ns alone (no centre frequency).
void dewow(ConstView in, MutView out, double dt_ns, const DewowOptions& o = {});
Bscan dewow(const Bscan& in, const DewowOptions& o = {});

}  // namespace gprkit
