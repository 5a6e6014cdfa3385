#include "detail.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <random>

#include "../core/section_memory.h"
#include "gprkit/core/threads.h"
#include "gprkit/core/validate.h"

namespace gprkit::io::detail {

namespace {
std::string os_error(const std::string& what, const std::filesystem::path& p, int err = errno) {
  return what + " '" + p.string() + "': " + std::strerror(err);
}

const char* kind_of(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISSOCK(m)) return "a socket";
  return "not a plain file";
}

[[noreturn]] void not_regular(const std::filesystem::path& p, mode_t m) {
  throw IoError("cannot read '" + p.string() + "': not a regular file (" + kind_of(m) + ")");
}

// Owns a descriptor.
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  Fd(Fd&& o) noexcept : fd(o.fd) { o.fd = -1; }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd& operator=(Fd&&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// Opens a regular file for reading without ever blocking: stat first (a FIFO is never opened),
// O_NONBLOCK in case it was swapped for one since, then fstat on what was opened.
Fd open_regular(const std::filesystem::path& p, struct stat& st) {
  check_regular_file(p);
  Fd f(::open(p.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (f.fd < 0) throw IoError(os_error("cannot open", p));
  if (::fstat(f.fd, &st) != 0) throw IoError(os_error("cannot stat", p));
  if (!S_ISREG(st.st_mode)) not_regular(p, st.st_mode);
  return f;
}

// Reads exactly n bytes at offset 0; the file ending early means it shrank since fstat.
void read_exact(const Fd& f, const std::filesystem::path& p, std::uint8_t* dst, std::size_t n) {
  std::size_t done = 0;
  while (done < n) {
    const std::size_t chunk = std::min<std::size_t>(n - done, std::size_t{1} << 30);
    const ssize_t r = ::pread(f.fd, dst + done, chunk, static_cast<off_t>(done));
    if (r < 0) {
      if (errno == EINTR) continue;
      throw IoError(os_error("cannot read", p));
    }
    if (r == 0)
      throw FormatError("'" + p.string() + "': the file ended at byte " + std::to_string(done) +
                        " of the " + std::to_string(n) +
                        " it had when opened (truncated while "
                        "being read)");
    done += static_cast<std::size_t>(r);
  }
}
}  // namespace

void check_path(const std::filesystem::path& path) {
  const std::string& s = path.native();
  if (s.find('\0') == std::string::npos) return;
  std::string shown;
  for (char c : s) shown += c == '\0' ? std::string("\\0") : std::string(1, c);
  check::fail("path", "path", shown, "no NUL byte (a file name cannot hold one)");
}

void check_regular_file(const std::filesystem::path& path) {
  check_path(path);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw IoError(os_error("cannot open", path));
  if (!S_ISREG(st.st_mode)) not_regular(path, st.st_mode);
}

FileBytes::FileBytes(const std::filesystem::path& path, std::size_t max_bytes,
                     std::string_view what) {
  struct stat st {};
  const Fd f = open_regular(path, st);
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (size > max_bytes)
    throw FormatError("'" + path.string() + "': " + std::to_string(size) + " bytes; a " +
                      std::string(what) + " is expected to be at most " +
                      std::to_string(max_bytes));
  size_ = static_cast<std::size_t>(size);
  data_.reset(reinterpret_cast<std::uint8_t*>(
      gprkit::detail::allocate_section(std::max<std::size_t>(size_, 1))));
  read_exact(f, path, data_.get(), size_);
}

void FileBytes::Free::operator()(std::uint8_t* p) const noexcept {
  gprkit::detail::free_section(reinterpret_cast<float*>(p));
}

RandomAccessFile::RandomAccessFile(const std::filesystem::path& path) {
  struct stat st {};
  Fd f = open_regular(path, st);
  size_ = static_cast<std::uint64_t>(st.st_size);
  fd_ = f.fd;
  f.fd = -1;
}

RandomAccessFile::~RandomAccessFile() {
  if (fd_ >= 0) ::close(fd_);
}

bool RandomAccessFile::read_at(std::uint64_t offset, std::size_t n, std::uint8_t* out) const {
  if (offset > size_ || n > size_ - offset) return false;
  std::size_t done = 0;
  while (done < n) {
    const ssize_t r = ::pread(fd_, out + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    done += static_cast<std::size_t>(r);
  }
  return true;
}

std::vector<std::uint8_t> read_prefix(const std::filesystem::path& path, std::size_t n) {
  struct stat st {};
  const Fd f = open_regular(path, st);
  std::vector<std::uint8_t> out(std::min<std::uint64_t>(n, static_cast<std::uint64_t>(st.st_size)));
  read_exact(f, path, out.data(), out.size());
  return out;
}

std::string read_text_file(const std::filesystem::path& path, std::size_t max_bytes) {
  const FileBytes f(path, max_bytes, "header/companion file");
  return {reinterpret_cast<const char*>(f.bytes().data()), f.bytes().size()};
}

bool path_exists(const std::filesystem::path& p) {
  std::error_code ec;
  return std::filesystem::exists(p, ec);
}

std::string case_like(std::string_view ext, std::string_view model) {
  if (!model.empty() && model.front() == '.') model.remove_prefix(1);
  std::string out(ext);
  int upper = -1;  // case of the last letter of model seen so far: -1 none, 0 lower, 1 upper
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (i < model.size() && std::isalpha(static_cast<unsigned char>(model[i])) != 0)
      upper = std::isupper(static_cast<unsigned char>(model[i])) != 0 ? 1 : 0;
    const auto c = static_cast<unsigned char>(out[i]);
    if (upper == 1) out[i] = static_cast<char>(std::toupper(c));
    if (upper == 0) out[i] = static_cast<char>(std::tolower(c));
  }
  return out;
}

namespace {
// The first existing of ext in the caller's case, upper, lower; `make` builds the path.
template <class Make>
std::filesystem::path first_variant(const std::filesystem::path& base, std::string_view ext,
                                    Make make) {
  check_path(base);
  const std::string variants[] = {case_like(ext, base.extension().string()), to_upper(ext),
                                  case_like(ext, "a")};
  for (const auto& v : variants)
    if (auto p = make(v); path_exists(p)) return p;
  return make(variants[0]);
}
}  // namespace

std::filesystem::path sibling(const std::filesystem::path& base, std::string_view ext) {
  return first_variant(base, ext, [&](const std::string& e) {
    auto p = base;
    p.replace_extension("." + e);
    return p;
  });
}

std::filesystem::path sidecar(const std::filesystem::path& base, std::string_view ext) {
  return first_variant(base, ext, [&](const std::string& e) {
    auto p = base;
    p += "." + e;
    return p;
  });
}

void fail(std::string_view format, const std::string& what) {
  throw FormatError(std::string(format) + ": " + what);
}

std::size_t sample_bytes(SampleType t) {
  switch (t) {
    case SampleType::u8:
    case SampleType::i8:
      return 1;
    case SampleType::u16:
    case SampleType::i16:
      return 2;
    case SampleType::f64:
      return 8;
    default:
      return 4;
  }
}

float ibm_to_float(std::uint32_t ibm) {
  const std::uint32_t sign = ibm >> 31;
  const int exponent = static_cast<int>((ibm >> 24) & 0x7f) - 64;
  const std::uint32_t fraction = ibm & 0x00ffffff;
  if (fraction == 0) return sign ? -0.0f : 0.0f;
  // value = fraction / 2^24 * 16^exponent, computed exactly in double then rounded once.
  const double v = std::ldexp(static_cast<double>(fraction), 4 * exponent - 24);
  return static_cast<float>(sign ? -v : v);
}

std::uint32_t float_to_ibm(float f) {
  if (f == 0.0f || !std::isfinite(f)) return f == 0.0f && std::signbit(f) ? 0x80000000u : 0u;
  const std::uint32_t sign = std::signbit(f) ? 0x80000000u : 0u;
  double a = std::fabs(static_cast<double>(f));
  int e2 = 0;
  double m = std::frexp(a, &e2);  // a = m * 2^e2, m in [0.5, 1)
  // IBM: a = F * 16^(E-64), F in [1/16, 1): choose E so that e2 = 4*(E-64) - shift.
  // frac = m * 2^(e2 - 4 e16) lies in [1/16, 1) when e2 - 4 e16 is in [-3, 0].
  int e16 = static_cast<int>(std::ceil(e2 / 4.0));
  const double frac = std::ldexp(m, e2 - 4 * e16);  // in [1/16, 1)
  auto mant = static_cast<std::uint64_t>(std::llround(std::ldexp(frac, 24)));
  if (mant >= (1u << 24)) {
    mant >>= 4;
    ++e16;
  }
  const int biased = e16 + 64;
  if (biased > 127) return sign | 0x7fffffffu;
  if (biased < 0) return sign;
  return sign | (static_cast<std::uint32_t>(biased) << 24) | static_cast<std::uint32_t>(mant);
}

namespace {
template <class T, bool BE>
inline float load_one(const std::uint8_t* p) {
  if constexpr (BE) {
    return static_cast<float>(load_be<T>(p));
  } else {
    return static_cast<float>(load_le<T>(p));
  }
}

template <class T, bool BE>
void convert_typed(const std::uint8_t* src, std::size_t stride, double offset, std::ptrdiff_t ns,
                   std::ptrdiff_t nt, float* out) {
  const float off = static_cast<float>(offset);
  const bool exact_offset = static_cast<double>(off) == offset;
  const std::size_t work = static_cast<std::size_t>(ns) * static_cast<std::size_t>(nt);
#pragma omp parallel for num_threads(threads_for(work)) schedule(static)
  for (std::ptrdiff_t j = 0; j < nt; ++j) {
    const std::uint8_t* s = src + static_cast<std::size_t>(j) * stride;
    float* o = out + j * ns;
    if (offset == 0.0) {
      for (std::ptrdiff_t i = 0; i < ns; ++i) o[i] = load_one<T, BE>(s + i * sizeof(T));
    } else if (exact_offset && sizeof(T) <= 2) {
      // small integers: value + offset is exact in float
      for (std::ptrdiff_t i = 0; i < ns; ++i) o[i] = load_one<T, BE>(s + i * sizeof(T)) + off;
    } else {
      for (std::ptrdiff_t i = 0; i < ns; ++i) {
        T v;
        if constexpr (BE)
          v = load_be<T>(s + i * sizeof(T));
        else
          v = load_le<T>(s + i * sizeof(T));
        o[i] = static_cast<float>(static_cast<double>(v) + offset);
      }
    }
  }
}

template <bool BE>
void convert_ibm(const std::uint8_t* src, std::size_t stride, std::ptrdiff_t ns, std::ptrdiff_t nt,
                 float* out) {
  const std::size_t work = static_cast<std::size_t>(ns) * static_cast<std::size_t>(nt);
#pragma omp parallel for num_threads(threads_for(work)) schedule(static)
  for (std::ptrdiff_t j = 0; j < nt; ++j) {
    const std::uint8_t* s = src + static_cast<std::size_t>(j) * stride;
    float* o = out + j * ns;
    for (std::ptrdiff_t i = 0; i < ns; ++i)
      o[i] =
          ibm_to_float(BE ? load_be<std::uint32_t>(s + 4 * i) : load_le<std::uint32_t>(s + 4 * i));
  }
}

template <bool BE>
void convert_dispatch(const std::uint8_t* src, std::size_t stride, SampleType t, double offset,
                      std::ptrdiff_t ns, std::ptrdiff_t nt, float* out) {
  switch (t) {
    case SampleType::u8:
      return convert_typed<std::uint8_t, BE>(src, stride, offset, ns, nt, out);
    case SampleType::i8:
      return convert_typed<std::int8_t, BE>(src, stride, offset, ns, nt, out);
    case SampleType::u16:
      return convert_typed<std::uint16_t, BE>(src, stride, offset, ns, nt, out);
    case SampleType::i16:
      return convert_typed<std::int16_t, BE>(src, stride, offset, ns, nt, out);
    case SampleType::u32:
      return convert_typed<std::uint32_t, BE>(src, stride, offset, ns, nt, out);
    case SampleType::i32:
      return convert_typed<std::int32_t, BE>(src, stride, offset, ns, nt, out);
    case SampleType::f32:
      return convert_typed<float, BE>(src, stride, offset, ns, nt, out);
    case SampleType::f64:
      return convert_typed<double, BE>(src, stride, offset, ns, nt, out);
    case SampleType::ibm32:
      return convert_ibm<BE>(src, stride, ns, nt, out);
  }
}
}  // namespace

void convert_traces(const std::uint8_t* src, std::size_t trace_stride_bytes, SampleType type,
                    bool big_endian, double offset, std::ptrdiff_t n_samples,
                    std::ptrdiff_t n_traces, float* out) {
  if (n_samples <= 0 || n_traces <= 0) return;
  // Large outputs are fresh memory: ask for transparent huge pages (as numpy does) so the
  // first touch faults 2 MB at a time instead of 4 kB.
  const std::size_t bytes =
      static_cast<std::size_t>(n_samples) * static_cast<std::size_t>(n_traces) * 4;
  if (bytes >= (std::size_t{4} << 20)) {
    constexpr std::uintptr_t huge = std::uintptr_t{2} << 20;
    const auto lo = (reinterpret_cast<std::uintptr_t>(out) + huge - 1) & ~(huge - 1);
    const auto hi = (reinterpret_cast<std::uintptr_t>(out) + bytes) & ~(huge - 1);
    if (hi > lo) ::madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_HUGEPAGE);
  }
  if (big_endian)
    convert_dispatch<true>(src, trace_stride_bytes, type, offset, n_samples, n_traces, out);
  else
    convert_dispatch<false>(src, trace_stride_bytes, type, offset, n_samples, n_traces, out);
}

std::string num(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  return {buf, r.ptr};
}
std::string num(long long v) { return std::to_string(v); }

std::string_view trim(std::string_view s) {
  const char* ws = " \t\r\n\f\v";
  const auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

bool parse_double(std::string_view s, double& out) {
  s = trim(s);
  if (s.empty()) return false;
  if (s.front() == '+') s.remove_prefix(1);
  double v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(v)) return false;
  out = v;
  return true;
}

bool parse_leading_double(std::string_view s, double& out) {
  s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || !std::isfinite(v)) return false;
  out = v;
  return true;
}

std::string to_upper(std::string_view s) {
  std::string r(s);
  for (auto& c : r) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return r;
}

std::string lower_ext(const std::filesystem::path& p) {
  std::string e = p.extension().string();
  for (auto& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return e;
}

std::vector<std::string_view> lines(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    auto l = text.substr(start, end - start);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    out.push_back(l);
    start = end + 1;
  }
  while (!out.empty() && trim(out.back()).empty()) out.pop_back();
  return out;
}

std::map<std::string, std::string> colon_fields(std::string_view text) {
  std::map<std::string, std::string> f;
  for (auto l : lines(text)) {
    const auto colon = l.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string key = to_upper(trim(l.substr(0, colon)));
    if (!key.empty()) f[key] = std::string(trim(l.substr(colon + 1)));
  }
  return f;
}

std::string join(const std::vector<double>& v) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) s += ',';
    s += num(v[i]);
  }
  return s;
}

