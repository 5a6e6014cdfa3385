#include "gprkit/io/dzt.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>

#include "detail.h"
#include "gprkit/core/validate.h"
#include "gps.h"
#include "text.h"

namespace gprkit::io {

using namespace detail;

namespace {
constexpr std::size_t kBlock = 1024;
constexpr const char* kFmt = "DZT";
constexpr const char* kSepKey = "antenna_separation_m=";
// GSSI systems write two header words at the start of every scan, a scan counter and a mark
// word. They are not radar samples: the reader drops them (time-zero would pick them and they
// would set every colour scale) and the writer writes them, so files stay GSSI-conformant and a
// file gprkit wrote reads back bit-exact.
constexpr std::size_t kHeaderWords = 2;
// The mark word of a marked scan as GSSI's SIR systems write it in 16 bits (unmarked: 0).
constexpr double kMarkWord = 0x6400;
// Relative permittivity written when the Header has none: that of the library's default
// velocity, 0.1 m/ns (readgssi divides by it; GSSI software converts depth with it).
constexpr double kLightMPerNs = 0.299792458, kDefaultVelocity = 0.1;

struct AntennaModel {
  const char* code;
  double mhz;
};
// GSSI antenna model numbers whose names carry no frequency (facts from GSSI's catalogue).
constexpr AntennaModel kModels[] = {
    {"3207", 100},   {"5106", 200},   {"50300", 300},  {"D50300", 300}, {"50270", 270},
    {"50400", 400},  {"3101", 900},   {"51600", 1600}, {"62000", 2000}, {"62300", 2300},
    {"52600", 2600}, {"D50800", 800}, {"350HS", 350}};

double antenna_mhz(const std::string& name) {
  for (const auto& m : kModels)
    if (name.rfind(m.code, 0) == 0) return m.mhz;
  if (name.find("MHz") != std::string::npos || name.find("MHZ") != std::string::npos)
    return leading_mhz(name);
  return 0.0;
}

// A NUL-terminated text field as UTF-8 (CP-1252 fallback); control bytes become '?'.
std::string cstr(const std::uint8_t* p, std::size_t n) {
  std::size_t len = 0;
  while (len < n && p[len] != 0) ++len;
  std::string s(reinterpret_cast<const char*>(p), len);
  for (auto& c : s)
    if (static_cast<unsigned char>(c) < 32 || c == 127) c = '?';
  return to_utf8(s);
}

// Text for a fixed DZT field of `max` bytes: CP-1252 where it fits, cut at a character
// boundary so that a UTF-8 sequence is never split.
std::string field_bytes(const std::string& utf8, std::size_t max) {
  std::string b = header_bytes(utf8);
  if (b.size() > max) {
    std::size_t cut = max;
    if (b == utf8)  // kept as UTF-8: step back to the start of a character
      while (cut > 0 && (static_cast<unsigned char>(b[cut]) & 0xC0) == 0x80) --cut;
    b.resize(cut);
  }
  return b;
}

std::string date_text(std::uint32_t v) {
  // GSSI packed date: sec/2 (5 bits), min (6), hour (5), day (5), month (4), year-1980 (7).
  if (v == 0) return "0";
  const unsigned sec = (v & 31u) * 2, min = (v >> 5) & 63u, hour = (v >> 11) & 31u,
                 day = (v >> 16) & 31u, mon = (v >> 21) & 15u, year = ((v >> 25) & 127u) + 1980;
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%u (%04u-%02u-%02u %02u:%02u:%02u)", v, year, mon, day, hour,
                min, sec);
  return buf;
}

struct Layout {
  std::size_t data_offset = 0;
  std::size_t nchan = 0, nsamp = 0, bits = 0, n_scans = 0;
  SampleType type = SampleType::u16;
  double offset = 0;
};

Layout layout(Bytes b) {
  need(b, 0, kBlock, kFmt, "the 1024-byte header");
  Layout L;
  const unsigned rh_data = load_le<std::uint16_t>(&b[2]);
  L.nsamp = load_le<std::uint16_t>(&b[4]);
  L.bits = load_le<std::uint16_t>(&b[6]);
  L.nchan = load_le<std::uint16_t>(&b[52]);
  const unsigned dtype = b[97];
  if (L.nchan == 0 || L.nchan > 16)
    fail(kFmt, "rh_nchan = " + std::to_string(L.nchan) + "; expected 1..16 channels");
  if (L.bits != 8 && L.bits != 16 && L.bits != 32)
    fail(kFmt, "rh_bits = " + std::to_string(L.bits) + "; expected 8, 16 or 32");
  if (L.nsamp <= kHeaderWords)
    fail(kFmt, "rh_nsamp = " + std::to_string(L.nsamp) + "; expected >= " +
                   std::to_string(kHeaderWords + 1) + " (2 header words and the samples)");
  // Header size: rh_data below 1024 counts 1024-byte blocks; otherwise 1024 bytes per channel.
  L.data_offset = rh_data < kBlock ? kBlock * std::max(1u, rh_data) : kBlock * L.nchan;
  if (L.data_offset > b.size())
    fail(kFmt, "header size " + std::to_string(L.data_offset) + " (rh_data = " +
                   std::to_string(rh_data) + ", rh_nchan = " + std::to_string(L.nchan) +
                   ") exceeds the file size " + std::to_string(b.size()));
  // Sample type: rh_dtype when it is used, else the defaults per bit depth.
  if (dtype == 0 && L.bits != 8) {
    L.type = L.bits == 16 ? SampleType::u16 : SampleType::i32;
  } else {
    switch (dtype) {
      case 0x00:
        L.type = SampleType::u8;
        break;
      case 0x01:
        L.type = SampleType::i8;
        break;
      case 0x02:
        L.type = SampleType::u16;
        break;
      case 0x03:
        L.type = SampleType::i16;
        break;
      case 0x04:
        L.type = SampleType::i32;
        break;
      case 0x05:
        L.type = SampleType::u32;
        break;
      case 0x10:
        L.type = SampleType::f32;
        break;
      default:
        fail(kFmt, "rh_dtype = " + std::to_string(dtype) + " is not a known sample type");
    }
    if (sample_bytes(L.type) * 8 != L.bits)
      fail(kFmt, "rh_dtype = " + std::to_string(dtype) +
                     " does not match rh_bits = " + std::to_string(L.bits));
  }
  if (L.type == SampleType::u8) L.offset = -128.0;
  if (L.type == SampleType::u16) L.offset = -32768.0;
  if (L.type == SampleType::u32) L.offset = -2147483648.0;
  const std::size_t scan_bytes = L.nsamp * L.nchan * (L.bits / 8);
  const std::size_t data_bytes = b.size() - L.data_offset;
  if (data_bytes % scan_bytes != 0)
    fail(kFmt, "data size " + std::to_string(data_bytes) +
                   " bytes is not a whole number of scans (" + std::to_string(scan_bytes) +
                   " bytes each): the file is truncated or the header wrong");
  L.n_scans = data_bytes / scan_bytes;
  if (L.n_scans == 0) fail(kFmt, "the file holds no scans");
  return L;
}

std::map<std::string, std::string> raw_fields(Bytes b, const Layout& L) {
  std::map<std::string, std::string> r;
  auto u16 = [&](std::size_t o) {
    return num(static_cast<long long>(load_le<std::uint16_t>(&b[o])));
  };
  auto i16 = [&](std::size_t o) {
    return num(static_cast<long long>(load_le<std::int16_t>(&b[o])));
  };
  auto f32 = [&](std::size_t o) { return num(static_cast<double>(load_le<float>(&b[o]))); };
  r["format"] = "dzt";
  r["rh_tag"] = u16(0);
  r["rh_data"] = u16(2);
  r["rh_nsamp"] = u16(4);
  r["rh_bits"] = u16(6);
  r["rh_zero"] = i16(8);
  r["rhf_sps"] = f32(10);
  r["rhf_spm"] = f32(14);
  r["rhf_mpm"] = f32(18);
  r["rhf_position"] = f32(22);
  r["rhf_range"] = f32(26);
  r["rh_npass"] = u16(30);
  r["rhb_cdt"] = date_text(load_le<std::uint32_t>(&b[32]));
  r["rhb_mdt"] = date_text(load_le<std::uint32_t>(&b[36]));
  r["rh_rgain"] = u16(40);
  r["rh_nrgain"] = u16(42);
  r["rh_text"] = u16(44);
  r["rh_ntext"] = u16(46);
  r["rh_proc"] = u16(48);
  r["rh_nproc"] = u16(50);
  r["rh_nchan"] = u16(52);
  r["rhf_epsr"] = f32(54);
  r["rhf_top"] = f32(58);
  r["rhf_depth"] = f32(62);
  r["rh_xstart"] = f32(66);
  r["rh_xend"] = f32(70);
  r["rh_dtype"] = num(static_cast<long long>(b[97]));
  r["rh_version"] = num(static_cast<long long>(b[113] & 7u));
  r["rh_system"] = num(static_cast<long long>(b[113] >> 3));
  r["rh_name"] = cstr(&b[114], 12);
  r["rh_chksum"] = u16(126);
  r["data_offset"] = num(static_cast<long long>(L.data_offset));
  {
    static const char* hexd = "0123456789abcdef";
    std::string hex;
    hex.reserve(2 * (kBlock - 128));
    for (std::size_t k = 128; k < kBlock; ++k) {
      hex += hexd[b[k] >> 4];
      hex += hexd[b[k] & 15];
    }
    r["rh_variable_hex"] = hex;
  }
  r["n_scans"] = num(static_cast<long long>(L.n_scans));
  // Range gain: at rh_rgain, a count of break points then that many float32 dB values.
  const std::size_t rg = load_le<std::uint16_t>(&b[40]), nrg = load_le<std::uint16_t>(&b[42]);
  if (rg >= 128 && nrg >= 2 && rg + nrg <= kBlock) {
    const std::size_t breaks = load_le<std::uint16_t>(&b[rg]);
    if (breaks > 0 && rg + 2 + 4 * breaks <= std::min(kBlock, rg + nrg)) {
      std::vector<double> g;
      for (std::size_t i = 0; i < breaks; ++i) g.push_back(load_le<float>(&b[rg + 2 + 4 * i]));
      r["range_gain_db"] = join(g);
    }
  }
  const std::size_t tx = load_le<std::uint16_t>(&b[44]), ntx = load_le<std::uint16_t>(&b[46]);
  if (tx >= 128 && ntx > 0 && tx < kBlock)
    r["text"] = cstr(&b[tx], std::min<std::size_t>(ntx, kBlock - tx));
  return r;
}

void read_dzg(const std::filesystem::path& path, std::map<std::string, std::string>& raw) {
  const auto dzg = sibling(path, "DZG");
  if (!path_exists(dzg)) return;
  const std::string text = read_text_file(dzg, std::size_t{1} << 28);
  std::vector<double> trace;
  std::vector<GpsFix> fixes;
  double scan = -1;
  for (auto l : lines(text)) {
    l = trim(l);
    if (l.rfind("$GSSIS", 0) == 0) {
      // $GSSIS,<scan number>,<time>
      const auto c1 = l.find(',');
      const auto c2 = l.find(',', c1 == std::string_view::npos ? l.size() : c1 + 1);
      double s = -1;
      if (c1 != std::string_view::npos &&
          parse_double(l.substr(c1 + 1, (c2 == std::string_view::npos ? l.size() : c2) - c1 - 1),
                       s))
        scan = s;
    } else if (scan >= 0) {
      GpsFix f;
      if (parse_gga(l, f)) {
        trace.push_back(scan);
        fixes.push_back(f);
        scan = -1;
      }
    }
  }
  if (!fixes.empty()) store_gps(raw, trace, fixes, dzg);
}

std::vector<Bscan> decode_dzt_body(std::span<const std::uint8_t> b);
}  // namespace

