#include "detail.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "gprkit/core/threads.h"

namespace gprkit::io::detail {

namespace {
std::string os_error(const std::string& what, const std::filesystem::path& p) {
  return what + " '" + p.string() + "': " + std::strerror(errno);
}
}  // namespace

MappedFile::MappedFile(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw IoError(os_error("cannot open", path));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const std::string msg = os_error("cannot stat", path);
    ::close(fd);
    throw IoError(msg);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    throw IoError("cannot read '" + path.string() + "': not a regular file");
  }
  size_ = static_cast<std::size_t>(st.st_size);
  if (size_ > 0) {
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (p == MAP_FAILED) {
      const std::string msg = os_error("cannot map", path);
      ::close(fd);
      throw IoError(msg);
    }
    ::madvise(p, size_, MADV_SEQUENTIAL);
    ptr_ = p;
  }
  ::close(fd);
}

MappedFile::~MappedFile() {
  if (ptr_ != nullptr) ::munmap(ptr_, size_);
}

std::string read_text_file(const std::filesystem::path& path, std::size_t max_bytes) {
  MappedFile f(path);
  if (f.bytes().size() > max_bytes)
    throw FormatError("'" + path.string() + "': " + std::to_string(f.bytes().size()) +
                      " bytes; a header/companion file is expected to be at most " +
                      std::to_string(max_bytes));
  return {reinterpret_cast<const char*>(f.bytes().data()), f.bytes().size()};
}

bool file_exists(const std::filesystem::path& p) {
  std::error_code ec;
  return std::filesystem::is_regular_file(p, ec);
}

std::filesystem::path sibling(const std::filesystem::path& base, std::string_view ext) {
  std::string up(ext), lo(ext);
  for (auto& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (auto& c : lo) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& e : {up, lo}) {
    auto p = base;
    p.replace_extension("." + e);
    if (file_exists(p)) return p;
  }
  auto p = base;
  p.replace_extension("." + up);
  return p;
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
  const double lat_deg = std::floor(lat / 100) + std::fmod(lat, 100) / 60;
  const double lon_deg = std::floor(lon / 100) + std::fmod(lon, 100) / 60;
  fix.lat_deg = f[3] == "S" ? -lat_deg : lat_deg;
  fix.lon_deg = f[5] == "W" ? -lon_deg : lon_deg;
  fix.alt_m = parse_double(f[9], alt) ? alt : 0.0;
  return true;
}

void store_gps(std::map<std::string, std::string>& raw, const std::vector<double>& trace,
               const std::vector<GpsFix>& fixes, const std::string& source) {
  std::vector<double> la, lo, al;
  for (const auto& g : fixes) {
    la.push_back(g.lat_deg);
    lo.push_back(g.lon_deg);
    al.push_back(g.alt_m);
  }
  raw["gps_source"] = source;
  raw["gps_trace"] = join(trace);
  raw["gps_latitude_deg"] = join(la);
  raw["gps_longitude_deg"] = join(lo);
  raw["gps_altitude_m"] = join(al);
}

void write_file(const std::filesystem::path& path, std::span<const std::uint8_t> bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) throw IoError(os_error("cannot create", path));
  const std::size_t n = bytes.empty() ? 0 : std::fwrite(bytes.data(), 1, bytes.size(), f);
  const bool ok = n == bytes.size();
  const std::string msg = ok ? std::string() : os_error("cannot write", path);
  if (std::fclose(f) != 0 && ok) throw IoError(os_error("cannot write", path));
  if (!ok) throw IoError(msg);
}

void write_text(const std::filesystem::path& path, std::string_view text) {
  write_file(path, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
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
