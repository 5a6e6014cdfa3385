// Sensors & Software pulseEKKO DT1 + HD: read and write.
#pragma once
#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>

#include "gprkit/core/bscan.h"

namespace gprkit::io {

struct Dt1ReadOptions {
  /// Read the .GPS companion (NMEA with "Trace #N" markers) when present.
  bool read_gps = true;
};

/// Reads a DT1 line with its HD header (same name, .HD/.hd; `path` may name either).
///
/// - HD: free text. Lines "KEY = VALUE" go into raw under the key as written (trimmed);
///   other lines (version strings, dates, "TRACES REPOSITIONED.") are kept in order in
///   raw["hd_text"]. Unknown keys and unparsable values are tolerated.
/// - dt_ns = TOTAL TIME WINDOW / NUMBER OF PTS/TRC; t0_ns = -(TIMEZERO AT POINT - 1) dt_ns
///   (points counted from 1); dx_m = STEP SIZE USED converted from POSITION UNITS (m, cm,
///   ft, in); x_m = per-trace position (converted); z_m = per-trace topography when any is
///   non-zero. Per-trace GPS (trace header X/Y/Z doubles), time of day, stacks, time-zero
///   adjustment go into raw as comma-separated lists ("trace_*").
/// - Samples (16-bit integers or 32-bit floats) are returned exactly as stored: no mean
///   removal, no dewow.
/// Throws FormatError (missing/absurd fields, truncated data), IoError.
Bscan read_dt1(const std::filesystem::path& path, const Dt1ReadOptions& o = {});
/// Same from memory: the DT1 bytes and the HD text.
Bscan decode_dt1(std::span<const std::uint8_t> dt1, std::string_view hd);

struct Dt1WriteOptions {
  /// 16-bit integers when every sample is an integer in [-32768, 32767], else 32-bit float.
  bool allow_int16 = true;
};
/// Writes `path` (.DT1) and its .HD beside it. The HD keeps the lines of raw["hd_text"]
/// (from a file that was read) with the values that changed updated; per-trace fields are
/// written from x_m/z_m and the raw "trace_*" lists. Throws InvalidArgument, IoError.
void write_dt1(const std::filesystem::path& path, const Bscan& b, const Dt1WriteOptions& o = {});

}  // namespace gprkit::io