std::vector<Bscan> decode_dzt(std::span<const std::uint8_t> b) {
  return reader_boundary(kFmt, [&] { return decode_dzt_body(b); });
}

namespace {
std::vector<Bscan> decode_dzt_body(std::span<const std::uint8_t> b) {
  const Layout L = layout(b);
  const auto raw = raw_fields(b, L);
  const double range = load_le<float>(&b[26]), position = load_le<float>(&b[22]);
  const double spm = load_le<float>(&b[14]);
  if (!std::isfinite(range) || !(range > 0) || range > 1e7)
    fail(kFmt, "rhf_range = " + num(range) + " ns; expected a finite time window > 0");
  if (!std::isfinite(position) || std::fabs(position) > 1e7)
    fail(kFmt, "rhf_position = " + num(position) + " ns; expected a finite value");
  const std::size_t bps = L.bits / 8;
  const std::size_t scan_bytes = L.nsamp * L.nchan * bps;
  std::vector<Bscan> out;
  out.reserve(L.nchan);
  for (std::size_t c = 0; c < L.nchan; ++c) {
    Header h;
    h.dt_ns = range / static_cast<double>(L.nsamp);
    // Sample 0 of the section is the scan's first radar sample, after the header words.
    h.t0_ns = (position == 0.0 ? 0.0 : -position) + static_cast<double>(kHeaderWords) * h.dt_ns;
    h.dx_m = std::isfinite(spm) && spm > 0 ? 1.0 / spm : 0.0;
    h.raw = raw;
    // Per-channel antenna name: byte 98 of the channel's 1024-byte header block.
    const std::size_t ant_off = 98 + kBlock * c;
    const std::string ant =
        ant_off + 14 <= L.data_offset ? cstr(&b[ant_off], 14) : cstr(&b[98], 14);
    h.raw["rh_antname"] = ant;
    h.raw["channel"] = num(static_cast<long long>(c));
    h.centre_frequency_mhz = antenna_mhz(ant);
    // Along-line positions: rh_xstart .. rh_xend, evenly spaced, when the file gives them.
    const double x0 = load_le<float>(&b[66]), x1 = load_le<float>(&b[70]);
    if (std::isfinite(x0) && std::isfinite(x1) && x0 != x1 && L.n_scans > 1)
      for (std::size_t j = 0; j < L.n_scans; ++j)
        h.x_m.push_back(x0 +
                        (x1 - x0) * static_cast<double>(j) / static_cast<double>(L.n_scans - 1));
    // DZT has no antenna separation field: gprkit keeps it in the text area (see write_dzt).
    if (auto it = h.raw.find("text"); it != h.raw.end()) {
      const auto k = it->second.find(kSepKey);
      double sep = 0;
      if (k != std::string::npos &&
          parse_leading_double(std::string_view(it->second).substr(k + std::strlen(kSepKey)),
                               sep) &&
          sep >= 0)
        h.antenna_separation_m = sep;
    }
    const auto n_traces = static_cast<std::ptrdiff_t>(L.n_scans);
    Bscan s = Bscan::uninitialized(static_cast<std::ptrdiff_t>(L.nsamp - kHeaderWords), n_traces,
                                   std::move(h));
    const std::uint8_t* src = b.data() + L.data_offset + c * L.nsamp * bps;
    convert_traces(src + kHeaderWords * bps, scan_bytes, L.type, false, L.offset, s.n_samples(),
                   n_traces, s.data());
    // Marks: the scans whose mark word differs from the most common value (the unmarked state).
    std::vector<float> mark_word(static_cast<std::size_t>(n_traces));
    convert_traces(src + bps, scan_bytes, L.type, false, L.offset, 1, n_traces, mark_word.data());
    std::map<float, std::size_t> counts;
    for (float w : mark_word) ++counts[w];
    float common = counts.empty() ? 0.0f : counts.begin()->first;
    std::size_t best = 0;
    for (const auto& [v, n] : counts)
      if (n > best) best = n, common = v;
    std::vector<double> marks;
    if (counts.size() <= 8)  // a mark word takes a few values; data would take many
      for (std::size_t j = 0; j < mark_word.size(); ++j)
        if (mark_word[j] != common) marks.push_back(static_cast<double>(j));
    s.header().raw["marks"] = join(marks);
    out.push_back(std::move(s));
  }
  return out;
}
}  // namespace

