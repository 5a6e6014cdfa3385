// Envelope (instantaneous amplitude) of each trace via the analytic signal.
#pragma once
#include "gprkit/core/bscan.h"

namespace gprkit {

struct EnvelopeOptions {
  std::ptrdiff_t pad_samples = -1;  ///< zero padding against wrap-around; < 0 = auto (n / 8)
};

/// out = |x + i H(x)| with H the Hilbert transform (FFT). In-place allowed.
void envelope(ConstView in, MutView out, const EnvelopeOptions& o = {});
Bscan envelope(const Bscan& in, const EnvelopeOptions& o = {});

}  // namespace gprkit