std::vector<double> split_doubles(std::string_view s) {
  std::vector<double> v;
  std::size_t start = 0;
  while (start < s.size()) {
    auto end = s.find(',', start);
    if (end == std::string_view::npos) end = s.size();
    double x = 0;
    if (!parse_double(s.substr(start, end - start), x)) x = std::nan("");
    v.push_back(x);
    start = end + 1;
  }
  return v;
}

double leading_mhz(std::string_view name) {
  name = trim(name);
  std::size_t i = 0;
  while (i < name.size() && (name[i] < '0' || name[i] > '9')) {
    if (std::isalpha(static_cast<unsigned char>(name[i])) == 0) return 0;  // only a letter prefix
    ++i;
    if (i > 2) return 0;
  }
  double v = 0;
  std::size_t n = 0;
  while (i < name.size() && name[i] >= '0' && name[i] <= '9' && n < 6) {
    v = v * 10 + (name[i] - '0');
    ++i;
    ++n;
  }
  return v;
}

bool parse_gga(std::string_view line, GpsFix& fix) {
  line = trim(line);
  if (line.size() < 6 || line[0] != '$' || line.substr(3, 3) != "GGA") return false;
  // A sentence with a checksum must match it: receivers and loggers splice sentences into
  // each other (pulseEKKO .GPS files hold GGA lines merged with VTG), and such a line would
  // otherwise yield a position with a wrong altitude.
  if (const auto star = line.find('*'); star != std::string_view::npos) {
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    const int h1 = star + 1 < line.size() ? hex(line[star + 1]) : -1;
    const int h2 = star + 2 < line.size() ? hex(line[star + 2]) : -1;
    if (h1 < 0 || h2 < 0) return false;
    unsigned cs = 0;
    for (std::size_t i = 1; i < star; ++i) cs ^= static_cast<unsigned char>(line[i]);
    if (cs != static_cast<unsigned>(h1 * 16 + h2)) return false;
    line = line.substr(0, star);
  }
  std::vector<std::string_view> f;
  std::size_t start = 0;
  while (start <= line.size() && f.size() < 16) {
    auto end = line.find_first_of(",*", start);
    if (end == std::string_view::npos) end = line.size();
    f.push_back(line.substr(start, end - start));
    start = end + 1;
  }
  if (f.size() < 10) return false;
  double lat = 0, lon = 0, alt = 0, q = 0;
  if (!parse_double(f[6], q) || q <= 0) return false;
  if (!parse_double(f[2], lat) || !parse_double(f[4], lon)) return false;
  if (!(lat >= 0 && lat <= 9000 && lon >= 0 && lon <= 18000 && std::fmod(lat, 100) < 60 &&
        std::fmod(lon, 100) < 60))
    return false;  // not ddmm.mmmm / dddmm.mmmm
  const double lat_deg = std::floor(lat / 100) + std::fmod(lat, 100) / 60;
  const double lon_deg = std::floor(lon / 100) + std::fmod(lon, 100) / 60;
  fix.lat_deg = f[3] == "S" ? -lat_deg : lat_deg;
  fix.lon_deg = f[5] == "W" ? -lon_deg : lon_deg;
  fix.alt_m = parse_double(f[9], alt) ? alt : 0.0;
  return true;
}

