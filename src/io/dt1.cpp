#include "gprkit/io/dt1.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "detail.h"
#include "gprkit/core/validate.h"
#include "gps.h"
#include "text.h"

namespace gprkit::io {

using namespace detail;

namespace {
constexpr const char* kFmt = "DT1";
constexpr std::size_t kTraceHeader = 128;

struct Hd {
  std::map<std::string, std::string> fields;  // KEY -> value (trimmed)
};

Hd parse_hd(std::string_view text) {
  Hd hd;
  for (auto l : lines(text)) {
    const auto eq = l.find('=');
    if (eq == std::string_view::npos) continue;  // free text: kept in hd_text only
    const std::string key(trim(l.substr(0, eq)));
    if (key.empty()) continue;
    hd.fields[key] = std::string(trim(l.substr(eq + 1)));
  }
  return hd;
}

// Case-insensitive lookup (ODOMETER CAL (t/m) vs (T/M) across generations).
const std::string* find(const Hd& hd, std::string_view key) {
  for (const auto& [k, v] : hd.fields)
    if (to_upper(k) == key) return &v;
  return nullptr;
}

bool get_num(const Hd& hd, std::string_view key, double& v) {
  const std::string* s = find(hd, key);
  return s != nullptr && parse_leading_double(*s, v);
}

double unit_to_m(std::string_view unit) {
  const std::string u = to_upper(trim(unit));
  if (u == "M" || u == "METRES" || u == "METERS" || u.empty()) return 1.0;
  if (u == "CM") return 0.01;
  if (u == "MM") return 0.001;
  if (u == "FT" || u == "FEET") return 0.3048;
  if (u == "IN" || u == "INCHES") return 0.0254;
  return 0.0;  // unknown unit
}

void read_gps_file(const std::filesystem::path& path, std::map<std::string, std::string>& raw) {
  const auto gps = sibling(path, "GPS");
  if (!path_exists(gps)) return;
  const std::string text = read_text_file(gps, std::size_t{1} << 28);
  std::vector<double> trace;
  std::vector<GpsFix> fixes;
  double current = -1;
  bool have = false;
  for (auto l : lines(text)) {
    l = trim(l);
    if (l.rfind("Trace #", 0) == 0) {
      double t = 0;
      current = parse_leading_double(l.substr(7), t) ? t - 1 : -1;  // 1-based in the file
      have = false;
    } else if (current >= 0 && !have) {
      GpsFix f;
      if (parse_gga(l, f)) {
        trace.push_back(current);
        fixes.push_back(f);
        have = true;
      }
    }
  }
  if (!fixes.empty()) store_gps(raw, trace, fixes, gps);
}
// decode_dt1 on HD text already decoded to UTF-8.
Bscan decode_dt1_utf8(std::span<const std::uint8_t> b, const std::string& hd_text);
}  // namespace

Bscan decode_dt1(std::span<const std::uint8_t> b, std::string_view hd_bytes) {
  return reader_boundary(kFmt, [&] {
    bool cp1252 = false;
    const std::string hd_text = to_utf8(hd_bytes, &cp1252);
    Bscan out = decode_dt1_utf8(b, hd_text);
    if (cp1252) out.header().raw["hd_encoding"] = "cp1252";
    return out;
  });
}

namespace {
Bscan decode_dt1_utf8(std::span<const std::uint8_t> b, const std::string& hd_text) {
  const Hd hd = parse_hd(hd_text);
  double npts_hd = 0, window = 0;
  if (!get_num(hd, "NUMBER OF PTS/TRC", npts_hd)) fail(kFmt, "the HD has no 'NUMBER OF PTS/TRC'");
  if (!get_num(hd, "TOTAL TIME WINDOW", window)) fail(kFmt, "the HD has no 'TOTAL TIME WINDOW'");
  if (!(npts_hd >= 2 && npts_hd <= 1e6 && npts_hd == std::floor(npts_hd)))
    fail(kFmt, "NUMBER OF PTS/TRC = " + num(npts_hd) + "; expected an integer 2..1000000");
  if (!(window > 0 && window < 1e7))
    fail(kFmt, "TOTAL TIME WINDOW = " + num(window) + " ns; expected > 0");
  const auto ns = static_cast<std::size_t>(npts_hd);
  need(b, 0, kTraceHeader, kFmt, "the first trace header");
  const float bpp_f = load_le<float>(&b[20]);
  const float npts_tr = load_le<float>(&b[8]);
  if (static_cast<double>(npts_tr) != npts_hd)
    fail(kFmt, "trace header points = " + num(static_cast<double>(npts_tr)) +
                   " disagrees with the HD's NUMBER OF PTS/TRC = " + num(npts_hd));
  SampleType type;
  if (bpp_f == 2.0f)
    type = SampleType::i16;
  else if (bpp_f == 4.0f)
    type = SampleType::f32;
  else
    fail(kFmt, "bytes per point = " + num(static_cast<double>(bpp_f)) + "; expected 2 or 4");
  const std::size_t bpp = sample_bytes(type);
  const std::size_t rec = kTraceHeader + ns * bpp;
  if (b.size() % rec != 0)
    fail(kFmt, "file size " + std::to_string(b.size()) + " is not a whole number of traces (" +
                   std::to_string(rec) + " bytes each): truncated file or wrong HD");
  const std::size_t nt = b.size() / rec;
  double ntr_hd = 0;
  Header h;
  h.raw["format"] = "dt1";
  for (const auto& [k, v] : hd.fields) h.raw[k] = v;
  h.raw["hd_text"] = hd_text;
  if (get_num(hd, "NUMBER OF TRACES", ntr_hd) && ntr_hd != static_cast<double>(nt))
    h.raw["gprkit_note"] = "NUMBER OF TRACES = " + num(ntr_hd) + " but the DT1 holds " +
                           std::to_string(nt) + " traces; all are read";
  h.dt_ns = window / static_cast<double>(ns);
  double tz = 1, step = 0, freq = 0, sep = 0;
  // TIMEZERO AT POINT counts points from 1; 0 (or absent) means "not set": t0 stays 0. A
  // negative point is a time zero before the first sample (t0 > dt, e.g. from a DZT).
  if (get_num(hd, "TIMEZERO AT POINT", tz) && std::isfinite(tz) && tz != 0)
    h.t0_ns = -(tz - 1.0) * h.dt_ns;
  const std::string* unit = find(hd, "POSITION UNITS");
  double u = unit != nullptr ? unit_to_m(*unit) : 1.0;
  if (u == 0.0) {
    h.raw["gprkit_note"] = "unknown POSITION UNITS '" + *unit + "': positions kept as written";
    u = 1.0;
  }
  h.dx_m = get_num(hd, "STEP SIZE USED", step) && step > 0 ? step * u : 0.0;
  if (get_num(hd, "NOMINAL FREQUENCY", freq) && freq > 0) h.centre_frequency_mhz = freq;
  if (get_num(hd, "ANTENNA SEPARATION", sep) && sep >= 0) h.antenna_separation_m = sep * u;
  h.raw["gprkit_position_unit_m"] = num(u);

  // Per-trace headers: every record is checked for the same point count and sample size.
  std::vector<double> pos(nt), topo(nt), gx(nt), gy(nt), gz(nt), tod(nt), stacks(nt), tza(nt),
      number(nt);
  bool any_topo = false, any_gps = false;
  for (std::size_t j = 0; j < nt; ++j) {
    const std::uint8_t* p = b.data() + j * rec;
    if (load_le<float>(p + 8) != npts_tr || load_le<float>(p + 20) != bpp_f)
      fail(kFmt,
           "trace " + std::to_string(j) + " header gives a different point count or sample size");
    number[j] = load_le<float>(p + 0);
    pos[j] = static_cast<double>(load_le<float>(p + 4)) * u;
    topo[j] = load_le<float>(p + 12);
    stacks[j] = load_le<float>(p + 28);
    gx[j] = load_le<double>(p + 32);
    gy[j] = load_le<double>(p + 40);
    gz[j] = load_le<double>(p + 48);
    tza[j] = load_le<float>(p + 80);
    tod[j] = load_le<float>(p + 92);
    any_topo = any_topo || topo[j] != 0.0;
    any_gps = any_gps || gx[j] != 0.0 || gy[j] != 0.0 || gz[j] != 0.0;
  }
  h.x_m = pos;
  if (any_topo) h.z_m = topo;
  h.raw["trace_number"] = join(number);
  h.raw["trace_stacks"] = join(stacks);
  h.raw["trace_time_zero_adjust"] = join(tza);
  h.raw["trace_time_of_day_s"] = join(tod);
  if (any_gps) {
    h.raw["trace_gps_x"] = join(gx);
    h.raw["trace_gps_y"] = join(gy);
    h.raw["trace_gps_z"] = join(gz);
  }
  h.raw["trace_header_word7"] = num(static_cast<double>(load_le<float>(&b[24])));
  h.raw["bytes_per_point"] = num(static_cast<double>(bpp_f));
  Bscan out = Bscan::uninitialized(static_cast<std::ptrdiff_t>(ns), static_cast<std::ptrdiff_t>(nt),
                                   std::move(h));
  convert_traces(b.data() + kTraceHeader, rec, type, false, 0.0, out.n_samples(), out.n_traces(),
                 out.data());
  return out;
}
}  // namespace

Bscan read_dt1(const std::filesystem::path& path, const Dt1ReadOptions& o) {
  // The file named is the one read; only its companion is looked up (in the caller's case).
  const bool given_hd = lower_ext(path) == ".hd";
  const auto dt1 = given_hd ? sibling(path, "DT1") : path;
  const auto hdp = given_hd ? path : sibling(path, "HD");
  if (!path_exists(hdp)) throw IoError("DT1: header file '" + hdp.string() + "' not found");
  const std::string hd = read_text_file(hdp);
  const FileBytes f(dt1);
  Bscan b = decode_dt1(f.bytes(), hd);
  if (o.read_gps) reader_boundary(kFmt, [&] { read_gps_file(dt1, b.header().raw); });
  return b;
}

namespace {
std::vector<double> raw_list(const Header& h, const char* key, std::size_t n, double fallback) {
  std::vector<double> v(n, fallback);
  if (auto it = h.raw.find(key); it != h.raw.end()) {
    auto parsed = split_doubles(it->second);
    if (parsed.size() == n) v = parsed;
  }
  return v;
}

// TIMEZERO AT POINT for t0: 0 means "not set", so t0 == dt (point 0) is written as 1e-300,
// which reads back as t0 = dt exactly.
std::string timezero_point(const Header& h) {
  if (h.t0_ns == 0.0) return "0";
  const double tz = 1.0 - h.t0_ns / h.dt_ns;
  return tz == 0.0 ? std::string("1e-300") : num(tz);
}

// pulseEKKO's GPS companion: "Trace #N at position P" (N from 1) then the NMEA sentences.
std::string gps_text(const Header& h, const std::vector<double>& pos) {
  const GpsTrack g = load_gps(h);
  std::string text;
  for (std::size_t i = 0; i < g.trace.size(); ++i) {
    const auto j = static_cast<std::size_t>(g.trace[i]);
    text += "Trace #" + num(g.trace[i] + 1) + " at position " + num(j < pos.size() ? pos[j] : 0.0) +
            "\r\n" + gga_sentence(g.fixes[i]) + "\r\n";
  }
  return text;
}
}  // namespace

void write_dt1(const std::filesystem::path& path, const Bscan& b, const Dt1WriteOptions& o) {
  constexpr const char* where = "write_dt1";
  check::non_empty(where, "b", b.view());
  const Header& h = b.header();
  check::positive(where, "dt_ns", h.dt_ns);
  const std::size_t ns = static_cast<std::size_t>(b.n_samples()),
                    nt = static_cast<std::size_t>(b.n_traces());
  const bool i16 = o.allow_int16 && all_integers_in(b, -32768, 32767);
  const std::size_t bpp = i16 ? 2 : 4;
  double u = 1.0;
  if (auto it = h.raw.find("gprkit_position_unit_m"); it != h.raw.end()) {
    double v = 0;
    if (parse_double(it->second, v) && v > 0) u = v;
  }
  std::vector<double> pos(nt);
  for (std::size_t j = 0; j < nt; ++j) pos[j] = h.trace_x_m(static_cast<std::ptrdiff_t>(j)) / u;
  const auto number = raw_list(h, "trace_number", nt, 0);
  const auto stacks = raw_list(h, "trace_stacks", nt, 1);
  const auto tza = raw_list(h, "trace_time_zero_adjust", nt, 0);
  const auto tod = raw_list(h, "trace_time_of_day_s", nt, 0);
  const auto gx = raw_list(h, "trace_gps_x", nt, 0), gy = raw_list(h, "trace_gps_y", nt, 0),
             gz = raw_list(h, "trace_gps_z", nt, 0);
  double word7 = std::nearbyint(h.dt_ns * 1000.0);  // observed: the sampling interval in ps
  if (auto it = h.raw.find("trace_header_word7"); it != h.raw.end())
    parse_double(it->second, word7);
  const std::size_t rec = kTraceHeader + ns * bpp;
  std::vector<std::uint8_t> out(rec * nt, 0);
  for (std::size_t j = 0; j < nt; ++j) {
    std::uint8_t* p = out.data() + j * rec;
    store_le<float>(p + 0,
                    static_cast<float>(number[j] != 0 ? number[j] : static_cast<double>(j + 1)));
    store_le<float>(p + 4, static_cast<float>(pos[j]));
    store_le<float>(p + 8, static_cast<float>(ns));
    store_le<float>(p + 12, static_cast<float>(h.z_m.size() == nt ? h.z_m[j] : 0.0));
    store_le<float>(p + 20, static_cast<float>(bpp));
    store_le<float>(p + 24, static_cast<float>(word7));
    store_le<float>(p + 28, static_cast<float>(stacks[j]));
    store_le<double>(p + 32, gx[j]);
    store_le<double>(p + 40, gy[j]);
    store_le<double>(p + 48, gz[j]);
    store_le<float>(p + 80, static_cast<float>(tza[j]));
    store_le<float>(p + 92, static_cast<float>(tod[j]));
    const float* t = b.trace(static_cast<std::ptrdiff_t>(j));
    std::uint8_t* q = p + kTraceHeader;
    for (std::size_t i = 0; i < ns; ++i) {
      if (i16)
        store_le<std::int16_t>(q + 2 * i, static_cast<std::int16_t>(t[i]));
      else
        store_le<float>(q + 4 * i, t[i]);
    }
  }
  // HD: values computed from the Header; existing text kept where the value is unchanged.
  std::vector<std::pair<std::string, std::string>> values = {
      {"NUMBER OF TRACES", std::to_string(nt)},
      {"NUMBER OF PTS/TRC", std::to_string(ns)},
      {"TIMEZERO AT POINT", timezero_point(h)},
      {"TOTAL TIME WINDOW", num(h.dt_ns * static_cast<double>(ns))},
      {"STARTING POSITION", num(static_cast<double>(static_cast<float>(pos.front())))},
      {"FINAL POSITION", num(static_cast<double>(static_cast<float>(pos.back())))},
      {"STEP SIZE USED", num(h.dx_m / u)},
      {"NOMINAL FREQUENCY", num(h.centre_frequency_mhz)},
      {"ANTENNA SEPARATION", num(h.antenna_separation_m / u)}};
  auto same = [](const std::string& old, const std::string& now) {
    double a = 0, c = 0;
    if (!parse_leading_double(old, a) || !parse_leading_double(now, c)) return false;
    return a == c || std::fabs(a - c) <= 1e-12 * std::max(std::fabs(a), std::fabs(c));
  };
  std::string text;
  auto it = h.raw.find("hd_text");
  if (it != h.raw.end()) {
    // Keep the HD's start/final positions when they are the ends of the line in either order
    // (pulseEKKO writes them in acquisition direction, the trace positions may run the other way).
    double s0 = 0, s1 = 0;
    const Hd old = parse_hd(it->second);
    const double a = static_cast<float>(pos.front()), z = static_cast<float>(pos.back());
    // Trace headers that all hold the same position say nothing: keep the HD's line ends.
    const bool flat = std::all_of(pos.begin(), pos.end(), [&](double x) { return x == pos[0]; });
    if (get_num(old, "STARTING POSITION", s0) && get_num(old, "FINAL POSITION", s1) &&
        (flat || (s0 == a && s1 == z) || (s0 == z && s1 == a))) {
      values[4].second = num(s0);
      values[5].second = num(s1);
    }
  }
  if (it != h.raw.end() && h.raw.count("format") && h.raw.at("format") == "dt1") {
    std::vector<bool> done(values.size(), false);
    const std::string& src = it->second;
    const std::string eol = src.find("\r\n") != std::string::npos ? "\r\n" : "\n";
    std::size_t start = 0;
    while (start < src.size()) {
      std::size_t end = src.find('\n', start);
      const bool has_nl = end != std::string::npos;
      if (!has_nl) end = src.size();
      std::string line = src.substr(start, end - start);
      const bool cr = !line.empty() && line.back() == '\r';
      if (cr) line.pop_back();
      const auto eq = line.find('=');
      if (eq != std::string::npos) {
        const std::string key = to_upper(trim(std::string_view(line).substr(0, eq)));
        for (std::size_t k = 0; k < values.size(); ++k)
          if (key == values[k].first) {
            done[k] = true;
            const std::string old(trim(std::string_view(line).substr(eq + 1)));
            if (!same(old, values[k].second))
              line = line.substr(0, eq + 1) + " " + values[k].second;
          }
      }
      text += line + (cr ? "\r" : "") + (has_nl ? "\n" : "");
      start = end + 1;
    }
    for (std::size_t k = 0; k < values.size(); ++k)
      if (!done[k]) text += values[k].first + " = " + values[k].second + eol;
  } else {
    text = "1234\r\nData written by gprkit\r\n\r\n";
    for (const auto& [k, v] : values) {
      std::string key = k;
      key.resize(std::max<std::size_t>(key.size(), 19), ' ');
      text += key + "= " + v + "\r\n";
    }
    text += std::string("POSITION UNITS     = ") +
            (u == 1.0      ? "m"
             : u == 0.3048 ? "ft"
                           : "m") +
            "\r\n";
    text += "NUMBER OF STACKS   = " + num(stacks.front()) + "\r\n";
  }
  // Companions take the DT1's extension case (line.Dt1 -> line.Hd), so reading finds them first.
  auto hdp = path, gpsp = path;
  hdp.replace_extension("." + case_like("HD", path.extension().string()));
  gpsp.replace_extension("." + case_like("GPS", path.extension().string()));
  AtomicFileSet files;
  files.add(path, out);
  if (const std::string gps = gps_text(h, pos); !gps.empty()) files.add_text(gpsp, gps);
  // The HD is 8-bit text: written in CP-1252 (what the instrument software reads) when every
  // character fits, so the reader's decoding gives this text back.
  files.add_text(hdp, header_bytes(text));
  files.commit();
}

}  // namespace gprkit::io
