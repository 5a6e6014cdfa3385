// numpy .npy plus a JSON sidecar for the header: the simple native exchange format.
#pragma once
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "gprkit/core/bscan.h"

namespace gprkit::io {

/// Path of the sidecar of `npy_path`: the same path with ".json" appended (line.npy.json).
std::filesystem::path npy_sidecar(const std::filesystem::path& npy_path);

/// Reads a .npy array of shape (n_samples, n_traces) or (n_samples,) (any of float32/64,
/// int8/16/32, uint8/16, little- or big-endian, C or Fortran order) and its JSON sidecar
/// when present (dt_ns, t0_ns, dx_m, antenna_separation_m, antenna_height_m,
/// centre_frequency_mhz, x_m, y_m, z_m, raw). Values are converted to float32 as stored.
Bscan read_npy(const std::filesystem::path& path);
/// Same from memory; `sidecar_json` may be empty.
Bscan decode_npy(std::span<const std::uint8_t> npy, std::string_view sidecar_json);

/// Writes float32 Fortran-ordered .npy (version 1.0) plus the sidecar; exact round trip.
void write_npy(const std::filesystem::path& path, const Bscan& b);
/// The sidecar JSON text for a Header (numbers written so they read back exactly).
std::string header_to_json(const Header& h);
/// Parses a sidecar; FormatError for invalid JSON or wrongly typed fields.
Header header_from_json(std::string_view json);

}  // namespace gprkit::io
