// Zero-phase FFT band-pass of each trace.
#pragma once
#include "gprkit/core/bscan.h"

namespace gprkit {

enum class BandpassShape {
  cosine,       ///< flat pass band, raised-cosine transition bands of transition_mhz
  butterworth,  ///< Butterworth magnitude of the given order at each corner (zero phase)
};

struct BandpassOptions {
  double low_mhz = -1.0;   ///< low corner (MHz); 0 = no high-pass part; < 0 = automatic
  double high_mhz = -1.0;  ///< high corner (MHz), below Nyquist; < 0 = automatic
  BandpassShape shape = BandpassShape::cosine;
  double transition_mhz = -1.0;     ///< cosine: width of each transition; < 0 = 0.25 * low corner
                                    ///< (low side) / 0.25 * high corner (high side)
  int order = 4;                    ///< butterworth order (1..32)
  std::ptrdiff_t pad_samples = -1;  ///< zero padding against wrap-around; < 0 = auto (n / 8)
  /// The options with automatic corners resolved from the header: high = min(2.5 x centre
  /// frequency, 0.8 x Nyquist), low = min(0.3 x centre frequency, high / 2); without a
  /// centre frequency 0.02 and 0.8 x Nyquist.
  BandpassOptions resolve(const Header& h) const;
};

/// Zero-phase: the gain is real, |H(f)| as above (half power at the Butterworth corners,
/// full pass at the cosine corners). O(n log n) per trace. In-place allowed.
void bandpass(ConstView in, MutView out, double dt_ns, const BandpassOptions& o = {});
Bscan bandpass(const Bscan& in, const BandpassOptions& o = {});
/// The gain applied at frequency f_mhz (for tests and plots).
double bandpass_gain(double f_mhz, const BandpassOptions& o);

}  // namespace gprkit
