#include "fft_wisdom.h"

#include <fftw3.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <system_error>
#include <vector>

#if defined(_WIN32)
#include <process.h>
#else
#include <sys/stat.h>
#include <unistd.h>
#endif

#include "gprkit/core/fft.h"

// Why: FFTW_ESTIMATE planning costs 0.5-2 ms a size (3-9 ms for a kernel's first call, which
// makes several plans), against ~0.05 ms to replay the same plan from wisdom. Wisdom made by
// FFTW_ESTIMATE plans replays exactly those plans, so the numbers do not change. Wisdom made
// by a patient planner (FFTW_MEASURE, say a file of another program named by
// GPRKIT_FFTW_WISDOM) would be replayed too and change the numbers, so only FFTW_ESTIMATE
// entries are read from or written to the file (estimate_only).
//
// The file is a cache: it is written without fsync (a save follows every new plan, and an
// fsync costs milliseconds on a disk). After a crash it may be empty or torn; such a file
// fails estimate_only, is ignored, and the next process that plans replaces it.

namespace gprkit::fft {
namespace {

namespace fs = std::filesystem;

// What a file looked like when this process last read or wrote it: a rename-replaced file
// is another inode (POSIX) with a new modification time, so an unchanged stamp means
// nothing to merge. (A missed change only loses the other process's entries: a replan.)
struct Stamp {
  std::uintmax_t size = 0;
  fs::file_time_type time{};
  unsigned long long inode = 0, device = 0;
  bool operator==(const Stamp&) const = default;
};

struct State {
  bool tried = false;
  bool loaded = false;
  bool stopped = false;  // the path is not a regular file, or a write failed: no more saves
  std::size_t saves = 0;
  std::string path;   // empty: wisdom off
  std::string known;  // the filtered wisdom last written: nothing new when equal
  std::optional<Stamp> stamp;
};

State& state() {
  static State s;
  return s;
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

// The platform's per-user cache folder: XDG on Linux, ~/Library/Caches on macOS,
// %LOCALAPPDATA% on Windows.
fs::path cache_folder() {
#if defined(_WIN32)
  const std::string local = env("LOCALAPPDATA");
  return local.empty() ? fs::path() : fs::path(local) / "gprkit" / "cache";
#elif defined(__APPLE__)
  const std::string home = env("HOME");
  return home.empty() ? fs::path() : fs::path(home) / "Library" / "Caches" / "gprkit";
#else
  const std::string xdg = env("XDG_CACHE_HOME");
  if (!xdg.empty() && fs::path(xdg).is_absolute()) return fs::path(xdg) / "gprkit";
  const std::string home = env("HOME");
  return home.empty() ? fs::path() : fs::path(home) / ".cache" / "gprkit";
#endif
}

// Wisdom names SIMD codelets: keep one file per FFTW build and instruction set, so a home
// folder shared by machines of different CPUs never replays a plan made for another (FFTW
// would find it inapplicable, forget all wisdom and plan afresh: slow, not wrong).
std::string isa() {
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return "avx512";
  if (__builtin_cpu_supports("avx2")) return "avx2";
  if (__builtin_cpu_supports("avx")) return "avx";
  return "sse2";
#else
  return "generic";
#endif
}

std::string resolve_path() {
  const char* set = std::getenv("GPRKIT_FFTW_WISDOM");
  if (set != nullptr) {
    const std::string v(set);
    if (v.empty() || v == "0" || v == "off" || v == "OFF") return {};
    return v;
  }
  const fs::path dir = cache_folder();
  if (dir.empty()) return {};
  char tag[17];
  std::snprintf(tag, sizeof tag, "%016zx", std::hash<std::string>{}(fftwf_version));
  return (dir / ("fftwf-" + std::string(tag) + "-" + isa() + ".wisdom")).string();
}

std::optional<Stamp> stamp_of(const std::string& path) {
  std::error_code ec;
  Stamp st;
  st.size = fs::file_size(path, ec);
  if (ec) return std::nullopt;
  st.time = fs::last_write_time(path, ec);
  if (ec) return std::nullopt;
#if !defined(_WIN32)
  struct ::stat sb {};
  if (::stat(path.c_str(), &sb) != 0) return std::nullopt;
  st.inode = static_cast<unsigned long long>(sb.st_ino);
  st.device = static_cast<unsigned long long>(sb.st_dev);
#endif
  return st;
}

// Imports the FFTW_ESTIMATE entries of the file into FFTW's wisdom and remembers the stamp;
// returns how many it held (0: absent, unusable or foreign). The text read is kept in
// *filtered when given.
std::size_t merge_file(State& s, std::string* filtered = nullptr) {
  s.stamp = stamp_of(s.path);  // before reading: a newer file only means one more merge
  const auto text = wisdom::read_file(s.path);
  if (!text) return 0;
  const auto f = wisdom::estimate_only(*text);
  if (!f || fftwf_import_wisdom_from_string(f->text.c_str()) == 0) return 0;
  if (filtered) *filtered = f->text;
  return f->entries;
}

std::string unique_tag() {
  static const unsigned long long process_tag = [] {
    unsigned long long r = 0;
    try {
      std::random_device rd;
      r = (static_cast<unsigned long long>(rd()) << 32) ^ rd();
    } catch (...) {
      r = static_cast<unsigned long long>(
          std::chrono::steady_clock::now().time_since_epoch().count());
    }
#if defined(_WIN32)
    return r ^ static_cast<unsigned long long>(_getpid());
#else
    return r ^ static_cast<unsigned long long>(getpid());
#endif
  }();
  static std::atomic<unsigned> serial{0};
  return std::to_string(process_tag) + "." + std::to_string(serial.fetch_add(1));
}

std::string_view trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Splits s at spaces into at most N tokens; returns the count, or N + 1 when there are more.
template <std::size_t N>
std::size_t split(std::string_view s, std::string_view (&out)[N]) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = s.find_first_not_of(' ', i);
    if (b == std::string_view::npos) break;
    if (n == N) return N + 1;
    const auto e = std::min(s.find(' ', b), s.size());
    out[n++] = s.substr(b, e - b);
    i = e;
  }
  return n;
}

// C stdio rather than iostreams: a process's first fstream costs ~0.2 ms (locale set-up),
// as much as importing a small wisdom file.
struct File {
  std::FILE* f = nullptr;
  File(const fs::path& p, bool write) {
#if defined(_WIN32)
    f = _wfopen(p.c_str(), write ? L"wb" : L"rb");
#else
    f = std::fopen(p.c_str(), write ? "wb" : "rb");
#endif
  }
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  ~File() {
    if (f) std::fclose(f);
  }
  bool close() {
    const bool ok = f != nullptr && std::fclose(f) == 0;
    f = nullptr;
    return ok;
  }
};

bool hex(std::string_view tok, unsigned& v) {
  if (tok.size() < 3 || tok.substr(0, 2) != "#x") return false;
  const auto [p, ec] = std::from_chars(tok.data() + 2, tok.data() + tok.size(), v, 16);
  return ec == std::errc() && p == tok.data() + tok.size();
}

}  // namespace

