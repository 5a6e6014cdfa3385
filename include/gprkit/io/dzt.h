// GSSI DZT (SIR-3000/4000/20/30, StructureScan, UtilityScan): read and write.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "gprkit/core/bscan.h"

namespace gprkit::io {

struct DztReadOptions {
  /// Read the DZG GPS companion (same name, .DZG) when present: fixes go into
  /// Header::raw (gps_trace, gps_latitude_deg, gps_longitude_deg, gps_altitude_m).
  bool read_gps = true;
};

/// Reads a DZT file: one Bscan per channel (scans interleave channels: scan k of channel c
/// is the c-th block of nsamp samples of the k-th record).
///
/// - The data offset comes from the header: rh_data < 1024 counts 1024-byte header blocks,
///   otherwise the header is 1024 bytes per channel (rh_nchan). Every count is checked
///   against the file size before anything is allocated.
/// - Unsigned samples (8/16/32-bit, the default for 8 and 16 bits) are returned centred:
///   value - 2^(bits-1) (16-bit: raw - 32768), so the samples are signed and zero-mean for a
///   quiet trace. Signed and float samples are returned as stored. Samples are otherwise
///   unchanged: GSSI's first two words of each scan (scan counter / mark word) stay in the
///   data; the traces holding a mark are listed in raw["marks"].
/// - dt_ns = rhf_range / rh_nsamp (the range is the time window split into rh_nsamp samples),
///   t0_ns = -rhf_position, dx_m = 1 / rhf_spm (0 for a time-based survey),
///   centre_frequency_mhz from the antenna name (leading digits or GSSI model number).
/// - Every header field is in Header::raw as text ("rh_nsamp", "rhf_range", ...).
/// Throws FormatError (bad header, truncated or partial scans), IoError (OS failure).
/// Complexity: one pass over the file (memory-mapped), parallel conversion over traces.
std::vector<Bscan> read_dzt(const std::filesystem::path& path, const DztReadOptions& o = {});
/// Same from bytes in memory (no GPS companion).
std::vector<Bscan> decode_dzt(std::span<const std::uint8_t> bytes);

enum class DztSampleFormat {
  automatic,  ///< 16-bit unsigned when every sample is an integer in [-32768, 32767],
              ///< else 32-bit float (rh_dtype 0x10): the data always read back identical
  u16,        ///< 16-bit unsigned with offset 32768 (rounded, clipped)
  i32,        ///< 32-bit signed (rounded, clipped)
  f32         ///< 32-bit IEEE float (rh_dtype 0x10)
};
struct DztWriteOptions {
  DztSampleFormat format = DztSampleFormat::automatic;
};
/// Writes one DZT with channels.size() channels (all of the same shape and dt).
/// Header fields come from channel 0's Header (dt_ns, t0_ns, dx_m, centre frequency);
/// raw DZT fields with no Header equivalent (antenna name, epsr, dates, sps, ...) are kept
/// from raw when present, so read -> write -> read returns the same header.
/// Throws InvalidArgument for empty/mismatched channels or sizes DZT cannot hold
/// (more than 65535 samples), IoError on OS failure.
void write_dzt(const std::filesystem::path& path, std::span<const Bscan> channels,
               const DztWriteOptions& o = {});
void write_dzt(const std::filesystem::path& path, const Bscan& b, const DztWriteOptions& o = {});

}  // namespace gprkit::io
