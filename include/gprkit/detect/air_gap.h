// The antenna's height above ground read from the moveout of diffraction hyperbolas: where
// the direct wave and the ground reflection overlap in time their delay cannot be read, but
// the hyperbolas still show it (an air-launched antenna sees flatter hyperbolas: the rays
// travel along the line in air and refract into the ground).
#pragma once
#include <cstddef>
#include <vector>

#include "gprkit/core/bscan.h"

namespace gprkit {

struct AirGapOptions {
  /// Candidate heights (m), scanned in order; the first of equal semblance wins.
  std::vector<double> heights_m = {0.0, 0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.07, 0.10, 0.15};
  int max_apexes = 8;                 ///< strongest apexes used (>= 1)
  double apex_separation_m = 0.3;     ///< no two apexes closer along the line
  double aperture_m = 0.3;            ///< traces within this of the apex enter the semblance
  double min_time_after_ns = -1e300;  ///< apexes only after this time (ns, e.g. below the ground)
  /// An apex must be at least this many times the section's robust noise level (MAD).
  double min_snr = 6.0;
  double min_relative_amplitude = 0.1;  ///< and this fraction of the strongest apex
  /// The best height is kept only when its mean semblance beats the ground-coupled one (h = 0)
  /// by at least this much; else 0 (a ground-coupled antenna).
  double min_gain = 0.02;
};

struct AirGapEstimate {
  double height_m = 0.0;          ///< the chosen height (m)
  bool resolved = false;          ///< apexes were found and the choice is data-driven
  std::vector<double> semblance;  ///< mean semblance per candidate height
  std::ptrdiff_t n_apexes = 0;
};

/// Scans the candidate heights at the strongest apexes of `in` (a section after clutter
/// removal: the ground bounce would dominate) for the velocity given, with the header's
/// antenna separation and time-zero: the semblance (window of half a period) along the exact
/// refracted diffraction curve of each height. O(apexes x heights x aperture x window).
AirGapEstimate estimate_air_gap(ConstView in, const Header& h, double velocity_m_per_ns,
                                const AirGapOptions& o = {});

}  // namespace gprkit
