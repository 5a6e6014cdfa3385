#include "gprkit/io/read.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "detail.h"
#include "gprkit/core/validate.h"
#include "gprkit/core/version.h"
#include "gprkit/io/dt1.h"
#include "gprkit/io/dzt.h"
#include "gprkit/io/gprmax.h"
#include "gprkit/io/impulseradar.h"
#include "gprkit/io/mala.h"
#include "gprkit/io/npy.h"
#include "gprkit/io/segy.h"

namespace gprkit::io {

using namespace detail;

std::string format_name(Format f) {
  switch (f) {
    case Format::dzt:
      return "dzt";
    case Format::dt1:
      return "dt1";
    case Format::mala:
      return "mala";
    case Format::segy:
      return "segy";
    case Format::gprmax:
      return "gprmax";
    case Format::npy:
      return "npy";
    case Format::impulseradar:
      return "impulseradar";
    default:
      return "unknown";
  }
}

namespace {
bool plausible_dzt(Bytes b) {
  if (b.size() < 1024) return false;
  const unsigned nsamp = load_le<std::uint16_t>(&b[4]), bits = load_le<std::uint16_t>(&b[6]),
                 nchan = load_le<std::uint16_t>(&b[52]);
  const float range = load_le<float>(&b[26]);
  return (bits == 8 || bits == 16 || bits == 32) && nsamp >= 2 && nchan >= 1 && nchan <= 16 &&
         std::isfinite(range) && range > 0;
}
bool plausible_segy(Bytes b) {
  if (b.size() < 3600 + 240) return false;
  const int fmt = load_be<std::int16_t>(&b[3200 + 24]);
  const int ns = load_be<std::uint16_t>(&b[3200 + 20]);
  return (fmt == 1 || fmt == 2 || fmt == 3 || fmt == 5 || fmt == 8) && ns > 0;
}
}  // namespace

Format detect_format(const std::filesystem::path& path) {
  const std::string ext = lower_ext(path);
  if (ext == ".hd" || ext == ".rad") return ext == ".hd" ? Format::dt1 : Format::mala;
  if (ext == ".iprh") return Format::impulseradar;
  // Only the bytes the checks below look at (the SEG-Y headers and first trace header).
  const std::vector<std::uint8_t> head = read_prefix(path, 3600 + 240);
  const Bytes b(head);
  if (b.size() >= 8 && std::memcmp(b.data(), "\x89HDF\r\n\x1a\n", 8) == 0) return Format::gprmax;
  if (b.size() >= 6 && std::memcmp(b.data(), "\x93NUMPY", 6) == 0) return Format::npy;
  if (ext == ".dzt") return Format::dzt;
  if (ext == ".dt1") return Format::dt1;
  if (ext == ".rd3" || ext == ".rd7") return Format::mala;
  if (ext == ".iprb") return Format::impulseradar;
  if (ext == ".sgy" || ext == ".segy") return Format::segy;
  if (ext == ".out" || ext == ".h5" || ext == ".hdf5") return Format::gprmax;
  if (ext == ".npy") return Format::npy;
  if (plausible_segy(b)) return Format::segy;
  if (plausible_dzt(b)) return Format::dzt;
  return Format::unknown;
}

std::vector<Bscan> read(const std::filesystem::path& path, const ReadOptions& o) {
  const Format f = detect_format(path);
  std::vector<Bscan> out;
  switch (f) {
    case Format::dzt:
      out = read_dzt(path, {.read_gps = o.read_gps});
      break;
    case Format::dt1:
      out.push_back(read_dt1(path, {.read_gps = o.read_gps}));
      break;
    case Format::mala:
      out.push_back(read_mala(path, {.read_gps = o.read_gps}));
      break;
    case Format::impulseradar:
      out.push_back(read_impulseradar(path, {.read_gps = o.read_gps}));
      break;
    case Format::segy:
      out.push_back(read_segy(path, {.interval_unit_ns = o.segy_interval_unit_ns}));
      break;
    case Format::gprmax:
      out = read_gprmax(path, {.component = o.gprmax_component, .dt_ns = o.gprmax_dt_ns});
      break;
    case Format::npy:
      out.push_back(read_npy(path));
      break;
    default:
      throw FormatError(
          "read: '" + path.string() +
          "' is not a recognised GPR file (by magic bytes or extension: .dzt, .dt1/.hd, "
          ".rd3/.rd7/.rad, .iprb/.iprh, .sgy/.segy, .out/.h5, .npy)");
  }
  // The history starts with where the data came from (not a step: from_history skips it).
  const nlohmann::json where = {{"path", path.string()}, {"format", format_name(f)}};
  for (std::size_t c = 0; c < out.size(); ++c) {
    Bscan& b = out[c];
    b.header().raw["format"] = format_name(f);
    nlohmann::json w = where;
    if (out.size() > 1) w["channel"] = c;
    b.header().history.push_back(
        {"read", w.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), version()});
  }
  return out;
}

