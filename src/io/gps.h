// GPS companions written beside a file (.GPS for DT1, .DZG for DZT), from the fixes a reader
// stored in Header::raw (internal, not installed).
#pragma once
#include <string>
#include <vector>

#include "detail.h"

namespace gprkit::io::detail {

struct GpsTrack {
  std::vector<double> trace;  ///< trace index (0-based) of each fix
  std::vector<GpsFix> fixes;
};
/// The fixes in raw (gps_trace, gps_latitude_deg, gps_longitude_deg, gps_altitude_m, as
/// store_gps writes them); empty when absent, of unequal lengths or not numbers.
GpsTrack load_gps(const Header& h);
/// A $GPGGA sentence (with its checksum) that parse_gga reads back to `fix` (to ~1e-10 deg).
std::string gga_sentence(const GpsFix& fix);

}  // namespace gprkit::io::detail
