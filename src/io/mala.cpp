#include "gprkit/io/mala.h"

#include <cmath>
#include <map>

#include "detail.h"
#include "text.h"

namespace gprkit::io {

using namespace detail;

namespace {
constexpr const char* kFmt = "MALA";

bool get(const std::map<std::string, std::string>& f, const char* key, double& v) {
  auto it = f.find(key);
  return it != f.end() && parse_leading_double(it->second, v);
}

void read_cor(const std::filesystem::path& path, std::map<std::string, std::string>& raw) {
  const auto cor = sibling(path, "COR");
  if (path_exists(cor)) read_cor_gps(cor, raw);
}
Bscan decode_mala_body(std::span<const std::uint8_t> data, std::string_view rad_bytes, bool rd7);
}  // namespace

Bscan decode_mala(std::span<const std::uint8_t> data, std::string_view rad_bytes, bool rd7) {
  return reader_boundary(kFmt, [&] { return decode_mala_body(data, rad_bytes, rd7); });
}

namespace {
Bscan decode_mala_body(std::span<const std::uint8_t> data, std::string_view rad_bytes, bool rd7) {
  bool cp1252 = false;
  const std::string rad_text = to_utf8(rad_bytes, &cp1252);
  const auto rad = colon_fields(rad_text);
  double ns_d = 0, freq = 0, window = 0;
  if (!get(rad, "SAMPLES", ns_d)) fail(kFmt, "the RAD has no SAMPLES");
  if (!get(rad, "FREQUENCY", freq)) fail(kFmt, "the RAD has no FREQUENCY");
  if (!(ns_d >= 2 && ns_d <= 1e6 && ns_d == std::floor(ns_d)))
    fail(kFmt, "SAMPLES = " + num(ns_d) + "; expected an integer 2..1000000");
  if (!(freq > 0 && freq < 1e7))
    fail(kFmt, "FREQUENCY = " + num(freq) + " MHz; expected a sampling frequency > 0");
  const auto ns = static_cast<std::size_t>(ns_d);
  Header h;
  h.raw["format"] = "mala";
  h.raw["mala_kind"] = rd7 ? "rd7" : "rd3";
  for (const auto& [k, v] : rad) h.raw[k] = v;
  if (cp1252) h.raw["rad_encoding"] = "cp1252";
  h.dt_ns = 1000.0 / freq;
  if (get(rad, "TIMEWINDOW", window)) {
    const double ratio = window / (static_cast<double>(ns) * h.dt_ns);
    if (std::fabs(ratio - 1.0) <= 0.01)
      h.raw["gprkit_timewindow_ratio"] = "1";
    else if (std::fabs(ratio - 2.0) <= 0.02)
      h.raw["gprkit_timewindow_ratio"] = "2";
    else
      fail(kFmt, "TIMEWINDOW = " + num(window) + " ns disagrees with SAMPLES / FREQUENCY = " +
                     num(static_cast<double>(ns) * h.dt_ns) + " ns (ratio " + num(ratio) +
                     "; expected 1 or 2)");
  }
  const std::size_t bps = rd7 ? 4 : 2;
  const std::size_t rec = ns * bps;
  if (data.size() % rec != 0)
    fail(kFmt, "data size " + std::to_string(data.size()) + " is not a whole number of traces (" +
                   std::to_string(rec) + " bytes each): truncated file or wrong SAMPLES");
  const std::size_t nt = data.size() / rec;
  if (nt == 0) fail(kFmt, "the data file holds no traces");
  double last = 0;
  if (get(rad, "LAST TRACE", last) && last != static_cast<double>(nt))
    h.raw["gprkit_note"] = "LAST TRACE = " + num(last) + " but the data hold " +
                           std::to_string(nt) + " traces; all are read";
  double dx = 0, sep = 0;
  if (get(rad, "DISTANCE INTERVAL", dx) && dx > 0)
    h.dx_m = dx;
  else
    h.dx_m = 0.0;
  if (get(rad, "ANTENNA SEPARATION", sep) && sep >= 0) h.antenna_separation_m = sep;
  if (auto it = rad.find("ANTENNAS"); it != rad.end())
    h.centre_frequency_mhz = leading_mhz(it->second);
  Bscan out = Bscan::uninitialized(static_cast<std::ptrdiff_t>(ns), static_cast<std::ptrdiff_t>(nt),
                                   std::move(h));
  convert_traces(data.data(), rec, rd7 ? SampleType::i32 : SampleType::i16, false, 0.0,
                 out.n_samples(), out.n_traces(), out.data());
  return out;
}
}  // namespace

Bscan read_mala(const std::filesystem::path& path, const MalaReadOptions& o) {
  const std::string ext = lower_ext(path);
  std::filesystem::path data;
  bool rd7 = ext == ".rd7";
  if (ext == ".rd3" || ext == ".rd7") {
    data = path;
  } else {
    data = sibling(path, "RD3");
    if (!path_exists(data)) {
      data = sibling(path, "RD7");
      rd7 = true;
    }
  }
  const auto rad = ext == ".rad" ? path : sibling(path, "RAD");
  if (!path_exists(rad)) throw IoError("MALA: header file '" + rad.string() + "' not found");
  const std::string text = read_text_file(rad);
  const FileBytes f(data);
  Bscan b = decode_mala(f.bytes(), text, rd7);
  if (o.read_gps) reader_boundary(kFmt, [&] { read_cor(data, b.header().raw); });
  return b;
}

}  // namespace gprkit::io
