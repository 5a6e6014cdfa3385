// SEG-Y rev 1 as GPR software writes it: read and write.
#pragma once
#include <cstdint>
#include <filesystem>
#include <span>

#include "gprkit/core/bscan.h"

namespace gprkit::io {

struct SegyReadOptions {
  /// Nanoseconds per unit of the sample-interval fields (binary header bytes 3217-3218,
  /// trace header bytes 117-118). SEG-Y stores microseconds; GPR writers store picoseconds
  /// in them (the time axis scaled by 1000). Default 0.001 (the field holds ps). Ignored when
  /// the textual header holds gprkit's exact "DT_NS=" line.
  double interval_unit_ns = 0.001;
};

/// Reads a big-endian SEG-Y rev 0/1 file (textual header EBCDIC or ASCII, extended textual
/// headers skipped, formats 1 IBM float, 2 int32, 3 int16, 5 IEEE float, 8 int8).
/// x_m/y_m from the source coordinates (bytes 73-80, scaled by bytes 71-72), z_m from the
/// receiver elevation (41-44, scaled by 69-70) when any is non-zero; t0_ns from the delay
/// recording time (109-110, in the same unit as the interval x 1000). Binary header fields and
/// the textual header go into raw. Throws FormatError for traces that do not fill the file
/// exactly, variable trace lengths, unknown formats; IoError.
Bscan read_segy(const std::filesystem::path& path, const SegyReadOptions& o = {});
Bscan decode_segy(std::span<const std::uint8_t> bytes, const SegyReadOptions& o = {});

struct SegyWriteOptions {
  bool ibm_float = false;           ///< format 1 (IBM) instead of 5 (IEEE)
  double interval_unit_ns = 0.001;  ///< unit of the interval fields (see SegyReadOptions)
};
/// Writes SEG-Y rev 1: EBCDIC textual header (with exact "DT_NS=", "T0_NS=", "DX_M=" lines
/// so gprkit reads dt back exactly), binary header (interval rounded to the field unit),
/// one 240-byte header per trace (sequence numbers, coordinates scaled to fit int32, ns, dt).
void write_segy(const std::filesystem::path& path, const Bscan& b, const SegyWriteOptions& o = {});

}  // namespace gprkit::io
