// ImpulseRadar IPRB (int16/int32 samples) + IPRH (text header) (+ COR GPS): read and write.
#pragma once
#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>

#include "gprkit/core/bscan.h"

namespace gprkit::io {

struct ImpulseRadarReadOptions {
  bool read_gps = true;  ///< read the .cor companion when present
};

/// Reads one ImpulseRadar channel (CrossOver, Raptor, PinPointR): `path` names the .iprb or
/// the .iprh; the other is found beside it. Each channel of a multichannel array is its own
/// pair, `<project>_<profile>_A<channel>.iprb` (or `..._<channel>.iprb`).
///
/// - IPRH: `KEY: value` lines; every key (upper case, trimmed) is kept as text in raw.
/// - DATA VERSION 16 or 32: int16 or int32 samples, little-endian, traces one after another
///   (no trace headers). Samples are returned as stored (integers to float).
/// - dt_ns = 1000 / FREQUENCY (the sampling frequency in MHz). TIMEWINDOW, when present, must
///   equal SAMPLES x dt_ns within 0.5 % (it is written rounded to 3 decimals).
/// - Trace count from the data size (checked against LAST TRACE: a difference is recorded in
///   raw["gprkit_note"], not an error).
/// - dx_m = DISTANCE INTERVAL (the wheel's trigger interval, m) for TRIG SOURCE wheel, 0 for
///   time-triggered lines; antenna_separation_m = ANTENNA SEPARATION; centre_frequency_mhz
///   from the leading digits of ANTENNA ("300 MHz").
/// - t0_ns = 0: SIGNAL POSITION and ZERO LEVEL are kept in raw, not interpreted (their
///   meaning is not documented; see docs/io.md). A file written by gprkit carries t0_ns in
///   the key GPRKIT T0 NS, which is read back.
/// - raw["channel"]: the channel number of the file name (`_A01` -> 1, `_0` -> 0), when the
///   name ends in one. With read_gps, the profile's .cor (`<project>_<profile>.cor`, or the
///   channel's own name) gives raw gps_* fields; companions found (.cor, .time, .mrk) are
///   named in raw["cor_file"], raw["time_file"], raw["mrk_file"].
/// Throws FormatError naming the file and the problem (missing or non-numeric fields, absurd
/// sizes, unknown DATA VERSION, data not a whole number of traces), IoError.
Bscan read_impulseradar(const std::filesystem::path& path, const ImpulseRadarReadOptions& o = {});
/// Same from memory: the IPRB bytes and the IPRH text.
Bscan decode_impulseradar(std::span<const std::uint8_t> iprb, std::string_view iprh);

/// Writes `path` (.iprb) and its .iprh beside it, atomically (temporary files, renamed when
/// both are complete). Samples must be integers: int16 (DATA VERSION 16) when the Bscan was
/// read from a 16-bit file and every sample fits, else int32 (DATA VERSION 32). Header keys
/// come from raw (in the instrument's order) with SAMPLES, FREQUENCY, TIMEWINDOW, LAST TRACE,
/// TRIG SOURCE, DISTANCE INTERVAL, ANTENNA, ANTENNA SEPARATION updated from the Header, so
/// read -> write -> read returns the same data and header. Throws InvalidArgument (samples
/// that are not integers in the int32 range: round them or write .npy/.sgy), IoError.
void write_impulseradar(const std::filesystem::path& path, const Bscan& b);

}  // namespace gprkit::io
