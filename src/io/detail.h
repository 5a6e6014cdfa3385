// Internal helpers shared by the format readers and writers (not installed).
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gprkit/core/bscan.h"
#include "gprkit/core/error.h"

namespace gprkit::io::detail {

using Bytes = std::span<const std::uint8_t>;

/// Refuses a path with an embedded NUL byte (InvalidArgument naming it): the OS would see the
/// shorter name before the NUL and read or replace another file.
void check_path(const std::filesystem::path& path);
/// Refuses anything but an existing regular file (IoError naming the path and what it is), by
/// stat before any open: opening a FIFO blocks until a writer appears.
void check_regular_file(const std::filesystem::path& path);

/// A regular file open for reads at any offset (pread), opened as FileBytes opens it (never
/// blocking on a FIFO): for formats read piecewise, without loading the whole file.
class RandomAccessFile {
 public:
  explicit RandomAccessFile(const std::filesystem::path& path);
  ~RandomAccessFile();
  RandomAccessFile(const RandomAccessFile&) = delete;
  RandomAccessFile& operator=(const RandomAccessFile&) = delete;
  std::uint64_t size() const { return size_; }
  /// Reads n bytes at `offset`; false when they are not all in the file or the read fails.
  bool read_at(std::uint64_t offset, std::size_t n, std::uint8_t* out) const;

 private:
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

/// A whole file read into memory with pread (no mapping: a file truncated by another process
/// while it is read gives FormatError, not SIGBUS). FIFOs, directories, devices and sockets are
/// refused before opening (IoError); a file larger than max_bytes gives FormatError naming
/// `what`; a file that shrinks while read gives FormatError. The buffer is section memory
/// (src/core/section_memory.h): a large file read after another reuses its faulted-in block.
class FileBytes {
 public:
  explicit FileBytes(const std::filesystem::path& path, std::size_t max_bytes = SIZE_MAX,
                     std::string_view what = "file");
  Bytes bytes() const { return {data_.get(), size_}; }