namespace wisdom {

std::optional<Filtered> estimate_only(std::string_view text) {
  std::vector<std::string_view> lines;
  for (std::size_t i = 0; i <= text.size();) {
    auto e = text.find('\n', i);
    if (e == std::string_view::npos) e = text.size();
    if (auto line = trim(text.substr(i, e - i)); !line.empty()) lines.push_back(line);
    i = e + 1;
  }
  // "(fftw-3.3.10 fftwf_wisdom #x.. #x.. #x.. #x.." ... ")"
  if (lines.size() < 2 || lines.back() != ")") return std::nullopt;
  std::string_view head[6];
  unsigned v = 0;
  if (split(lines.front(), head) != 6 || head[0].substr(0, 7) != "(fftw-3" ||
      head[1] != "fftwf_wisdom")
    return std::nullopt;
  for (std::size_t k = 2; k < 6; ++k)
    if (!hex(head[k], v)) return std::nullopt;
  std::vector<std::string_view> kept;
  for (std::size_t i = 1; i + 1 < lines.size(); ++i) {
    // "(solver reg_id #x<l> #x<u> #x<time limit> #x<md5> #x<md5> #x<md5> #x<md5>)"
    const std::string_view line = lines[i];
    if (line.size() < 3 || line.front() != '(' || line.back() != ')') return std::nullopt;
    std::string_view tok[9];
    if (split(line.substr(1, line.size() - 2), tok) != 9) return std::nullopt;
    int id = 0;
    if (std::from_chars(tok[1].data(), tok[1].data() + tok[1].size(), id).ptr !=
        tok[1].data() + tok[1].size())
      return std::nullopt;
    unsigned f[7];
    for (std::size_t k = 0; k < 7; ++k)
      if (!hex(tok[2 + k], f[k])) return std::nullopt;
    const bool estimate = (f[0] & kEstimateFlags) == kEstimateFlags &&
                          (f[1] & kEstimateFlags) == kEstimateFlags && f[2] == 0;
    if (estimate) kept.push_back(line);
  }
  std::sort(kept.begin(), kept.end());
  kept.erase(std::unique(kept.begin(), kept.end()), kept.end());
  Filtered out;
  out.entries = kept.size();
  out.text.reserve(text.size());
  out.text.append(lines.front()).append("\n");
  for (const auto& line : kept) out.text.append("  ").append(line).append("\n");
  out.text.append(")\n");
  return out;
}

// One pass of the exporter (fftwf_export_wisdom_to_string makes two, and each hashes FFTW's
// whole solver table: ~0.25 ms a pass).
std::optional<std::string> own_wisdom() {
  std::string text;
  text.reserve(std::size_t{1} << 14);
  fftwf_export_wisdom([](char ch, void* out) { static_cast<std::string*>(out)->push_back(ch); },
                      &text);
  auto f = estimate_only(text);
  if (!f) return std::nullopt;
  return std::move(f->text);
}

std::optional<std::string> read_file(const std::string& path) noexcept {
  try {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return std::nullopt;  // absent, a folder, a device
    File in(path, false);
    if (!in.f) return std::nullopt;
    // Read to the end rather than trust a size taken earlier: another process may have
    // renamed a new file over the path meanwhile (this handle keeps the one it opened).
    std::string text;
    char buf[1 << 14];
    for (std::size_t got; (got = std::fread(buf, 1, sizeof buf, in.f)) > 0;) {
      text.append(buf, got);
      if (text.size() > kMaxBytes) return std::nullopt;
    }
    if (std::ferror(in.f)) return std::nullopt;
    return text;
  } catch (...) {
    return std::nullopt;
  }
}

bool write_atomically(const std::string& path, std::string_view text) noexcept {
  try {
    std::error_code ec;
    const fs::path target(path);
    if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
    // A name no other process or call uses: a per-process random tag and a serial number.
    const fs::path tmp = target.string() + "." + unique_tag() + ".tmp";
    {
      File out(tmp, true);
      if (!out.f) return false;  // a read-only or missing folder: nothing was created
      const bool ok = std::fwrite(text.data(), 1, text.size(), out.f) == text.size();
      if (!out.close() || !ok) {
        fs::remove(tmp, ec);  // a full disk: drop the partial file
        return false;
      }
    }
    fs::rename(tmp, target, ec);
    if (ec) {
      fs::remove(tmp, ec);
      return false;
    }
    return true;
  } catch (...) {
    return false;
  }
}

void load_once() noexcept {
  State& s = state();
  if (s.tried) return;
  s.tried = true;
  try {
    s.path = resolve_path();
    if (s.path.empty()) return;
    std::error_code ec;
    // A symbolic link is followed, so the rename replaces the file it names, not the link.
    if (fs::is_symlink(s.path, ec)) {
      const fs::path real = fs::canonical(s.path, ec);
      if (!ec) s.path = real.string();
    }
    // /dev/null, a folder, a pipe: never read it, never rename over it.
    if (fs::exists(s.path, ec) && !fs::is_regular_file(s.path, ec)) {
      s.stopped = true;
      return;
    }
    s.loaded = merge_file(s) > 0;
  } catch (...) {
    s.stopped = true;
  }
}

void save() noexcept {
  State& s = state();
  if (s.path.empty() || s.stopped) return;
  try {
    auto now = own_wisdom();
    if (!now || *now == s.known) return;  // nothing new since the last write
    // Keep what other processes added since this one last read or wrote the file.
    std::string in_file;
    if (stamp_of(s.path) != s.stamp) {
      merge_file(s, &in_file);
      now = own_wisdom();
      if (!now) return;
    }
    if (*now != in_file) {
      if (!write_atomically(s.path, *now)) {
        s.stopped = true;  // a read-only or full folder: plans are made as before
        return;
      }
      s.stamp = stamp_of(s.path);
      ++s.saves;
    }
    s.known = std::move(*now);
  } catch (...) {
    s.stopped = true;
  }
}

WisdomInfo info() noexcept {
  load_once();
  const State& s = state();
  try {
    return {s.path, s.loaded, s.saves};
  } catch (...) {
    return {};
  }
}

}  // namespace wisdom

}  // namespace gprkit::fft