void write(const std::filesystem::path& path, std::span<const Bscan> channels) {
  const std::string ext = lower_ext(path);
  if (channels.empty()) check::fail("write", "channels", "0 channels", "at least one Bscan");
  if (ext == ".dzt") return write_dzt(path, channels);
  if (channels.size() != 1)
    check::fail("write", "channels", static_cast<double>(channels.size()),
                "1 for " + ext + " (only .dzt holds several channels)");
  if (ext == ".dt1") return write_dt1(path, channels[0]);
  if (ext == ".sgy" || ext == ".segy") return write_segy(path, channels[0]);
  if (ext == ".npy") return write_npy(path, channels[0]);
  if (ext == ".iprb") return write_impulseradar(path, channels[0]);
  check::fail("write", "path", path.string(),
              "an extension .dzt, .dt1, .iprb, .sgy, .segy or .npy");
}

void write(const std::filesystem::path& path, const Bscan& b) {
  write(path, std::span<const Bscan>(&b, 1));
}

namespace {
std::string shorten(const std::string& v, std::size_t n = 60) {
  std::string s;
  for (char c : v) s += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  if (s.size() > n) s = s.substr(0, n - 3) + "...";
  return s;
}
void row(std::string& out, const std::string& k, const std::string& v) {
  std::string key = k;
  if (key.size() < 28) key.resize(28, ' ');
  out += "  " + key + " " + v + "\n";
}
std::string summary(const std::vector<double>& v) {
  if (v.empty()) return "(none)";
  const auto [mn, mx] = std::minmax_element(v.begin(), v.end());
  return std::to_string(v.size()) + " values, " + num(*mn) + " .. " + num(*mx);
}
}  // namespace

std::string info_table(std::span<const Bscan> channels) {
  std::string out;
  for (std::size_t c = 0; c < channels.size(); ++c) {
    const Bscan& b = channels[c];
    const Header& h = b.header();
    auto fmt = h.raw.find("format");
    out += "channel " + std::to_string(c) + " of " + std::to_string(channels.size()) + " (" +
           (fmt != h.raw.end() ? fmt->second : std::string("?")) + ")\n";
    row(out, "n_samples", std::to_string(b.n_samples()));
    row(out, "n_traces", std::to_string(b.n_traces()));
    row(out, "dt_ns", num(h.dt_ns));
    row(out, "time window (ns)", num(h.dt_ns * static_cast<double>(b.n_samples())));
    row(out, "t0_ns", num(h.t0_ns));
    row(out, "dx_m", num(h.dx_m));
    row(out, "antenna_separation_m", num(h.antenna_separation_m));
    row(out, "antenna_height_m", num(h.antenna_height_m));
    row(out, "centre_frequency_mhz", num(h.centre_frequency_mhz));
    row(out, "x_m", summary(h.x_m));
    row(out, "y_m", summary(h.y_m));
    row(out, "z_m", summary(h.z_m));
    out += "  raw fields:\n";
    for (const auto& [k, v] : h.raw)
      if (k != "format") row(out, "  " + k, shorten(v));
    out += "  history (" + std::to_string(h.history.size()) + " steps):\n";
    for (std::size_t i = 0; i < h.history.size(); ++i)
      out += "    " + std::to_string(i + 1) + ". " + h.history[i].step + " " +
             shorten(h.history[i].options_json) + " (gprkit " + h.history[i].version + ")\n";
  }
  return out;
}

std::string info_table(const std::filesystem::path& path, const ReadOptions& o) {
  const auto ch = read(path, o);
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  std::string out =
      "file " + path.string() + " (" + (ec ? std::string("?") : std::to_string(size)) + " bytes)\n";
  return out + info_table(ch);
}

}  // namespace gprkit::io