std::string utf8_escaped(std::string_view s) {
  std::string out;
  std::size_t i = 0;
  auto cont = [&](std::size_t k) {
    return k < s.size() && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80;
  };
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const auto c1 = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0;
    std::size_t n = 0;  // length of a valid sequence starting at i (0: invalid byte)
    if (c < 0x80)
      n = 1;
    else if (c >= 0xC2 && c <= 0xDF && cont(i + 1))
      n = 2;
    else if (c >= 0xE0 && c <= 0xEF && cont(i + 1) && cont(i + 2) && !(c == 0xE0 && c1 < 0xA0) &&
             !(c == 0xED && c1 > 0x9F))
      n = 3;
    else if (c >= 0xF0 && c <= 0xF4 && cont(i + 1) && cont(i + 2) && cont(i + 3) &&
             !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 > 0x8F))
      n = 4;
    if (n == 0) {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

void store_gps(std::map<std::string, std::string>& raw, const std::vector<double>& trace,
               const std::vector<GpsFix>& fixes, const std::filesystem::path& source) {
  std::vector<double> la, lo, al;
  for (const auto& g : fixes) {
    la.push_back(g.lat_deg);
    lo.push_back(g.lon_deg);
    al.push_back(g.alt_m);
  }
  raw["gps_source"] = utf8_escaped(source.filename().string());
  raw["gps_trace"] = join(trace);
  raw["gps_latitude_deg"] = join(la);
  raw["gps_longitude_deg"] = join(lo);
  raw["gps_altitude_m"] = join(al);
}

void read_cor_gps(const std::filesystem::path& cor, std::map<std::string, std::string>& raw) {
  const std::string text = read_text_file(cor, std::size_t{1} << 28);
  // trace, date, time, latitude, N/S, longitude, E/W, altitude, unit, quality (tab separated)
  std::vector<double> trace;
  std::vector<GpsFix> fixes;
  for (auto l : lines(text)) {
    std::vector<std::string_view> f;
    std::size_t s = 0;
    while (s <= l.size() && f.size() < 12) {
      auto e = l.find_first_of("\t ", s);
      if (e == std::string_view::npos) e = l.size();
      if (e > s) f.push_back(l.substr(s, e - s));
      s = e + 1;
    }
    double t = 0, lat = 0, lon = 0, alt = 0;
    if (f.size() < 8 || !parse_double(f[0], t) || !parse_double(f[3], lat) ||
        !parse_double(f[5], lon) || !parse_double(f[7], alt))
      continue;
    GpsFix g;
    g.lat_deg = f[4] == "S" ? -lat : lat;
    g.lon_deg = f[6] == "W" ? -lon : lon;
    g.alt_m = alt;
    trace.push_back(t - 1);  // trace numbers count from 1
    fixes.push_back(g);
  }
  if (!fixes.empty()) store_gps(raw, trace, fixes, cor);
}

namespace {
// False (errno set) when the data could not all be written (a full disk: ENOSPC).
bool write_all(int fd, const std::uint8_t* p, std::size_t n) {
  while (n > 0) {
    const ssize_t r = ::write(fd, p, std::min<std::size_t>(n, std::size_t{1} << 30));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      if (r == 0) errno = EIO;
      return false;
    }
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

// ".<name>.gprkit-tmp-XXXXXX" beside target, created exclusively (mode 0666: the umask applies).
std::pair<std::filesystem::path, int> create_temp(const std::filesystem::path& target) {
  static std::atomic<std::uint64_t> counter{0};
  thread_local std::mt19937_64 rng(std::random_device{}() ^
                                   (static_cast<std::uint64_t>(::getpid()) << 32));
  const char* alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  // Keep the name under NAME_MAX (255 bytes) with room for the suffix.
  const std::string name = target.filename().string().substr(0, 200);
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::uint64_t r = rng() ^ counter.fetch_add(1);
    std::string suffix(6, 'x');
    for (auto& c : suffix) c = alnum[r % 62], r /= 62;
    auto temp = target.parent_path() / ("." + name + ".gprkit-tmp-" + suffix);
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) return {temp, fd};
    if (errno != EEXIST) throw IoError(os_error("cannot create a temporary file for", target));
  }
  throw IoError("cannot create a temporary file for '" + target.string() + "': 100 names taken");
}

void fsync_folder(const std::filesystem::path& dir) {
  const Fd f(::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  // Some file systems cannot sync a folder (EINVAL): the renames are then as durable as it gets.
  if (f.fd >= 0 && ::fsync(f.fd) != 0 && errno != EINVAL)
    throw IoError(os_error("cannot sync the folder", dir));
}
}  // namespace

AtomicFileSet::~AtomicFileSet() {
  for (const auto& e : entries_) ::unlink(e.temp.c_str());
}

void AtomicFileSet::add(const std::filesystem::path& target_in,
                        std::span<const std::uint8_t> bytes) {
  check_path(target_in);
  auto target = target_in;
  std::error_code ec;
  // Replace what a symbolic link points to, not the link.
  if (std::filesystem::is_symlink(target, ec))
    if (auto real = std::filesystem::canonical(target, ec); !ec) target = real;
  struct stat old {};
  const bool replacing = ::stat(target.c_str(), &old) == 0;
  if (replacing && S_ISDIR(old.st_mode))
    throw IoError("cannot write '" + target.string() + "': it is a directory");
  auto [temp, fd] = create_temp(target);
  entries_.push_back({target, temp});
  const Fd f(fd);
  if (replacing && S_ISREG(old.st_mode) && ::fchmod(fd, old.st_mode & 07777) != 0)
    throw IoError(os_error("cannot set the mode of", temp));
  if (!write_all(fd, bytes.data(), bytes.size()))
    throw IoError(os_error("cannot write", target) + " (writing '" + temp.filename().string() +
                  "'; the old file is untouched)");
  if (::fsync(fd) != 0)
    throw IoError(os_error("cannot write", target) + " (syncing '" + temp.filename().string() +
                  "'; the old file is untouched)");
}

void AtomicFileSet::add_text(const std::filesystem::path& target, std::string_view text) {
  add(target, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

void AtomicFileSet::commit() {
  std::vector<std::filesystem::path> folders;
  while (!entries_.empty()) {
    const Entry& e = entries_.front();
    if (::rename(e.temp.c_str(), e.target.c_str()) != 0)
      throw IoError(os_error("cannot replace", e.target));
    if (std::find(folders.begin(), folders.end(), e.target.parent_path()) == folders.end())
      folders.push_back(e.target.parent_path());
    entries_.erase(entries_.begin());
  }
  for (const auto& d : folders) fsync_folder(d);
}

bool all_integers_in(const Bscan& b, double lo, double hi) {
  const float* d = b.data();
  const std::ptrdiff_t n = b.n_samples() * b.n_traces();
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    const double v = d[i];
    if (!(v >= lo && v <= hi) || v != std::nearbyint(v)) return false;
  }
  return true;
}

}  // namespace gprkit::io::detail
