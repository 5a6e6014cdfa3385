#include "gprkit/io/npy.h"

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "detail.h"
#include "gprkit/core/validate.h"
#include "text.h"

namespace gprkit::io {

using namespace detail;

namespace {
constexpr const char* kFmt = "npy";
constexpr const char* kJson = "JSON sidecar";

using json = nlohmann::ordered_json;

Header header_from_json_body(std::string_view text);
}  // namespace

std::string header_to_json(const Header& h) {
  auto number = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
  json j;
  j["dt_ns"] = number(h.dt_ns);
  j["t0_ns"] = number(h.t0_ns);
  j["dx_m"] = number(h.dx_m);
  j["antenna_separation_m"] = number(h.antenna_separation_m);
  j["antenna_height_m"] = number(h.antenna_height_m);
  j["centre_frequency_mhz"] = number(h.centre_frequency_mhz);
  for (const auto& [name, v] : {std::pair<const char*, const std::vector<double>*>{"x_m", &h.x_m},
                                {"y_m", &h.y_m},
                                {"z_m", &h.z_m}}) {
    if (v->empty()) {
      j[name] = nullptr;
      continue;
    }
    json a = json::array();
    for (double x : *v) a.push_back(number(x));
    j[name] = std::move(a);
  }
  j["raw"] = json::object();
  for (const auto& [k, v] : h.raw) j["raw"][k] = v;
  j["history"] = json::array();
  for (const auto& e : h.history) {
    json o = json::parse(e.options_json, nullptr, false);
    j["history"].push_back({{"step", e.step},
                            {"options", o.is_discarded() ? json::object() : o},
                            {"version", e.version}});
  }
  // Instrument text is not always UTF-8 (Latin-1 headers): replace what is not.
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

Header header_from_json(std::string_view text) {
  // JSON is UTF-8; a sidecar saved by a Latin-1 editor is read with the header-text rule.
  return reader_boundary(kJson, [&] { return header_from_json_body(to_utf8(text)); });
}

namespace {
Header header_from_json_body(std::string_view text) {
  json j;
  try {
    j = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    fail(kJson, std::string("not valid JSON: ") + e.what());
  }
  if (!j.is_object()) fail(kJson, "top level is not an object");
  Header h;
  auto number = [&](const char* key, double& dst) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return;
    if (!it->is_number()) fail(kJson, std::string("'") + key + "' is not a number");
    dst = it->get<double>();
  };
  number("dt_ns", h.dt_ns);
  number("t0_ns", h.t0_ns);
  number("dx_m", h.dx_m);
  number("antenna_separation_m", h.antenna_separation_m);
  number("antenna_height_m", h.antenna_height_m);
  number("centre_frequency_mhz", h.centre_frequency_mhz);
  if (!(h.dt_ns > 0) || !std::isfinite(h.dt_ns))
    fail(kJson, "dt_ns = " + num(h.dt_ns) + "; expected > 0");
  if (!(h.dx_m >= 0) || !std::isfinite(h.dx_m))
    fail(kJson, "dx_m = " + num(h.dx_m) + "; expected >= 0");
  if (!std::isfinite(h.t0_ns)) fail(kJson, "t0_ns is not finite");
  for (const auto& [name, dst] : {std::pair<const char*, std::vector<double>*>{"x_m", &h.x_m},
                                  {"y_m", &h.y_m},
                                  {"z_m", &h.z_m}}) {
    auto it = j.find(name);
    if (it == j.end() || it->is_null()) continue;
    if (!it->is_array()) fail(kJson, std::string("'") + name + "' is not an array");
    for (const auto& e : *it) dst->push_back(e.is_number() ? e.get<double>() : std::nan(""));
  }
  if (auto it = j.find("raw"); it != j.end()) {
    if (!it->is_object()) fail(kJson, "'raw' is not an object");
    for (const auto& [k, v] : it->items()) {
      if (v.is_string())
        h.raw[k] = v.get<std::string>();
      else if (v.is_number())
        h.raw[k] = num(v.get<double>());
      else
        fail(kJson, "raw['" + k + "'] is not a string");
    }
  }
  if (auto it = j.find("history"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) fail(kJson, "'history' is not a list");
    for (const auto& e : *it) {
      if (!e.is_object() || !e.contains("step") || !e["step"].is_string())
        fail(kJson, "a 'history' entry is not {\"step\": name, \"options\": {...}}");
      HistoryEntry he;
      he.step = e["step"].get<std::string>();
      if (e.contains("options")) {
        if (!e["options"].is_object())
          fail(kJson, "history '" + he.step + "': options is not an object");
        he.options_json = e["options"].dump();
      }
      if (e.contains("version") && e["version"].is_string())
        he.version = e["version"].get<std::string>();
      h.history.push_back(std::move(he));
    }
  }
  return h;
}
}  // namespace

std::filesystem::path npy_sidecar(const std::filesystem::path& npy_path) {
  auto p = npy_path;
  p += "." + case_like("json", npy_path.extension().string());
  return p;
}

namespace {
// Value of `key` in the header dict text ("'descr': '<f4', 'fortran_order': False, ...").
std::string_view dict_value(std::string_view dict, std::string_view key) {
  std::string k1(1, '\'');
  k1.append(key);
  k1.push_back('\'');
  auto p = dict.find(k1);
  if (p == std::string_view::npos) fail(kFmt, "header has no '" + std::string(key) + "'");
  p = dict.find(':', p + k1.size());
  if (p == std::string_view::npos) fail(kFmt, "malformed header dict");
  auto rest = trim(dict.substr(p + 1));
  std::size_t end = 0;
  if (!rest.empty() && rest[0] == '(')
    end = rest.find(')');
  else if (!rest.empty() && rest[0] == '\'')
    end = rest.find('\'', 1);
  else
    end = rest.find_first_of(",}");
  if (end == std::string_view::npos) fail(kFmt, "malformed header dict");
  return rest.substr(0, end + 1);
}

Bscan decode_npy_body(std::span<const std::uint8_t> b, std::string_view sidecar);
}  // namespace

Bscan decode_npy(std::span<const std::uint8_t> b, std::string_view sidecar) {
  return reader_boundary(kFmt, [&] { return decode_npy_body(b, sidecar); });
}

namespace {
Bscan decode_npy_body(std::span<const std::uint8_t> b, std::string_view sidecar) {
  need(b, 0, 10, kFmt, "the magic and header length");
  if (std::memcmp(b.data(), "\x93NUMPY", 6) != 0) fail(kFmt, "bad magic (not a .npy file)");
  const unsigned major = b[6];
  std::size_t hlen = 0, hstart = 0;
  if (major == 1) {
    hlen = load_le<std::uint16_t>(&b[8]);
    hstart = 10;
  } else if (major == 2 || major == 3) {
    need(b, 0, 12, kFmt, "the header length");
    hlen = load_le<std::uint32_t>(&b[8]);
    hstart = 12;
  } else {
    fail(kFmt, "format version " + std::to_string(major) + " is not supported");
  }
  need(b, hstart, hlen, kFmt, "the header dict");
  const std::string_view dict(reinterpret_cast<const char*>(b.data() + hstart), hlen);
  std::string descr(dict_value(dict, "descr"));
  if (descr.size() < 3 || descr.front() != '\'')
    fail(kFmt, "descr " + descr + " is not a simple dtype");
  descr = descr.substr(1, descr.size() - 2);
  const bool fortran = trim(dict_value(dict, "fortran_order")).substr(0, 4) == "True";
  std::string_view shape = dict_value(dict, "shape");
  std::vector<long long> dims;
  {
    std::string_view s = shape.substr(1, shape.size() - 2);
    std::size_t start = 0;
    while (start < s.size()) {
      auto end = s.find(',', start);
      if (end == std::string_view::npos) end = s.size();
      auto t = trim(s.substr(start, end - start));
      if (!t.empty()) {
        double d = 0;
        if (!parse_double(t, d) || d < 0 || d != std::floor(d) || d > 1e12)
          fail(kFmt, "shape " + std::string(shape) + " is not a tuple of sizes");
        dims.push_back(static_cast<long long>(d));
      }
      start = end + 1;
    }
  }
  if (dims.empty() || dims.size() > 2)
    fail(kFmt, "shape " + std::string(shape) + "; expected (n_samples,) or (n_samples, n_traces)");
  const long long ns = dims[0], nt = dims.size() == 2 ? dims[1] : 1;
  if (ns <= 0 || nt <= 0) fail(kFmt, "shape " + std::string(shape) + " is empty");
  const char endian = descr[0];
  const std::string kind = descr.substr(1);
  SampleType type;
  if (kind == "f4")
    type = SampleType::f32;
  else if (kind == "f8")
    type = SampleType::f64;
  else if (kind == "i2")
    type = SampleType::i16;
  else if (kind == "i4")
    type = SampleType::i32;
  else if (kind == "u2")
    type = SampleType::u16;
  else if (kind == "i1")
    type = SampleType::i8;
  else if (kind == "u1")
    type = SampleType::u8;
  else
    fail(kFmt, "dtype '" + descr + "' is not supported (float32/64, int8/16/32, uint8/16)");
  const bool be = endian == '>';
  if (endian != '<' && endian != '>' && endian != '|' && endian != '=')
    fail(kFmt, "dtype '" + descr + "' has an unknown byte order");
  const std::size_t bps = sample_bytes(type);
  const std::size_t data_off = hstart + hlen;
  const auto count = static_cast<unsigned long long>(ns) * static_cast<unsigned long long>(nt);
  if (count > (b.size() - data_off) / bps)
    fail(kFmt, "shape " + std::string(shape) + " needs " + std::to_string(count * bps) +
                   " data bytes but the file has " + std::to_string(b.size() - data_off));
  Header h = sidecar.empty() ? Header{} : header_from_json(sidecar);
  if (sidecar.empty()) h.raw["gprkit_note"] = "no JSON sidecar: default header";
  h.raw["format"] = "npy";
  h.raw["npy_descr"] = descr;
  Bscan out = Bscan::uninitialized(ns, nt, std::move(h));
  const std::uint8_t* src = b.data() + data_off;
  if (fortran || nt == 1) {
    convert_traces(src, static_cast<std::size_t>(ns) * bps, type, be, 0.0, ns, nt, out.data());
  } else {
    // C order: row i holds sample i of every trace. Convert row by row, then scatter.
    std::vector<float> row(static_cast<std::size_t>(nt));
    for (long long i = 0; i < ns; ++i) {
      convert_traces(src + static_cast<std::size_t>(i) * static_cast<std::size_t>(nt) * bps,
                     static_cast<std::size_t>(nt) * bps, type, be, 0.0, nt, 1, row.data());
      for (long long j = 0; j < nt; ++j) out(i, j) = row[static_cast<std::size_t>(j)];
    }
  }
  const auto bad = [&](const std::vector<double>& v) {
    return !v.empty() && v.size() != static_cast<std::size_t>(nt);
  };
  if (bad(out.header().x_m) || bad(out.header().y_m) || bad(out.header().z_m))
    fail(kJson, "x_m/y_m/z_m must hold one value per trace (" + std::to_string(nt) + ")");
  return out;
}
}  // namespace

Bscan read_npy(const std::filesystem::path& path) {
  const FileBytes f(path);
  std::string side;
  const auto sc = sidecar(path, "json");
  if (path_exists(sc)) side = read_text_file(sc, std::size_t{1} << 30);
  return decode_npy(f.bytes(), side);
}

void write_npy(const std::filesystem::path& path, const Bscan& b) {
  check::non_empty("write_npy", "b", b.view());
  std::string dict = "{'descr': '<f4', 'fortran_order': True, 'shape': (" +
                     std::to_string(b.n_samples()) + ", " + std::to_string(b.n_traces()) + "), }";
  // Pad so that magic + length + dict + '\n' is a multiple of 64.
  const std::size_t total = 10 + dict.size() + 1;
  dict.append((64 - total % 64) % 64, ' ');
  dict += '\n';
  const std::size_t n = static_cast<std::size_t>(b.n_samples() * b.n_traces());
  std::vector<std::uint8_t> out(10 + dict.size() + 4 * n);
  std::memcpy(out.data(), "\x93NUMPY\x01\x00", 8);
  store_le<std::uint16_t>(out.data() + 8, static_cast<std::uint16_t>(dict.size()));
  std::memcpy(out.data() + 10, dict.data(), dict.size());
  std::memcpy(out.data() + 10 + dict.size(), b.data(), 4 * n);
  AtomicFileSet files;
  files.add(path, out);
  files.add_text(npy_sidecar(path), header_to_json(b.header()));
  files.commit();
}

}  // namespace gprkit::io
