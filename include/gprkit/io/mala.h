// MALA RAMAC RD3 (16-bit) / RD7 (32-bit) + RAD header (+ COR GPS): read.
#pragma once
#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>

#include "gprkit/core/bscan.h"

namespace gprkit::io {

struct MalaReadOptions {
  bool read_gps = true;  ///< read the .COR companion when present
};

/// Reads a MALA line: `path` names the .rd3, .rd7 or .rad file; the others are found beside it.
///
/// - dt_ns = 1000 / FREQUENCY (FREQUENCY is the sampling frequency in MHz). TIMEWINDOW is
///   checked against SAMPLES x dt_ns: it must agree within 1 %, or be twice it (RAMAC
///   software writes both variants); raw["gprkit_timewindow_ratio"] records which. Any
///   other ratio raises FormatError: the header contradicts itself.
/// - Trace count from the data size (checked against LAST TRACE; a difference is recorded in
///   raw, not an error: MALA writes LAST TRACE before a line is closed).
/// - dx_m = DISTANCE INTERVAL; antenna_separation_m = ANTENNA SEPARATION;
///   centre_frequency_mhz from the leading digits of ANTENNAS.
/// Samples are returned as stored (int16 or int32 to float).
Bscan read_mala(const std::filesystem::path& path, const MalaReadOptions& o = {});
/// Same from memory: data bytes, RAD text, rd7 = 32-bit samples.
Bscan decode_mala(std::span<const std::uint8_t> data, std::string_view rad, bool rd7);

}  // namespace gprkit::io
