// One entry point for every format: the format is chosen from the magic bytes and the
// extension.
#pragma once
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "gprkit/core/bscan.h"

namespace gprkit::io {

enum class Format { unknown, dzt, dt1, mala, segy, gprmax, npy, impulseradar };
/// Name of a format ("dzt", "dt1", "mala", "segy", "gprmax", "npy", "impulseradar", "unknown").
std::string format_name(Format f);
/// The format of `path`: HDF5 / numpy magic first, then the extension (.dzt, .dt1/.hd,
/// .rd3/.rd7/.rad, .iprb/.iprh, .sgy/.segy, .out/.h5/.hdf5, .npy), then a plausibility check
/// of the DZT and SEG-Y headers for other names. Throws IoError when the file cannot be read.
Format detect_format(const std::filesystem::path& path);

struct ReadOptions {
  std::string gprmax_component = "Ez";   ///< gprMax field component
  double gprmax_dt_ns = 0.0;             ///< gprMax resampling interval (0: keep)
  double segy_interval_unit_ns = 0.001;  ///< see SegyReadOptions
  bool read_gps = true;                  ///< read GPS companion files
};

/// Reads any supported file: one Bscan per channel (DZT channels, gprMax receivers; one for
/// the other formats). Every Header::raw gets "format" (the format name).
/// Throws FormatError when the format is not recognised or the file is bad, IoError.
std::vector<Bscan> read(const std::filesystem::path& path, const ReadOptions& o = {});

/// Writes by extension: .dzt (all channels in one file), .dt1, .iprb (integer samples only),
/// .sgy/.segy, .npy (one Bscan each). Throws InvalidArgument for an unsupported extension or
/// a channel count the format cannot hold.
void write(const std::filesystem::path& path, std::span<const Bscan> channels);
void write(const std::filesystem::path& path, const Bscan& b);

/// A human-readable table of the header of `path` (format, size, every Header field and
/// every raw field, long values shortened), one per channel.
std::string info_table(const std::filesystem::path& path, const ReadOptions& o = {});
/// The same table for Bscans already read.
std::string info_table(std::span<const Bscan> channels);

}  // namespace gprkit::io
