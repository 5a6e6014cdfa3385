// gprMax output (HDF5 .out): single A-scans, merged B-scans, resampling to a chosen dt.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "gprkit/core/bscan.h"

namespace gprkit::io {

struct GprmaxReadOptions {
  std::string component = "Ez";  ///< field component dataset under /rxs/rxN/
  /// Output sample interval (ns); 0 keeps gprMax's own dt (typically a few ps).
  /// Resampling is band-limited: a Lanczos-windowed sinc (a = 8) whose cutoff is the lower
  /// of the two Nyquist frequencies, so downsampling does not alias.
  double dt_ns = 0.0;
};

/// Reads a gprMax .out file: one Bscan per receiver (/rxs/rx1, rx2, ...). A single run gives
/// one trace; a merged file (outputfiles_merge: datasets of shape (Iterations, n_traces))
/// gives the B-scan. dt from the root attribute "dt" (s); dx_m = rxsteps[0] x dx_dy_dz[0]
/// when present; antenna_separation_m from the receiver and source positions when present.
/// Root attributes go into raw. Throws FormatError (not HDF5, missing datasets/attributes,
/// absurd sizes), IoError.
std::vector<Bscan> read_gprmax(const std::filesystem::path& path, const GprmaxReadOptions& o = {});

/// Band-limited resampling of every trace to dt_out_ns (the window is kept: n_out =
/// floor((n - 1) dt_in / dt_out) + 1). Exposed for tests. Complexity O(n_out x kernel).
Bscan resample_traces(const Bscan& b, double dt_out_ns);

}  // namespace gprkit::io
