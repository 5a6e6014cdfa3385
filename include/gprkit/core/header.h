// Acquisition metadata that travels with a B-scan. Units are in the names.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace gprkit {

/// One processing step a section went through: the step's registry name, its options with
/// every default resolved (a JSON object, as text) and the library version that ran it.
/// Entries that are not registry steps (such as "read") record where the data came from.
struct HistoryEntry {
  std::string step;
  std::string options_json = "{}";
  std::string version;
  bool operator==(const HistoryEntry&) const = default;
};

struct Header {
  double dt_ns = 0.1;  ///< sample interval (ns)
  double t0_ns = 0.0;  ///< time of sample 0 relative to time-zero (ns); negative when
                       ///< the direct wave arrives after sample 0
  double dx_m = 0.01;  ///< nominal trace spacing (m); 0 when unknown (time-based survey)
  double antenna_separation_m = 0.0;       ///< transmitter-receiver offset (m)
  double antenna_height_m = 0.0;           ///< antenna height above the ground (m)
  double centre_frequency_mhz = 0.0;       ///< antenna centre frequency (MHz), 0 when unknown
  std::vector<double> x_m, y_m, z_m;       ///< per-trace positions where known (empty otherwise)
  std::map<std::string, std::string> raw;  ///< raw format fields, as text, by name
  std::vector<HistoryEntry> history;       ///< processing so far, oldest first

  /// Two-way time of sample i (ns): t0_ns + i * dt_ns.
  double time_ns(double i) const { return t0_ns + i * dt_ns; }
  /// Position along the line of trace j (m): x_m[j] when known, else j * dx_m.
  double trace_x_m(std::ptrdiff_t j) const {
    return j < static_cast<std::ptrdiff_t>(x_m.size()) ? x_m[static_cast<std::size_t>(j)]
                                                       : static_cast<double>(j) * dx_m;
  }
};

}  // namespace gprkit
