#include "gprkit/io/npy.h"

#include <cmath>
#include <map>
#include <optional>
#include <variant>

#include "detail.h"
#include "gprkit/core/validate.h"

namespace gprkit::io {

using namespace detail;

namespace {
constexpr const char* kFmt = "npy";
constexpr const char* kJson = "JSON sidecar";

// ---- a small JSON reader (objects, arrays, strings, numbers, true/false/null) ----------
struct Json;
using JsonObject = std::map<std::string, Json>;
using JsonArray = std::vector<Json>;
struct Json {
  std::variant<std::nullptr_t, bool, double, std::string, JsonArray, JsonObject> v;
};

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}
  Json parse() {
    Json j = value(0);
    ws();
    if (p_ != s_.size()) err("trailing characters");
    return j;
  }

 private:
  [[noreturn]] void err(const std::string& what) {
    fail(kJson, what + " at offset " + std::to_string(p_));
  }
  void ws() {
    while (p_ < s_.size() && (s_[p_] == ' ' || s_[p_] == '\n' || s_[p_] == '\r' || s_[p_] == '\t'))
      ++p_;
  }
  Json value(int depth) {
    if (depth > 32) err("nesting deeper than 32");
    ws();
    if (p_ >= s_.size()) err("unexpected end");
    const char c = s_[p_];
    if (c == '{') {
      ++p_;
      JsonObject o;
      ws();
      if (p_ < s_.size() && s_[p_] == '}') {
        ++p_;
        return {std::move(o)};
      }
      for (;;) {
        ws();
        if (p_ >= s_.size() || s_[p_] != '"') err("expected a key");
        std::string k = str();
        ws();
        if (p_ >= s_.size() || s_[p_] != ':') err("expected ':'");
        ++p_;
        o[k] = value(depth + 1);
        ws();
        if (p_ < s_.size() && s_[p_] == ',') {
          ++p_;
          continue;
        }
        if (p_ < s_.size() && s_[p_] == '}') {
          ++p_;
          return {std::move(o)};
        }
        err("expected ',' or '}'");
      }
    }
    if (c == '[') {
      ++p_;
      JsonArray a;
      ws();
      if (p_ < s_.size() && s_[p_] == ']') {
        ++p_;
        return {std::move(a)};
      }
      for (;;) {
        a.push_back(value(depth + 1));
        ws();
        if (p_ < s_.size() && s_[p_] == ',') {
          ++p_;
          continue;
        }
        if (p_ < s_.size() && s_[p_] == ']') {
          ++p_;
          return {std::move(a)};
        }
        err("expected ',' or ']'");
      }
    }
    if (c == '"') return {str()};
    if (s_.substr(p_, 4) == "true") {
      p_ += 4;
      return {true};
    }
    if (s_.substr(p_, 5) == "false") {
      p_ += 5;
      return {false};
    }
    if (s_.substr(p_, 4) == "null") {
      p_ += 4;
      return {nullptr};
    }
    const std::size_t start = p_;
    while (p_ < s_.size() &&
           std::string_view("+-0123456789.eE").find(s_[p_]) != std::string_view::npos)
      ++p_;
    double d = 0;
    if (start == p_ || !parse_double(s_.substr(start, p_ - start), d)) err("invalid value");
    return {d};
  }
  std::string str() {
    ++p_;  // opening quote
    std::string out;
    while (p_ < s_.size() && s_[p_] != '"') {
      char c = s_[p_++];
      if (c == '\\') {
        if (p_ >= s_.size()) err("unterminated escape");
        const char e = s_[p_++];
        switch (e) {
          case 'n':
            out += '\n';
            break;
          case 't':
            out += '\t';
            break;
          case 'r':
            out += '\r';
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'u': {
            if (p_ + 4 > s_.size()) err("short \\u escape");
            unsigned cp = 0;
            for (int k = 0; k < 4; ++k) {
              const char h = s_[p_++];
              cp <<= 4;
              if (h >= '0' && h <= '9')
                cp |= static_cast<unsigned>(h - '0');
              else if (h >= 'a' && h <= 'f')
                cp |= static_cast<unsigned>(h - 'a' + 10);
              else if (h >= 'A' && h <= 'F')
                cp |= static_cast<unsigned>(h - 'A' + 10);
              else
                err("bad \\u escape");
            }
            if (cp < 0x80)
              out += static_cast<char>(cp);
            else if (cp < 0x800) {
              out += static_cast<char>(0xC0 | (cp >> 6));
              out += static_cast<char>(0x80 | (cp & 0x3F));
            } else {
              out += static_cast<char>(0xE0 | (cp >> 12));
              out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
              out += static_cast<char>(0x80 | (cp & 0x3F));
            }
            break;
          }
          default:
            out += e;
        }
      } else {
        out += c;
      }
    }
    if (p_ >= s_.size()) err("unterminated string");
    ++p_;
    return out;
  }
  std::string_view s_;
  std::size_t p_ = 0;
};

