#include "gprkit/io/impulseradar.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <utility>
#include <vector>

#include "detail.h"
#include "gprkit/core/validate.h"
#include "text.h"

namespace gprkit::io {

using namespace detail;

namespace {
constexpr const char* kFmt = "ImpulseRadar";
constexpr std::size_t kMaxSamples = 1000000;

using Fields = std::map<std::string, std::string>;

// A whole number as digits, else the shortest of %.1g .. %.17g that reads back within 1e-12
// (20000, not 19999.999999999996 or 2e+04).
std::string nice(double v) {
  const double r = std::nearbyint(v);
  if (std::fabs(v - r) <= 1e-12 * std::fabs(v) && std::fabs(r) < 1e15)
    return std::to_string(static_cast<long long>(r));
  for (int d = 1; d <= 17; ++d) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.*g", d, v);
    double back = 0;
    if (parse_double(buf, back) && std::fabs(back - v) <= 1e-12 * std::fabs(v)) return buf;
  }
  return num(v);
}

// A numeric field: false when absent or empty; FormatError when present but not a number.
bool number(std::string_view fmt, const Fields& f, const char* key, double& v) {
  auto it = f.find(key);
  if (it == f.end() || it->second.empty()) return false;
  if (!parse_double(it->second, v))
    fail(fmt, std::string(key) + " = '" + utf8_escaped(it->second) + "' is not a number");
  return true;
}
double required(std::string_view fmt, const Fields& f, const char* key) {
  double v = 0;
  if (!number(fmt, f, key, v))
    fail(fmt,
         "the IPRH has no " + std::string(key) + " (not an ImpulseRadar header, or truncated)");
  return v;
}
bool whole(double v, double lo, double hi) { return v >= lo && v <= hi && v == std::floor(v); }

// TIMEWINDOW is written rounded to 3 decimals: it agrees with SAMPLES x dt within rounding.
bool window_agrees(double window, double expected) {
  return std::fabs(window - expected) <= std::max(0.005 * expected, 0.0011);
}

bool time_triggered(const Fields& f) {
  auto it = f.find("TRIG SOURCE");
  return it != f.end() && to_upper(trim(it->second)) == "TIME";
}

Bscan decode(Bytes data, std::string_view iprh_bytes, std::string_view fmt) {
  bool cp1252 = false;
  const std::string text = to_utf8(iprh_bytes, &cp1252);
  const Fields f = colon_fields(text);
  const double version = required(fmt, f, "DATA VERSION");
  if (version != 16 && version != 32)
    fail(fmt, "DATA VERSION = " + nice(version) + "; expected 16 (int16 samples) or 32 (int32)");
  const double ns_d = required(fmt, f, "SAMPLES");
  if (!whole(ns_d, 2, static_cast<double>(kMaxSamples)))
    fail(fmt,
         "SAMPLES = " + nice(ns_d) + "; expected an integer 2.." + std::to_string(kMaxSamples));
  const double freq = required(fmt, f, "FREQUENCY");
  if (!(freq > 0 && freq < 1e7))
    fail(fmt, "FREQUENCY = " + nice(freq) + " MHz; expected a sampling frequency 0 < f < 1e7 MHz");
  const auto ns = static_cast<std::size_t>(ns_d);
  Header h;
  h.raw["format"] = "impulseradar";
  for (const auto& [k, v] : f) h.raw[k] = v;
  if (cp1252) h.raw["iprh_encoding"] = "cp1252";
  h.dt_ns = 1000.0 / freq;
  double window = 0;
  if (number(fmt, f, "TIMEWINDOW", window) &&
      !window_agrees(window, static_cast<double>(ns) * h.dt_ns))
    fail(fmt, "TIMEWINDOW = " + nice(window) + " ns disagrees with SAMPLES / FREQUENCY = " +
                  nice(static_cast<double>(ns) * h.dt_ns) + " ns (" + std::to_string(ns) +
                  " samples at " + nice(h.dt_ns) + " ns): the header contradicts itself");
  const std::size_t bps = version == 32 ? 4 : 2;
  const std::size_t rec = ns * bps;
  if (data.size() % rec != 0)
    fail(fmt, "data size " + std::to_string(data.size()) +
                  " bytes is not a whole number of traces of " + std::to_string(rec) + " bytes (" +
                  std::to_string(ns) + " samples x " + std::to_string(bps) +
                  " bytes): " + std::to_string(data.size() / rec) + " traces and " +
                  std::to_string(data.size() % rec) +
                  " bytes left over (truncated file, or wrong SAMPLES / DATA VERSION)");
  const std::size_t nt = data.size() / rec;
  if (nt == 0) fail(fmt, "the IPRB holds no traces");
  double last = 0;
  if (number(fmt, f, "LAST TRACE", last) && last != static_cast<double>(nt))
    h.raw["gprkit_note"] = "LAST TRACE = " + nice(last) + " but the data hold " +
                           std::to_string(nt) + " traces; all are read";
  double dx = 0, sep = 0, t0 = 0;
  h.dx_m = 0.0;
  if (number(fmt, f, "DISTANCE INTERVAL", dx) && !time_triggered(f) && dx > 0) h.dx_m = dx;
  if (number(fmt, f, "ANTENNA SEPARATION", sep) && sep >= 0) h.antenna_separation_m = sep;
  if (auto it = f.find("ANTENNA"); it != f.end()) h.centre_frequency_mhz = leading_mhz(it->second);
  if (number(fmt, f, "GPRKIT T0 NS", t0)) h.t0_ns = t0;
  Bscan out = Bscan::uninitialized(static_cast<std::ptrdiff_t>(ns), static_cast<std::ptrdiff_t>(nt),
                                   std::move(h));
  convert_traces(data.data(), rec, version == 32 ? SampleType::i32 : SampleType::i16, false, 0.0,
                 out.n_samples(), out.n_traces(), out.data());
  return out;
}

// "<project>_<profile>_A<channel>" or "<project>_<profile>_<channel>": (base, channel).
bool split_channel(const std::string& stem, std::string& base, std::string& channel) {
  const auto us = stem.rfind('_');
  if (us == std::string::npos || us == 0) return false;
  std::string tail = stem.substr(us + 1);
  const bool a = !tail.empty() && (tail[0] == 'A' || tail[0] == 'a');
  if (a) tail.erase(0, 1);
  if (tail.empty() || tail.size() > 6 ||
      !std::all_of(tail.begin(), tail.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  if (!a) {  // a bare number is a channel only after a profile number ("beach_0001_0")
    const auto us2 = stem.rfind('_', us - 1);
    const std::string prof = stem.substr(us2 == std::string::npos ? 0 : us2 + 1,
                                         us - (us2 == std::string::npos ? 0 : us2 + 1));
    if (us2 == std::string::npos || prof.empty() ||
        !std::all_of(prof.begin(), prof.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return false;
  }
  base = stem.substr(0, us);
  channel = std::to_string(std::stoul(tail));
  return true;
}

// The first of `names` (same folder) that exists, else empty.
std::filesystem::path first_existing(const std::vector<std::filesystem::path>& names) {
  for (const auto& n : names)
    if (path_exists(n)) return n;
  return {};
}

void read_companions(const std::filesystem::path& data, bool gps, Header& h) {
  const std::string stem = data.stem().string();
  std::string base, channel;
  const bool has_channel = split_channel(stem, base, channel);
  if (has_channel) h.raw["channel"] = channel;
  // Profile-wide companions are named without the channel suffix (<project>_<profile>.cor).
  const auto profile = has_channel ? data.parent_path() / (base + data.extension().string()) : data;
  const std::pair<const char*, const char*> kinds[] = {
      {"COR", "cor_file"}, {"TIME", "time_file"}, {"MRK", "mrk_file"}};
  for (const auto& [ext, key] : kinds) {
    const auto p = first_existing({sibling(data, ext), sibling(profile, ext)});
    if (p.empty()) continue;
    h.raw[key] = utf8_escaped(p.filename().string());
    if (gps && std::string_view(ext) == "COR") read_cor_gps(p, h.raw);
  }
}

std::string where(const std::filesystem::path& p) {
  return std::string(kFmt) + " '" + utf8_escaped(p.string()) + "'";
}
}  // namespace

Bscan decode_impulseradar(std::span<const std::uint8_t> iprb, std::string_view iprh) {
  return reader_boundary(kFmt, [&] { return decode(iprb, iprh, kFmt); });
}

Bscan read_impulseradar(const std::filesystem::path& path, const ImpulseRadarReadOptions& o) {
  const bool given_header = lower_ext(path) == ".iprh";
  const auto data = given_header ? sibling(path, "IPRB") : path;
  const auto header = given_header ? path : sibling(path, "IPRH");
  const std::string w = where(data);
  if (!path_exists(header))
    fail(w, "no header file beside it ('" + utf8_escaped(header.filename().string()) +
                "' not found): the IPRH holds the sample count and interval");
  if (!path_exists(data))
    fail(where(header),
         "no data file beside it ('" + utf8_escaped(data.filename().string()) + "' not found)");
  const std::string text = read_text_file(header);
  const FileBytes f(data);
  Bscan b = reader_boundary(w, [&] { return decode(f.bytes(), text, w); });
  reader_boundary(w, [&] { read_companions(data, o.read_gps, b.header()); });
  return b;
}

// ---- writing -------------------------------------------------------------------------------
namespace {
// The keys in the order ImpulseRadar software writes them (HEADER VERSION 20).
constexpr const char* kOrder[] = {"HEADER VERSION",
                                  "DATA VERSION",
                                  "DATE",
                                  "START TIME",
                                  "STOP TIME",
                                  "ANTENNA",
                                  "ANTENNA SEPARATION",
                                  "SAMPLES",
                                  "SIGNAL POSITION",
                                  "CLIPPED SAMPLES",
                                  "RUNS",
                                  "MAX STACKS",
                                  "AUTOSTACKS",
                                  "FREQUENCY",
                                  "TIMEWINDOW",
                                  "LAST TRACE",
                                  "TRIG SOURCE",
                                  "TIME INTERVAL",
                                  "DISTANCE INTERVAL",
                                  "USER DISTANCE INTERVAL",
                                  "STOP POSITION",
                                  "WHEEL NAME",
                                  "WHEEL CALIBRATION",
                                  "ZERO LEVEL",
                                  "SOIL VELOCITY",
                                  "PREPROCESSING",
                                  "OPERATOR COMMENT",
                                  "ANTENNA F/W",
                                  "ANTENNA H/W",
                                  "ANTENNA FPGA",
                                  "ANTENNA SERIAL",
                                  "ANTENNA NAME",
                                  "SOFTWARE VERSION",
                                  "POSITIONING",
                                  "CHANNELS",
                                  "CHANNEL CONFIGURATION",
                                  "CH_X_OFFSET",
                                  "CH_Y_OFFSET",
                                  "MEASUREMENT DIRECTION",
                                  "RELATIVE DIRECTION",
                                  "RELATIVE DISTANCE",
                                  "RELATIVE START",
                                  "START TEMPERATURE",
                                  "STOP TEMPERATURE"};

// A raw key that came from an IPRH: no lower-case letter (gprkit's own raw keys are lower
// case), and nothing that would end the key or the line.
bool header_key(const std::string& k) {
  return !k.empty() && std::none_of(k.begin(), k.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || c == ':' || c == '\n' || c == '\r';
  });
}
// A value on one line.
std::string one_line(std::string v) {
  std::replace(v.begin(), v.end(), '\n', ' ');
  std::replace(v.begin(), v.end(), '\r', ' ');
  return v;
}

}  // namespace

void write_impulseradar(const std::filesystem::path& path, const Bscan& b) {
  constexpr const char* wh = "write_impulseradar";
  check::non_empty(wh, "b", b.view());
  const Header& h = b.header();
  check::positive(wh, "dt_ns", h.dt_ns);
  check::finite(wh, "t0_ns", h.t0_ns);
  check::non_negative(wh, "dx_m", h.dx_m);
  check::non_negative(wh, "antenna_separation_m", h.antenna_separation_m);
  check::non_negative(wh, "centre_frequency_mhz", h.centre_frequency_mhz);
  if (b.n_samples() < 2 || b.n_samples() > static_cast<std::ptrdiff_t>(kMaxSamples))
    check::fail(wh, "n_samples", static_cast<double>(b.n_samples()), "2..1000000");
  if (!all_integers_in(b, -2147483648.0, 2147483647.0))
    check::fail(wh, "samples", "values that are not integers in the int32 range",
                "integers (.iprb holds int16/int32 samples: round them first, or write .npy "
                "or .sgy)");
  const auto it_fmt = h.raw.find("format");
  const bool ours = it_fmt != h.raw.end() && it_fmt->second == "impulseradar";
  Fields old;
  if (ours)
    for (const auto& [k, v] : h.raw)
      if (header_key(k)) old[k] = one_line(v);
  const auto old_dv = old.find("DATA VERSION");
  const bool i16 =
      old_dv != old.end() && trim(old_dv->second) == "16" && all_integers_in(b, -32768.0, 32767.0);
  const std::size_t ns = static_cast<std::size_t>(b.n_samples()),
                    nt = static_cast<std::size_t>(b.n_traces()), bps = i16 ? 2 : 4;
  std::vector<std::uint8_t> out(ns * nt * bps);
  for (std::size_t j = 0; j < nt; ++j) {
    const float* t = b.trace(static_cast<std::ptrdiff_t>(j));
    std::uint8_t* q = out.data() + j * ns * bps;
    for (std::size_t i = 0; i < ns; ++i) {
      if (i16)
        store_le<std::int16_t>(q + 2 * i, static_cast<std::int16_t>(t[i]));
      else
        store_le<std::int32_t>(q + 4 * i, static_cast<std::int32_t>(t[i]));
    }
  }
  // The fields the Header determines; the old text is kept where it says the same.
  auto set_num = [&](const char* key, double v, double tol_abs = 0.0) {
    double o = 0;
    auto it = old.find(key);
    if (it != old.end() && parse_double(it->second, o) &&
        std::fabs(o - v) <= std::max(tol_abs, 1e-12 * std::fabs(v)))
      return;
    old[key] = nice(v);
  };
  if (!old.count("HEADER VERSION")) old["HEADER VERSION"] = "20";
  old["DATA VERSION"] = i16 ? "16" : "32";
  old["SAMPLES"] = std::to_string(ns);
  set_num("FREQUENCY", 1000.0 / h.dt_ns);
  const double window = h.dt_ns * static_cast<double>(ns);
  {
    double o = 0;
    auto it = old.find("TIMEWINDOW");
    if (it == old.end() || !parse_double(it->second, o) || std::fabs(o - window) > 0.0005 + 1e-9) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.3f", window);
      double back = 0;
      old["TIMEWINDOW"] =
          parse_double(buf, back) && window_agrees(back, window) ? buf : nice(window);
    }
  }
  old["LAST TRACE"] = std::to_string(nt);
  const bool was_time = time_triggered(old);
  if (h.dx_m > 0) {
    if (was_time || !old.count("TRIG SOURCE")) old["TRIG SOURCE"] = "wheel";
    set_num("DISTANCE INTERVAL", h.dx_m);
  } else {
    if (!was_time) old["TRIG SOURCE"] = "time";
    if (!old.count("DISTANCE INTERVAL")) old["DISTANCE INTERVAL"] = "0";
  }
  {
    auto it = old.find("ANTENNA");
    if (it == old.end() || leading_mhz(it->second) != h.centre_frequency_mhz) {
      if (h.centre_frequency_mhz > 0)
        old["ANTENNA"] = nice(h.centre_frequency_mhz) + " MHz";
      else if (it != old.end())
        old.erase(it);
    }
  }
  if (h.antenna_separation_m > 0 || old.count("ANTENNA SEPARATION"))
    set_num("ANTENNA SEPARATION", h.antenna_separation_m);
  if (h.t0_ns != 0.0)
    old["GPRKIT T0 NS"] = num(h.t0_ns);
  else
    old.erase("GPRKIT T0 NS");
  std::string text;
  for (const char* k : kOrder) {
    auto it = old.find(k);
    if (it == old.end()) continue;
    text += it->first + ": " + it->second + "\r\n";
    old.erase(it);
  }
  for (const auto& [k, v] : old) text += k + ": " + v + "\r\n";  // other keys, sorted
  auto iprh = path;
  iprh.replace_extension("." + case_like("IPRH", path.extension().string()));
  AtomicFileSet files;
  files.add(path, out);
  files.add_text(iprh, header_bytes(text));
  files.commit();
}

}  // namespace gprkit::io
