// Per-trace positions from the GPS fixes a reader found (DZG, pulseEKKO .GPS, MALA and
// ImpulseRadar .cor): longitude / latitude / altitude per trace, and local metric coordinates.
#pragma once
#include <string>
#include <vector>

#include "gprkit/core/header.h"

namespace gprkit::io {

struct TracePositions {
  /// WGS 84 geographic position of every trace (deg, deg, m), interpolated linearly in trace
  /// index between the fixes; NaN for traces before the first fix or after the last one (no
  /// extrapolation).
  std::vector<double> longitude_deg, latitude_deg, altitude_m;
  /// Local metric frame (m): east and north of the first fixed trace on a plane tangent to the
  /// WGS 84 ellipsoid (meridian and prime-vertical radii of curvature at each trace's latitude:
  /// better than 1e-5 relative within a few km); NaN where the geographic position is.
  std::vector<double> east_m, north_m;
  /// Distance along the track (m): 0 at the first fixed trace, summed over trace-to-trace
  /// steps (radii at each step's mid latitude); NaN outside the fixes.
  std::vector<double> distance_m;
  std::ptrdiff_t first_trace = -1, last_trace = -1;  ///< the span the fixes cover
  std::size_t n_fixes = 0;
  std::string crs = "EPSG:4326";  ///< of longitude / latitude (NMEA and .cor fixes are WGS 84)
};

/// True when the header carries GPS fixes (raw gps_trace, gps_latitude_deg, gps_longitude_deg).
bool has_gps(const Header& h);

/// The per-trace positions of a line of n_traces traces. Fixes are taken in trace order (a
/// repeated trace number keeps its first fix). InvalidArgument when the header has no
/// usable fixes (none, of unequal lengths, out of range) or no fix falls on the line's traces.
TracePositions trace_positions(const Header& h, std::ptrdiff_t n_traces);

}  // namespace gprkit::io