std::string quote(std::string_view s) {
  std::string o = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        o += "\\\"";
        break;
      case '\\':
        o += "\\\\";
        break;
      case '\n':
        o += "\\n";
        break;
      case '\r':
        o += "\\r";
        break;
      case '\t':
        o += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          o += buf;
        } else {
          o += static_cast<char>(c);
        }
    }
  }
  return o + "\"";
}

std::string json_num(double v) { return std::isfinite(v) ? num(v) : "null"; }
}  // namespace

std::string header_to_json(const Header& h) {
  std::string s = "{\n";
  s += "  \"dt_ns\": " + json_num(h.dt_ns) + ",\n";
  s += "  \"t0_ns\": " + json_num(h.t0_ns) + ",\n";
  s += "  \"dx_m\": " + json_num(h.dx_m) + ",\n";
  s += "  \"antenna_separation_m\": " + json_num(h.antenna_separation_m) + ",\n";
  s += "  \"antenna_height_m\": " + json_num(h.antenna_height_m) + ",\n";
  s += "  \"centre_frequency_mhz\": " + json_num(h.centre_frequency_mhz) + ",\n";
  for (const auto& [name, v] : {std::pair<const char*, const std::vector<double>*>{"x_m", &h.x_m},
                                {"y_m", &h.y_m},
                                {"z_m", &h.z_m}}) {
    s += std::string("  \"") + name + "\": ";
    if (v->empty()) {
      s += "null,\n";
      continue;
    }
    s += "[";
    for (std::size_t i = 0; i < v->size(); ++i) s += (i ? ", " : "") + json_num((*v)[i]);
    s += "],\n";
  }
  s += "  \"raw\": {";
  bool first = true;
  for (const auto& [k, v] : h.raw) {
    s += (first ? "\n    " : ",\n    ") + quote(k) + ": " + quote(v);
    first = false;
  }
  s += first ? "}\n}\n" : "\n  }\n}\n";
  return s;
}

Header header_from_json(std::string_view text) {
  Json j = Parser(text).parse();
  const auto* o = std::get_if<JsonObject>(&j.v);
  if (o == nullptr) fail(kJson, "top level is not an object");
  Header h;
  auto number = [&](const char* key, double& dst) {
    auto it = o->find(key);
    if (it == o->end() || std::holds_alternative<std::nullptr_t>(it->second.v)) return;
    const auto* d = std::get_if<double>(&it->second.v);
    if (d == nullptr) fail(kJson, std::string("'") + key + "' is not a number");
    dst = *d;
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
    auto it = o->find(name);
    if (it == o->end() || std::holds_alternative<std::nullptr_t>(it->second.v)) continue;
    const auto* a = std::get_if<JsonArray>(&it->second.v);
    if (a == nullptr) fail(kJson, std::string("'") + name + "' is not an array");
    for (const auto& e : *a) {
      const auto* d = std::get_if<double>(&e.v);
      dst->push_back(d != nullptr ? *d : std::nan(""));
    }
  }
  if (auto it = o->find("raw"); it != o->end()) {
    const auto* r = std::get_if<JsonObject>(&it->second.v);
    if (r == nullptr) fail(kJson, "'raw' is not an object");
    for (const auto& [k, v] : *r) {
      if (const auto* s = std::get_if<std::string>(&v.v))
        h.raw[k] = *s;
      else if (const auto* d = std::get_if<double>(&v.v))
        h.raw[k] = num(*d);
      else
        fail(kJson, "raw['" + k + "'] is not a string");
    }
  }
  return h;
}

std::filesystem::path npy_sidecar(const std::filesystem::path& npy_path) {
  auto p = npy_path;
  p += ".json";
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
}  // namespace

Bscan decode_npy(std::span<const std::uint8_t> b, std::string_view sidecar) {
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

Bscan read_npy(const std::filesystem::path& path) {
  MappedFile f(path);
  std::string side;
  const auto sc = npy_sidecar(path);
  if (file_exists(sc)) side = read_text_file(sc, std::size_t{1} << 30);
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
  write_file(path, out);
  write_text(npy_sidecar(path), header_to_json(b.header()));
}

}  // namespace gprkit::io
