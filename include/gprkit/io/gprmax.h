// gprMax output (HDF5 .out): single A-scans, merged B-scans, resampling to a chosen dt.
#pragma once
#include <cstdint>
#include <filesystem>
#include <span>
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
/// gives the B-scan. dt from the root attribute "dt" (s). Per-trace positions x_m: trace j is
/// model run j, its position the source-receiver midpoint (/srcs/src1 and /rxs/rxN Position
/// plus j x srcsteps/rxsteps x dx_dy_dz) along the direction it moves; dx_m is its step and
/// antenna_separation_m the source-receiver distance. Root attributes go into raw, strings
/// (gprMax version, Title, receiver Name, source Type) included, variable-length ones read
/// from the file's bytes with bounds (docs/io.md). Every receiver /rxs/rx1 .. rxN (up to the
/// first gap) is read.
///
/// Limits, checked before anything is allocated: each dataset must be a numeric dataset of
/// rank 1 or 2 whose storage in the file can hold its shape (a declared but unwritten dataset
/// is refused), and everything the reader allocates for the file (all receivers, resampled
/// output included) is at most 4 GiB.
/// Throws FormatError (not HDF5, missing or mistyped groups/datasets/attributes, sizes over
/// the limits), InvalidArgument (dt_ns < 0, a resampled output over 4 GiB), IoError.
std::vector<Bscan> read_gprmax(const std::filesystem::path& path, const GprmaxReadOptions& o = {});
/// Same from the bytes of a .out file in memory (HDF5's core driver, no file is written).
std::vector<Bscan> decode_gprmax(std::span<const std::uint8_t> bytes,
                                 const GprmaxReadOptions& o = {});

/// Band-limited resampling of every trace to dt_out_ns (the window is kept: n_out =
/// floor((n - 1) dt_in / dt_out) + 1). Exposed for tests. Complexity O(n_out x kernel).
/// Throws InvalidArgument when the output would exceed 4 GiB.
Bscan resample_traces(const Bscan& b, double dt_out_ns);

}  // namespace gprkit::io