std::vector<Bscan> read_dzt(const std::filesystem::path& path, const DztReadOptions& o) {
  const FileBytes f(path);
  auto out = decode_dzt(f.bytes());
  if (o.read_gps) {
    std::map<std::string, std::string> gps;
    reader_boundary(kFmt, [&] { read_dzg(path, gps); });
    for (auto& b : out)
      for (const auto& [k, v] : gps) b.header().raw[k] = v;
  }
  return out;
}

namespace {
double raw_num(const Header& h, const char* key, double fallback) {
  auto it = h.raw.find(key);
  double v = 0;
  if (it != h.raw.end() && parse_leading_double(it->second, v)) return v;
  return fallback;
}
}  // namespace

void write_dzt(const std::filesystem::path& path, std::span<const Bscan> ch,
               const DztWriteOptions& o) {
  constexpr const char* where = "write_dzt";
  if (ch.empty()) check::fail(where, "channels", "0 channels", "1 to 16");
  if (ch.size() > 16) check::fail(where, "channels", static_cast<double>(ch.size()), "1 to 16");
  const Bscan& b0 = ch[0];
  for (const auto& c : ch) {
    check::non_empty(where, "channel", c.view());
    if (c.n_samples() != b0.n_samples() || c.n_traces() != b0.n_traces())
      check::fail(where, "channel shape", check::shape_str(c.n_samples(), c.n_traces()),
                  "every channel " + check::shape_str(b0.n_samples(), b0.n_traces()));
  }
  if (b0.n_samples() < 1 || b0.n_samples() > 65535 - static_cast<std::ptrdiff_t>(kHeaderWords))
    check::fail(where, "n_samples", static_cast<double>(b0.n_samples()),
                "1..65533 (the DZT field counts 2 header words too)");
  const Header& h = b0.header();
  check::positive(where, "dt_ns", h.dt_ns);
  bool ints = true;
  for (const auto& c : ch) ints = ints && all_integers_in(c, -32768, 32767);
  DztSampleFormat fmt = o.format;
  if (fmt == DztSampleFormat::automatic) fmt = ints ? DztSampleFormat::u16 : DztSampleFormat::f32;
  const std::size_t bps = fmt == DztSampleFormat::u16 ? 2 : 4;
  const std::size_t nchan = ch.size(), ns = static_cast<std::size_t>(b0.n_samples()),
                    nt = static_cast<std::size_t>(b0.n_traces());
  const std::size_t nw = ns + kHeaderWords;  // words per scan and channel
  const double dt_words = h.dt_ns * static_cast<double>(kHeaderWords);
  std::vector<std::uint8_t> out(kBlock * nchan + nw * nchan * bps * nt, 0);
  for (std::size_t c = 0; c < nchan; ++c) {
    std::uint8_t* p = out.data() + kBlock * c;
    const Header& hc = ch[c].header();
    store_le<std::uint16_t>(p + 0, static_cast<std::uint16_t>(raw_num(hc, "rh_tag", 0x00ff)));
    store_le<std::uint16_t>(p + 2, static_cast<std::uint16_t>(kBlock));
    store_le<std::uint16_t>(p + 4, static_cast<std::uint16_t>(nw));
    store_le<std::uint16_t>(p + 6, static_cast<std::uint16_t>(bps * 8));
    store_le<std::int16_t>(p + 8, static_cast<std::int16_t>(raw_num(
                                      hc, "rh_zero", fmt == DztSampleFormat::u16 ? -32768 : 0)));
    store_le<float>(p + 10, static_cast<float>(raw_num(hc, "rhf_sps", 0)));
    store_le<float>(p + 14, static_cast<float>(h.dx_m > 0 ? 1.0 / h.dx_m : 0.0));
    store_le<float>(p + 18, static_cast<float>(raw_num(hc, "rhf_mpm", 0)));
    // The position is the time of the scan's first word, the counter (see kHeaderWords).
    store_le<float>(p + 22, static_cast<float>(h.t0_ns == dt_words ? 0.0 : dt_words - h.t0_ns));
    store_le<float>(p + 26, static_cast<float>(h.dt_ns * static_cast<double>(nw)));
    store_le<std::uint16_t>(p + 30, static_cast<std::uint16_t>(raw_num(hc, "rh_npass", 0)));
    store_le<std::uint32_t>(p + 32, static_cast<std::uint32_t>(raw_num(hc, "rhb_cdt", 0)));
    store_le<std::uint32_t>(p + 36, static_cast<std::uint32_t>(raw_num(hc, "rhb_mdt", 0)));
    store_le<std::uint16_t>(p + 52, static_cast<std::uint16_t>(nchan));
    double epsr = raw_num(hc, "rhf_epsr", 0);
    if (!(epsr >= 1 && epsr < 1e4))
      epsr = (kLightMPerNs / kDefaultVelocity) * (kLightMPerNs / kDefaultVelocity);
    double depth = raw_num(hc, "rhf_depth", 0);  // the range in m at epsr
    if (!(depth > 0 && std::isfinite(depth)))
      depth = h.dt_ns * static_cast<double>(nw) * kLightMPerNs / std::sqrt(epsr) / 2;
    store_le<float>(p + 54, static_cast<float>(epsr));
    store_le<float>(p + 58, static_cast<float>(raw_num(hc, "rhf_top", 0)));
    store_le<float>(p + 62, static_cast<float>(depth));
    if (hc.x_m.size() == nt && nt > 1) {
      store_le<float>(p + 66, static_cast<float>(hc.x_m.front()));
      store_le<float>(p + 70, static_cast<float>(hc.x_m.back()));
    }
    // rh_dtype: 0 means "the default for rh_bits" (u16 for 16, s32 for 32); keep the file's own
    // choice when it says the same thing.
    const auto old_dtype = static_cast<int>(raw_num(hc, "rh_dtype", -1));
    if (fmt == DztSampleFormat::u16)
      p[97] = old_dtype == 0 ? 0x00 : 0x02;
    else if (fmt == DztSampleFormat::i32)
      p[97] = old_dtype == 4 ? 0x04 : 0x00;
    else
      p[97] = 0x10;
    // The variable area (range gain, text, processing history) is copied back verbatim.
    if (auto it = hc.raw.find("rh_variable_hex");
        it != hc.raw.end() && it->second.size() == 2 * (kBlock - 128)) {
      // std::stoul would throw a bare "stoul" (and accept "+f" or " f"): parse the digits.
      auto hex = [&](char c) -> unsigned {
        if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
        if (c >= 'a' && c <= 'f') return static_cast<unsigned>(c - 'a' + 10);
        if (c >= 'A' && c <= 'F') return static_cast<unsigned>(c - 'A' + 10);
        throw InvalidArgument("write dzt: header raw['rh_variable_hex'] has '" + std::string(1, c) +
                              "'; expected hexadecimal digits only");
      };
      for (std::size_t k = 0; k < kBlock - 128; ++k)
        p[128 + k] =
            static_cast<std::uint8_t>(hex(it->second[2 * k]) * 16 + hex(it->second[2 * k + 1]));
      for (const auto& [off, key] : {std::pair<std::size_t, const char*>{40, "rh_rgain"},
                                     {42, "rh_nrgain"},
                                     {44, "rh_text"},
                                     {46, "rh_ntext"},
                                     {48, "rh_proc"},
                                     {50, "rh_nproc"}})
        store_le<std::uint16_t>(p + off, static_cast<std::uint16_t>(raw_num(hc, key, 0)));
    } else if (hc.antenna_separation_m > 0) {
      // A new variable area: the antenna separation as text (rh_text / rh_ntext).
      const std::string text = kSepKey + num(hc.antenna_separation_m);
      std::memcpy(p + 128, text.data(), text.size());
      store_le<std::uint16_t>(p + 44, 128);
      store_le<std::uint16_t>(p + 46, static_cast<std::uint16_t>(text.size() + 1));
    }
    std::string ant;
    if (auto it = hc.raw.find("rh_antname"); it != hc.raw.end())
      ant = it->second;
    else if (hc.centre_frequency_mhz > 0)
      ant = num(std::round(hc.centre_frequency_mhz)) + "MHz";
    ant = field_bytes(ant, 13);
    std::memcpy(p + 98, ant.data(), ant.size());
    p[113] = static_cast<std::uint8_t>((static_cast<unsigned>(raw_num(hc, "rh_system", 0)) << 3) |
                                       (static_cast<unsigned>(raw_num(hc, "rh_version", 1)) & 7u));
    std::string name;
    if (auto it = hc.raw.find("rh_name"); it != hc.raw.end()) name = it->second;
    name = field_bytes(name, 11);
    std::memcpy(p + 114, name.data(), name.size());
  }
  // Data: scan k holds channel 0's words, then channel 1's, ...; each channel's words are the
  // scan counter, the mark word, then the samples.
  std::vector<std::vector<bool>> marked(nchan, std::vector<bool>(nt, false));
  for (std::size_t c = 0; c < nchan; ++c)
    if (auto it = ch[c].header().raw.find("marks"); it != ch[c].header().raw.end())
      for (double m : split_doubles(it->second))
        if (m >= 0 && m < static_cast<double>(nt)) marked[c][static_cast<std::size_t>(m)] = true;
  std::uint8_t* d = out.data() + kBlock * nchan;
  for (std::size_t k = 0; k < nt; ++k)
    for (std::size_t c = 0; c < nchan; ++c) {
      const float* t = ch[c].trace(static_cast<std::ptrdiff_t>(k));
      std::uint8_t* q = d + (k * nchan + c) * nw * bps;
      const double mark = marked[c][k] ? kMarkWord : 0.0;
      switch (fmt) {
        case DztSampleFormat::u16:
          store_le<std::uint16_t>(q, static_cast<std::uint16_t>(k & 0xffffu));
          store_le<std::uint16_t>(q + 2, static_cast<std::uint16_t>(mark));
          break;
        case DztSampleFormat::i32:
          store_le<std::int32_t>(q, static_cast<std::int32_t>(k & 0x7fffffffu));
          store_le<std::int32_t>(q + 4, static_cast<std::int32_t>(mark));
          break;
        default:
          store_le<float>(q, static_cast<float>(k & 0xffffffu));
          store_le<float>(q + 4, static_cast<float>(mark));
      }
      q += kHeaderWords * bps;
      for (std::size_t i = 0; i < ns; ++i) {
        const double v = t[i];
        switch (fmt) {
          case DztSampleFormat::u16: {
            const double r = std::clamp(std::nearbyint(v) + 32768.0, 0.0, 65535.0);
            store_le<std::uint16_t>(q + 2 * i, static_cast<std::uint16_t>(r));
            break;
          }
          case DztSampleFormat::i32: {
            const double r = std::clamp(std::nearbyint(v), -2147483648.0, 2147483647.0);
            store_le<std::int32_t>(q + 4 * i, static_cast<std::int32_t>(r));
            break;
          }
          default:
            store_le<float>(q + 4 * i, t[i]);
        }
      }
    }
  AtomicFileSet files;
  files.add(path, out);
  // GPS fixes go to the DZG companion ($GSSIS,<scan>,<time> then the fix), as GSSI writes it.
  const GpsTrack g = load_gps(h);
  if (!g.trace.empty()) {
    std::string dzg;
    for (std::size_t i = 0; i < g.trace.size(); ++i)
      dzg += "$GSSIS," + num(g.trace[i]) + ",0\r\n" + gga_sentence(g.fixes[i]) + "\r\n\r\n";
    auto p = path;
    p.replace_extension("." + case_like("DZG", path.extension().string()));
    files.add_text(p, dzg);
  }
  files.commit();
}

void write_dzt(const std::filesystem::path& path, const Bscan& b, const DztWriteOptions& o) {
  write_dzt(path, std::span<const Bscan>(&b, 1), o);
}

}  // namespace gprkit::io