 private:
  struct Free {
    void operator()(std::uint8_t* p) const noexcept;
  };
  std::unique_ptr<std::uint8_t[], Free> data_;
  std::size_t size_ = 0;
};
/// The first min(n, file size) bytes of a file (same checks as FileBytes), for sniffing.
std::vector<std::uint8_t> read_prefix(const std::filesystem::path& path, std::size_t n);

/// Whole text file (companion headers): IoError when unreadable, FormatError when larger
/// than max_bytes (a header file is small; a huge one is not a header).
std::string read_text_file(const std::filesystem::path& path, std::size_t max_bytes = 1 << 20);
/// Something is at `p` (of any type: a FIFO companion is then refused when read, not skipped).
bool path_exists(const std::filesystem::path& p);
/// `ext` (no dot) spelled in the letter case of `model` (an extension, with or without the dot),
/// letter by letter, the last letter's case continuing: ("HD", ".Dt1") -> "Hd", ("RAD", "rd3")
/// -> "rad", ("JSON", ".NPY") -> "JSON".
std::string case_like(std::string_view ext, std::string_view model);
/// Companion of `base` with another extension: the first that exists of `ext` in the case of
/// base's extension (case_like), upper case, lower case; the first of these when none exists.
std::filesystem::path sibling(const std::filesystem::path& base, std::string_view ext);
/// Same with `."ext"` appended to the whole name (line.npy -> line.npy.json).
std::filesystem::path sidecar(const std::filesystem::path& base, std::string_view ext);

/// Throws FormatError("<format>: <what>").
[[noreturn]] void fail(std::string_view format, const std::string& what);

// ---- bounded little/big-endian access ------------------------------------------
inline void need(Bytes b, std::size_t off, std::size_t n, std::string_view format,
                 std::string_view what) {
  if (off > b.size() || n > b.size() - off)
    fail(format, "file truncated: " + std::string(what) + " needs bytes [" + std::to_string(off) +
                     ", " + std::to_string(off + n) + ") but the file has " +
                     std::to_string(b.size()));
}
template <class T>
T load_le(const std::uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;  // the library targets little-endian hosts (x86-64, aarch64)
}
template <class T>
T load_be(const std::uint8_t* p) {
  std::uint8_t tmp[sizeof(T)];
  for (std::size_t i = 0; i < sizeof(T); ++i) tmp[i] = p[sizeof(T) - 1 - i];
  T v;
  std::memcpy(&v, tmp, sizeof(T));
  return v;
}
template <class T>
void store_le(std::uint8_t* p, T v) {
  std::memcpy(p, &v, sizeof(T));
}
template <class T>
void store_be(std::uint8_t* p, T v) {
  std::uint8_t tmp[sizeof(T)];
  std::memcpy(tmp, &v, sizeof(T));
  for (std::size_t i = 0; i < sizeof(T); ++i) p[i] = tmp[sizeof(T) - 1 - i];
}

// ---- sample conversion (parallel over traces, identical for any thread count) -----
enum class SampleType { u8, i8, u16, i16, u32, i32, f32, f64, ibm32 };
std::size_t sample_bytes(SampleType t);
/// Converts n_traces traces of n_samples samples each into `out` (column-major). Trace j's
/// first sample is at src + j * trace_stride_bytes; samples are contiguous. `offset` is
/// added after conversion (e.g. -32768 to centre unsigned 16-bit data). big_endian selects
/// the byte order.
void convert_traces(const std::uint8_t* src, std::size_t trace_stride_bytes, SampleType type,
                    bool big_endian, double offset, std::ptrdiff_t n_samples,
                    std::ptrdiff_t n_traces, float* out);
float ibm_to_float(std::uint32_t ibm);
std::uint32_t float_to_ibm(float f);

// ---- text ------------------------------------------------------------------------
/// Shortest text that reads back to the same double (std::to_chars).
std::string num(double v);
std::string num(long long v);
/// Parses a whole (trimmed) string as a double; false if it is not a finite number.
bool parse_double(std::string_view s, double& out);
/// Parses the leading number of s ("12.39V" -> 12.39); false if none.
bool parse_leading_double(std::string_view s, double& out);
std::string_view trim(std::string_view s);
std::string to_upper(std::string_view s);
std::string lower_ext(const std::filesystem::path& p);
/// Splits on '\n' (dropping '\r').
std::vector<std::string_view> lines(std::string_view text);
/// `KEY: value` header lines (MALA .rad, ImpulseRadar .iprh): keys trimmed and upper-cased,
/// values trimmed; lines without a colon are skipped, a repeated key keeps its last value.
std::map<std::string, std::string> colon_fields(std::string_view text);
/// Comma-separated list of doubles (exact round trip) and back.
std::string join(const std::vector<double>& v);
std::vector<double> split_doubles(std::string_view s);
/// Leading digits of an antenna name as MHz ("400MHz" -> 400, "500_shielded" -> 500); 0 if none.
double leading_mhz(std::string_view name);

// ---- GPS (NMEA $GPGGA) --------------------------------------------------------------
struct GpsFix {
  double lat_deg = 0, lon_deg = 0, alt_m = 0;
};
/// Parses a $xxGGA sentence with a fix; false when it is not one or has no position.
bool parse_gga(std::string_view line, GpsFix& fix);
/// Stores per-trace GPS fixes in raw (gps_trace, gps_latitude_deg, gps_longitude_deg,
/// gps_altitude_m, comma-separated, one entry per fix).
void store_gps(std::map<std::string, std::string>& raw, const std::vector<double>& trace,
               const std::vector<GpsFix>& fixes, const std::filesystem::path& source);
/// Reads a MALA / ImpulseRadar .cor companion (one fix a line: trace number from 1, date,
/// time, latitude, N/S, longitude, E/W, altitude, unit, quality; tab or space separated) and
/// stores its fixes with store_gps; lines that are not fixes are skipped.
void read_cor_gps(const std::filesystem::path& cor, std::map<std::string, std::string>& raw);
/// `s` with every byte that is not part of valid UTF-8 written as \xNN (file names in raw text).
std::string utf8_escaped(std::string_view s);

// ---- output ------------------------------------------------------------------------
/// A set of files written all or nothing (a file and its companions). add() writes each to a
/// temporary ".<name>.gprkit-tmp-XXXXXX" in the target's folder (mode 0666 & ~umask, or the
/// replaced file's mode) and fsyncs it; commit() renames them all into place and fsyncs the
/// folders. Any failure before commit (IoError), or destruction without commit, removes the
/// temporaries and leaves the old files exactly as they were.
class AtomicFileSet {
 public:
  AtomicFileSet() = default;
  AtomicFileSet(const AtomicFileSet&) = delete;
  AtomicFileSet& operator=(const AtomicFileSet&) = delete;
  ~AtomicFileSet();
  void add(const std::filesystem::path& target, std::span<const std::uint8_t> bytes);
  void add_text(const std::filesystem::path& target, std::string_view text);
  void commit();

 private:
  struct Entry {
    std::filesystem::path target, temp;
  };
  std::vector<Entry> entries_;
};
/// True when every sample is an integer in [lo, hi].
bool all_integers_in(const Bscan& b, double lo, double hi);

}  // namespace gprkit::io::detail
