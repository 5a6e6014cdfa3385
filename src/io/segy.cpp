#include "gprkit/io/segy.h"

#include <algorithm>
#include <cmath>

#include "detail.h"
#include "gprkit/core/validate.h"

namespace gprkit::io {

using namespace detail;

namespace {
constexpr const char* kFmt = "SEG-Y";
constexpr std::size_t kText = 3200, kBin = 400, kTrace = 240;

// EBCDIC (code page 037) for the printable ASCII range 32..126.
constexpr std::uint8_t kAsciiToEbcdic[95] = {
    0x40, 0x5A, 0x7F, 0x7B, 0x5B, 0x6C, 0x50, 0x7D, 0x4D, 0x5D, 0x5C, 0x4E, 0x6B, 0x60, 0x4B, 0x61,
    0xF0, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0x7A, 0x5E, 0x4C, 0x7E, 0x6E, 0x6F,
    0x7C, 0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6,
    0xD7, 0xD8, 0xD9, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xBA, 0xE0, 0xBB, 0xB0, 0x6D,
    0x79, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96,
    0x97, 0x98, 0x99, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xC0, 0x4F, 0xD0, 0xA1};

std::string textual(const std::uint8_t* p) {
  // EBCDIC when the first card starts with EBCDIC 'C' (0xC3); else ASCII.
  std::string s(kText, ' ');
  const bool ebcdic = p[0] == 0xC3;
  for (std::size_t i = 0; i < kText; ++i) {
    unsigned char c = p[i];
    if (ebcdic) {
      char a = ' ';
      for (int k = 0; k < 95; ++k)
        if (kAsciiToEbcdic[k] == c) {
          a = static_cast<char>(32 + k);
          break;
        }
      s[i] = a;
    } else {
      s[i] = c >= 32 && c < 127 ? static_cast<char>(c) : ' ';
    }
  }
  return s;
}

double scaled(std::int32_t v, std::int16_t scalar) {
  if (scalar > 0) return static_cast<double>(v) * scalar;
  if (scalar < 0) return static_cast<double>(v) / -static_cast<double>(scalar);
  return v;
}

bool find_token(const std::string& text, const char* token, double& v) {
  const auto p = text.find(token);
  if (p == std::string::npos) return false;
  const auto start = p + std::strlen(token);
  auto end = text.find_first_of(" ", start);
  if (end == std::string::npos) end = text.size();
  return parse_double(std::string_view(text).substr(start, end - start), v);
}
}  // namespace

Bscan decode_segy(std::span<const std::uint8_t> b, const SegyReadOptions& o) {
  need(b, 0, kText + kBin, kFmt, "the textual and binary headers");
  const std::uint8_t* bh = b.data() + kText;
  const int interval = load_be<std::uint16_t>(bh + 16);
  const int ns_bin = load_be<std::uint16_t>(bh + 20);
  const int fmt = load_be<std::int16_t>(bh + 24);
  const int rev = load_be<std::uint16_t>(bh + 300);
  const int n_ext = load_be<std::int16_t>(bh + 304);
  SampleType type;
  switch (fmt) {
    case 1:
      type = SampleType::ibm32;
      break;
    case 2:
      type = SampleType::i32;
      break;
    case 3:
      type = SampleType::i16;
      break;
    case 5:
      type = SampleType::f32;
      break;
    case 8:
      type = SampleType::i8;
      break;
    default:
      fail(kFmt, "data sample format code = " + std::to_string(fmt) + "; expected 1, 2, 3, 5 or 8");
  }
  if (ns_bin <= 0)
    fail(kFmt, "samples per trace (binary header) = " + std::to_string(ns_bin) + "; expected > 0");
  if (n_ext < 0 || n_ext > 100)
    fail(kFmt, "extended textual headers = " + std::to_string(n_ext) + "; expected 0..100");
  const std::size_t first = kText + kBin + static_cast<std::size_t>(n_ext) * kText;
  need(b, 0, first, kFmt, "the extended textual headers");
  const std::size_t ns = static_cast<std::size_t>(ns_bin);
  const std::size_t rec = kTrace + ns * sample_bytes(type);
  const std::size_t body = b.size() - first;
  if (body == 0) fail(kFmt, "the file holds no traces");
  if (body % rec != 0)
    fail(kFmt, "trace data size " + std::to_string(body) + " is not a whole number of traces (" +
                   std::to_string(rec) + " bytes each): truncated file or variable trace length");
  const std::size_t nt = body / rec;
  Header h;
  const std::string text = textual(b.data());
  h.raw["format"] = "segy";
  h.raw["textual_header"] = text;
  h.raw["sample_interval"] = std::to_string(interval);
  h.raw["samples_per_trace"] = std::to_string(ns_bin);
  h.raw["format_code"] = std::to_string(fmt);
  h.raw["revision"] = std::to_string(rev >> 8) + "." + std::to_string(rev & 0xff);
  h.raw["measurement_system"] = std::to_string(load_be<std::int16_t>(bh + 54));
  h.raw["job_id"] = std::to_string(load_be<std::int32_t>(bh + 0));
  h.raw["line_number"] = std::to_string(load_be<std::int32_t>(bh + 4));
  double dt = 0, t0 = 0, dx = 0, f = 0, sep = 0, height = 0;
  if (find_token(text, "DT_NS=", dt) && dt > 0) {
    h.dt_ns = dt;
    if (find_token(text, "T0_NS=", t0)) h.t0_ns = t0;
    if (find_token(text, "DX_M=", dx) && dx >= 0) h.dx_m = dx;
    if (find_token(text, "FREQ_MHZ=", f) && f >= 0) h.centre_frequency_mhz = f;
    if (find_token(text, "SEP_M=", sep) && sep >= 0) h.antenna_separation_m = sep;
    if (find_token(text, "HEIGHT_M=", height) && height >= 0) h.antenna_height_m = height;
  } else {
    if (!(o.interval_unit_ns > 0)) fail(kFmt, "interval_unit_ns must be > 0");
    const int tr_interval = load_be<std::uint16_t>(b.data() + first + 116);
    const int iv = interval > 0 ? interval : tr_interval;
    if (iv <= 0) fail(kFmt, "sample interval = 0 in the binary and first trace headers");
    h.dt_ns = iv * o.interval_unit_ns;
    h.t0_ns = -static_cast<double>(load_be<std::int16_t>(b.data() + first + 108)) *
              o.interval_unit_ns * 1000.0;
    h.dx_m = 0.0;
  }
  std::vector<double> x(nt), y(nt), z(nt), cdp(nt);
  bool any_x = false, any_y = false, any_z = false;
  for (std::size_t j = 0; j < nt; ++j) {
    const std::uint8_t* t = b.data() + first + j * rec;
    const int tns = load_be<std::uint16_t>(t + 114);
    if (tns != 0 && tns != ns_bin)
      fail(kFmt, "trace " + std::to_string(j) + " has " + std::to_string(tns) +
                     " samples but the binary header says " + std::to_string(ns_bin) +
                     " (variable trace lengths are not supported)");
    const auto scalco = load_be<std::int16_t>(t + 70), scalel = load_be<std::int16_t>(t + 68);
    x[j] = scaled(load_be<std::int32_t>(t + 72), scalco);
    y[j] = scaled(load_be<std::int32_t>(t + 76), scalco);
    z[j] = scaled(load_be<std::int32_t>(t + 40), scalel);
    cdp[j] = load_be<std::int32_t>(t + 20);
    any_x = any_x || x[j] != 0.0;
    any_y = any_y || y[j] != 0.0;
    any_z = any_z || z[j] != 0.0;
  }
  if (any_x) h.x_m = x;
  if (any_y) h.y_m = y;
  if (any_z) h.z_m = z;
  h.raw["trace_cdp"] = join(cdp);
  Bscan out = Bscan::uninitialized(static_cast<std::ptrdiff_t>(ns), static_cast<std::ptrdiff_t>(nt),
                                   std::move(h));
  convert_traces(b.data() + first + kTrace, rec, type, true, 0.0, out.n_samples(), out.n_traces(),
                 out.data());
  return out;
}

Bscan read_segy(const std::filesystem::path& path, const SegyReadOptions& o) {
  const FileBytes f(path);
  return decode_segy(f.bytes(), o);
}

namespace {
std::int16_t coordinate_scalar(const std::vector<double>& a, const std::vector<double>& b) {
  double m = 0;
  for (double v : a) m = std::max(m, std::fabs(v));
  for (double v : b) m = std::max(m, std::fabs(v));
  // The finest of 1e-4 .. 1 m that keeps every value inside int32.
  for (int s : {10000, 1000, 100, 10})
    if (m * s < 2.0e9) return static_cast<std::int16_t>(-s);
  return 1;
}
std::int32_t to_i32(double v, std::int16_t scalar) {
  const double f = scalar < 0 ? v * -scalar : v / std::max<std::int16_t>(scalar, 1);
  return static_cast<std::int32_t>(std::clamp(std::nearbyint(f), -2147483648.0, 2147483647.0));
}
}  // namespace

void write_segy(const std::filesystem::path& path, const Bscan& b, const SegyWriteOptions& o) {
  constexpr const char* where = "write_segy";
  check::non_empty(where, "b", b.view());
  if (b.n_samples() > 65535)
    check::fail(where, "n_samples", static_cast<double>(b.n_samples()), "<= 65535 (SEG-Y field)");
  check::positive(where, "interval_unit_ns", o.interval_unit_ns);
  const Header& h = b.header();
  check::positive(where, "dt_ns", h.dt_ns);
  const std::size_t ns = static_cast<std::size_t>(b.n_samples()),
                    nt = static_cast<std::size_t>(b.n_traces());
  const std::size_t rec = kTrace + 4 * ns;
  std::vector<std::uint8_t> out(kText + kBin + rec * nt, 0);
  // Textual header: 40 cards of 80 columns, EBCDIC.
  std::vector<std::string> cards = {
      "SEG-Y REV1 WRITTEN BY GPRKIT (GROUND-PENETRATING RADAR)",
      "TIME AXIS: SAMPLE INTERVAL FIELDS IN UNITS OF " + num(o.interval_unit_ns) + " NS",
      "DT_NS=" + num(h.dt_ns) + " T0_NS=" + num(h.t0_ns) + " DX_M=" + num(h.dx_m),
      "FREQ_MHZ=" + num(h.centre_frequency_mhz) + " SEP_M=" + num(h.antenna_separation_m) +
          " HEIGHT_M=" + num(h.antenna_height_m),
      "COORDINATES: SOURCE X/Y BYTES 73-80 (M, SCALED), ELEVATION BYTES 41-44 (M, SCALED)"};
  for (std::size_t c = 0; c < 40; ++c) {
    std::string card = (c < 9 ? "C " : "C") + std::to_string(c + 1) + " ";
    if (c < cards.size()) card += cards[c];
    if (c == 38) card += "SEG Y REV1";
    if (c == 39) card += "END TEXTUAL HEADER";
    card.resize(80, ' ');
    for (std::size_t i = 0; i < 80; ++i) {
      unsigned char ch = static_cast<unsigned char>(card[i]);
      if (ch >= 'a' && ch <= 'z') ch = static_cast<unsigned char>(ch - 32);
      out[c * 80 + i] = ch >= 32 && ch < 127 ? kAsciiToEbcdic[ch - 32] : 0x40;
    }
  }
  const double iv_d = std::nearbyint(h.dt_ns / o.interval_unit_ns);
  const auto iv = static_cast<std::uint16_t>(std::clamp(iv_d, 1.0, 65535.0));
  std::uint8_t* bh = out.data() + kText;
  store_be<std::int32_t>(bh + 0, 1);
  store_be<std::int32_t>(bh + 4, 1);
  store_be<std::int32_t>(bh + 8, 1);
  store_be<std::int16_t>(bh + 12, 1);  // traces per ensemble
  store_be<std::uint16_t>(bh + 16, iv);
  store_be<std::uint16_t>(bh + 20, static_cast<std::uint16_t>(ns));
  store_be<std::int16_t>(bh + 24, static_cast<std::int16_t>(o.ibm_float ? 1 : 5));
  store_be<std::int16_t>(bh + 26, 1);  // ensemble fold
  store_be<std::int16_t>(bh + 28, 4);  // sorting: horizontally stacked
  store_be<std::int16_t>(bh + 54, 1);  // metres
  store_be<std::uint16_t>(bh + 300, 0x0100);
  store_be<std::int16_t>(bh + 302, 1);  // fixed trace length
  const std::int16_t scalco = coordinate_scalar(h.x_m, h.y_m);
  const std::int16_t scalel = coordinate_scalar(h.z_m, {});
  const auto delay = static_cast<std::int16_t>(
      std::clamp(std::nearbyint(-h.t0_ns / (o.interval_unit_ns * 1000.0)), -32768.0, 32767.0));
  for (std::size_t j = 0; j < nt; ++j) {
    std::uint8_t* t = out.data() + kText + kBin + j * rec;
    const auto jj = static_cast<std::ptrdiff_t>(j);
    store_be<std::int32_t>(t + 0, static_cast<std::int32_t>(j + 1));
    store_be<std::int32_t>(t + 4, static_cast<std::int32_t>(j + 1));
    store_be<std::int32_t>(t + 8, 1);
    store_be<std::int32_t>(t + 12, static_cast<std::int32_t>(j + 1));
    store_be<std::int32_t>(t + 20, static_cast<std::int32_t>(j + 1));
    store_be<std::int16_t>(t + 28, 1);  // seismic data
    store_be<std::int16_t>(t + 34, 1);  // production data
    if (!h.z_m.empty()) store_be<std::int32_t>(t + 40, to_i32(h.z_m[j], scalel));
    store_be<std::int16_t>(t + 68, scalel);
    store_be<std::int16_t>(t + 70, scalco);
    const double xj = h.x_m.empty() ? 0.0 : h.x_m[j];
    const double yj = h.y_m.empty() ? 0.0 : h.y_m[j];
    store_be<std::int32_t>(t + 72, to_i32(xj, scalco));
    store_be<std::int32_t>(t + 76, to_i32(yj, scalco));
    store_be<std::int32_t>(t + 80, to_i32(xj, scalco));
    store_be<std::int32_t>(t + 84, to_i32(yj, scalco));
    store_be<std::int16_t>(t + 88, 1);  // length units
    store_be<std::int16_t>(t + 108, delay);
    store_be<std::uint16_t>(t + 114, static_cast<std::uint16_t>(ns));
    store_be<std::uint16_t>(t + 116, iv);
    store_be<std::int32_t>(t + 180, to_i32(xj, scalco));
    store_be<std::int32_t>(t + 184, to_i32(yj, scalco));
    const float* s = b.trace(jj);
    std::uint8_t* q = t + kTrace;
    for (std::size_t i = 0; i < ns; ++i) {
      if (o.ibm_float)
        store_be<std::uint32_t>(q + 4 * i, float_to_ibm(s[i]));
      else
        store_be<float>(q + 4 * i, s[i]);
    }
  }
  AtomicFileSet file;
  file.add(path, out);
  file.commit();
}

}  // namespace gprkit::io
