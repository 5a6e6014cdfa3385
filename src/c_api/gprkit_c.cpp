// The C API (include/gprkit/gprkit.h) over the C++ library. Every entry point is noexcept in
// effect: exceptions become a status and a thread-local message.
#include <algorithm>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "gprkit/core/bscan.h"
#include "gprkit/core/error.h"
#include "gprkit/core/version.h"
#include "gprkit/gprkit.h"
#include "gprkit/io/read.h"
#include "gprkit/pipeline/pipeline.h"
#include "gprkit/stream/stream.h"

namespace {

// Tags at offset 0 of each handle (arbitrary values, one per kind); kDeadTag is written on
// destroy.
constexpr std::uint64_t kStreamTag = 0x67707273747265a1ull;
constexpr std::uint64_t kBscanTag = 0x67707262736361b2ull;
constexpr std::uint64_t kDeadTag = 0xdeadbeefdeadbeefull;

// A fixed buffer: reporting a failure must not itself allocate (it may report bad_alloc).
constexpr std::size_t kMessageSize = 4096;
thread_local char t_last_error[kMessageSize] = "";

#if defined(__GNUC__)
#define GPRKIT_PRINTF_LIKE __attribute__((format(printf, 3, 4)))
#else
#define GPRKIT_PRINTF_LIKE
#endif
gprkit_status fail(gprkit_status status, const char* fn, const char* format,
                   ...) GPRKIT_PRINTF_LIKE;

gprkit_status fail(gprkit_status status, const char* fn, const char* format, ...) {
  int n = std::snprintf(t_last_error, kMessageSize, "%s: ", fn);
  if (n < 0) n = 0;
  if (static_cast<std::size_t>(n) < kMessageSize) {
    va_list args;
    va_start(args, format);
    std::vsnprintf(t_last_error + n, kMessageSize - static_cast<std::size_t>(n), format, args);
    va_end(args);
  }
  return status;
}

gprkit_status null_argument(const char* fn, const char* arg) {
  return fail(GPRKIT_INVALID_ARGUMENT, fn, "argument '%s' is NULL", arg);
}

// Runs f, turning every exception into a status (nothing may unwind into C).
template <class F>
gprkit_status guarded(const char* fn, F&& f) noexcept {
  try {
    return f();
  } catch (const gprkit::InvalidArgument& e) {
    return fail(GPRKIT_INVALID_ARGUMENT, fn, "%s", e.what());
  } catch (const gprkit::FormatError& e) {
    return fail(GPRKIT_FORMAT_ERROR, fn, "%s", e.what());
  } catch (const gprkit::IoError& e) {
    return fail(GPRKIT_IO_ERROR, fn, "%s", e.what());
  } catch (const std::filesystem::filesystem_error& e) {
    return fail(GPRKIT_IO_ERROR, fn, "%s", e.what());
  } catch (const std::bad_alloc&) {
    return fail(GPRKIT_INTERNAL_ERROR, fn, "out of memory");
  } catch (const std::exception& e) {
    return fail(GPRKIT_INTERNAL_ERROR, fn, "internal error: %s", e.what());
  } catch (...) {
    return fail(GPRKIT_INTERNAL_ERROR, fn, "internal error: unknown exception");
  }
}

// Reads the tag with memcpy: a foreign pointer need not be aligned for a uint64_t.
std::uint64_t tag_of(const void* p) {
  std::uint64_t t = 0;
  std::memcpy(&t, p, sizeof t);
  return t;
}

}  // namespace

// The handles hold the tag and a pointer to the C++ object: standard layout, so the tag is
// at offset 0 whatever the C++ classes look like.
struct gprkit_stream {
  std::uint64_t tag;
  gprkit::StreamProcessor* proc;
};

struct gprkit_bscan {
  std::uint64_t tag;
  gprkit::Bscan* bscan;
};

// The tag must be the first bytes of the handle for tag_of().
static_assert(std::is_standard_layout_v<gprkit_stream> && std::is_standard_layout_v<gprkit_bscan>);
static_assert(sizeof(gprkit_stream_config) == GPRKIT_STREAM_CONFIG_V1_SIZE);
static_assert(sizeof(gprkit_alarm) == 40);

namespace {

gprkit_status check_handle(const char* fn, const char* arg, const void* h, std::uint64_t tag,
                           const char* kind) {
  if (h == nullptr) return null_argument(fn, arg);
  if (tag_of(h) != tag)
    return fail(GPRKIT_STATE_ERROR, fn, "argument '%s' is a destroyed or foreign handle (not a %s)",
                arg, kind);
  return GPRKIT_OK;
}

gprkit_status check_stream(const char* fn, const gprkit_stream* s) {
  return check_handle(fn, "stream", s, kStreamTag, "gprkit_stream");
}

gprkit_status check_bscan(const char* fn, const gprkit_bscan* b) {
  return check_handle(fn, "bscan", b, kBscanTag, "gprkit_bscan");
}

// Wraps a new C++ object in a handle (both freed together by kill()).
template <class H, class T>
H* make_handle(std::uint64_t tag, std::unique_ptr<T> object) {
  H* h = new H{tag, object.get()};
  object.release();
  return h;
}

// Overwrites the tag before freeing; volatile so the store is not dropped as dead.
template <class H>
void kill(H* h, auto* object) {
  *reinterpret_cast<volatile std::uint64_t*>(&h->tag) = kDeadTag;
  delete object;
  delete h;
}

// StreamConfig's default, read once; building a StreamConfig parses the default chain, which
// must not throw into gprkit_stream_config_default (it has no status to report with).
int64_t default_alarm_capacity() noexcept {
  try {
    static const auto capacity = static_cast<int64_t>(gprkit::StreamConfig{}.alarm_capacity);
    return capacity;
  } catch (...) {
    return 4096;
  }
}

gprkit_stream_config default_config() noexcept {
  gprkit_stream_config c;
  const gprkit::Header h;
  c.struct_size = static_cast<int64_t>(sizeof(gprkit_stream_config));
  c.n_samples = 0;
  c.dt_ns = h.dt_ns;
  c.dx_m = h.dx_m;
  c.t0_ns = h.t0_ns;
  c.antenna_height_m = h.antenna_height_m;
  c.antenna_separation_m = h.antenna_separation_m;
  c.centre_frequency_mhz = h.centre_frequency_mhz;
  c.alarm_capacity = default_alarm_capacity();
  return c;
}

// Builds the stream (the caller has checked out != NULL and set *out = NULL).
gprkit_status make_stream(const char* fn, const char* pipeline_json, const gprkit_stream_config& c,
                          gprkit_stream** out) {
  if (c.n_samples <= 0)
    return fail(GPRKIT_INVALID_ARGUMENT, fn, "n_samples is %lld (expected > 0)",
                static_cast<long long>(c.n_samples));
  if (c.alarm_capacity <= 0)
    return fail(GPRKIT_INVALID_ARGUMENT, fn, "alarm_capacity is %lld (expected > 0)",
                static_cast<long long>(c.alarm_capacity));
  if constexpr (sizeof(int64_t) > sizeof(std::ptrdiff_t)) {
    if (c.n_samples > std::numeric_limits<std::ptrdiff_t>::max())
      return fail(GPRKIT_INVALID_ARGUMENT, fn, "n_samples is too large");
  }
  return guarded(fn, [&] {
    gprkit::StreamConfig sc;
    sc.n_samples = static_cast<std::ptrdiff_t>(c.n_samples);
    sc.header.dt_ns = c.dt_ns;
    sc.header.dx_m = c.dx_m;
    sc.header.t0_ns = c.t0_ns;
    sc.header.antenna_height_m = c.antenna_height_m;
    sc.header.antenna_separation_m = c.antenna_separation_m;
    sc.header.centre_frequency_mhz = c.centre_frequency_mhz;
    sc.alarm_capacity = static_cast<std::size_t>(c.alarm_capacity);
    const gprkit::Pipeline p = pipeline_json ? gprkit::Pipeline::from_json(pipeline_json)
                                             : gprkit::landmine_stream_pipeline();
    sc.detect = gprkit::stream_options(p);
    *out = make_handle<gprkit_stream>(kStreamTag,
                                      std::make_unique<gprkit::StreamProcessor>(std::move(sc)));
    return GPRKIT_OK;
  });
}

/// A count read off a stream into *out (the shared shape of the stream's getters).
template <class Get>
gprkit_status stream_count(const char* fn, const gprkit_stream* stream, int64_t* out,
                           const char* out_name, Get&& get) {
  if (const gprkit_status s = check_stream(fn, stream)) return s;
  if (out == nullptr) return null_argument(fn, out_name);
  *out = static_cast<int64_t>(get(*stream->proc));
  return GPRKIT_OK;
}

}  // namespace

extern "C" {

// ---- library -------------------------------------------------------------------------------

const char* gprkit_version(void) { return gprkit::version(); }

int gprkit_abi_version(void) { return GPRKIT_ABI_VERSION; }

const char* gprkit_last_error(void) { return t_last_error; }

const char* gprkit_status_name(gprkit_status status) {
  // A C caller may pass any int: read it as its bytes, since loading an out-of-range value as
  // the enum type is what UBSan (and C++) call undefined.
  int code = 0;
  static_assert(sizeof(code) == sizeof(status));
  std::memcpy(&code, &status, sizeof(code));
  switch (code) {
    case GPRKIT_OK:
      return "GPRKIT_OK";
    case GPRKIT_INVALID_ARGUMENT:
      return "GPRKIT_INVALID_ARGUMENT";
    case GPRKIT_FORMAT_ERROR:
      return "GPRKIT_FORMAT_ERROR";
    case GPRKIT_IO_ERROR:
      return "GPRKIT_IO_ERROR";
    case GPRKIT_STATE_ERROR:
      return "GPRKIT_STATE_ERROR";
    case GPRKIT_INTERNAL_ERROR:
      return "GPRKIT_INTERNAL_ERROR";
  }
  return "unknown status";
}

// ---- files ---------------------------------------------------------------------------------

gprkit_status gprkit_read(const char* path, int channel, gprkit_bscan** out) {
  constexpr const char* fn = "gprkit_read";
  if (out == nullptr) return null_argument(fn, "out");
  *out = nullptr;
  if (path == nullptr) return null_argument(fn, "path");
  if (channel < 0)
    return fail(GPRKIT_INVALID_ARGUMENT, fn, "channel is %d (expected >= 0)", channel);
  return guarded(fn, [&] {
    std::vector<gprkit::Bscan> channels = gprkit::io::read(path);
    if (static_cast<std::size_t>(channel) >= channels.size())
      return fail(GPRKIT_INVALID_ARGUMENT, fn, "channel %d is not in '%s' (it has %zu channel(s))",
                  channel, path, channels.size());
    *out = make_handle<gprkit_bscan>(
        kBscanTag,
        std::make_unique<gprkit::Bscan>(std::move(channels[static_cast<std::size_t>(channel)])));
    return GPRKIT_OK;
  });
}

gprkit_status gprkit_read_channel_count(const char* path, int* n_channels) {
  constexpr const char* fn = "gprkit_read_channel_count";
  if (path == nullptr) return null_argument(fn, "path");
  if (n_channels == nullptr) return null_argument(fn, "n_channels");
  return guarded(fn, [&] {
    *n_channels = static_cast<int>(gprkit::io::read(path).size());
    return GPRKIT_OK;
  });
}

gprkit_status gprkit_bscan_info(const gprkit_bscan* bscan, int64_t* n_samples, int64_t* n_traces,
                                double* dt_ns, double* dx_m) {
  constexpr const char* fn = "gprkit_bscan_info";
  if (const gprkit_status s = check_bscan(fn, bscan)) return s;
  if (n_samples == nullptr) return null_argument(fn, "n_samples");
  if (n_traces == nullptr) return null_argument(fn, "n_traces");
  if (dt_ns == nullptr) return null_argument(fn, "dt_ns");
  if (dx_m == nullptr) return null_argument(fn, "dx_m");
  const gprkit::Bscan& b = *bscan->bscan;
  *n_samples = b.n_samples();
  *n_traces = b.n_traces();
  *dt_ns = b.header().dt_ns;
  *dx_m = b.header().dx_m;
  return GPRKIT_OK;
}

gprkit_status gprkit_bscan_header(const gprkit_bscan* bscan, double* t0_ns,
                                  double* antenna_height_m, double* antenna_separation_m,
                                  double* centre_frequency_mhz) {
  constexpr const char* fn = "gprkit_bscan_header";
  if (const gprkit_status s = check_bscan(fn, bscan)) return s;
  if (t0_ns == nullptr) return null_argument(fn, "t0_ns");
  if (antenna_height_m == nullptr) return null_argument(fn, "antenna_height_m");
  if (antenna_separation_m == nullptr) return null_argument(fn, "antenna_separation_m");
  if (centre_frequency_mhz == nullptr) return null_argument(fn, "centre_frequency_mhz");
  const gprkit::Header& h = bscan->bscan->header();
  *t0_ns = h.t0_ns;
  *antenna_height_m = h.antenna_height_m;
  *antenna_separation_m = h.antenna_separation_m;
  *centre_frequency_mhz = h.centre_frequency_mhz;
  return GPRKIT_OK;
}

const float* gprkit_bscan_data(const gprkit_bscan* bscan) {
  if (check_bscan("gprkit_bscan_data", bscan) != GPRKIT_OK) return nullptr;
  return bscan->bscan->data();
}

void gprkit_bscan_destroy(gprkit_bscan* bscan) {
  if (bscan == nullptr) return;
  if (check_bscan("gprkit_bscan_destroy", bscan) != GPRKIT_OK) return;
  kill(bscan, bscan->bscan);
}

// ---- streams -------------------------------------------------------------------------------

gprkit_stream_config gprkit_stream_config_default(void) { return default_config(); }

gprkit_status gprkit_stream_create(const char* pipeline_json, int64_t n_samples, double dt_ns,
                                   double dx_m, gprkit_stream** out) {
  constexpr const char* fn = "gprkit_stream_create";
  if (out == nullptr) return null_argument(fn, "out");
  *out = nullptr;
  gprkit_stream_config c = default_config();
  c.n_samples = n_samples;
  c.dt_ns = dt_ns;
  c.dx_m = dx_m;
  return make_stream(fn, pipeline_json, c, out);
}

gprkit_status gprkit_stream_create_ex(const char* pipeline_json, const gprkit_stream_config* config,
                                      gprkit_stream** out) {
  constexpr const char* fn = "gprkit_stream_create_ex";
  if (out == nullptr) return null_argument(fn, "out");
  *out = nullptr;
  if (config == nullptr) return null_argument(fn, "config");
  if (config->struct_size < GPRKIT_STREAM_CONFIG_V1_SIZE)
    return fail(GPRKIT_INVALID_ARGUMENT, fn,
                "config->struct_size is %lld (expected >= %d: set it from "
                "gprkit_stream_config_default())",
                static_cast<long long>(config->struct_size), GPRKIT_STREAM_CONFIG_V1_SIZE);
  // Only the v1 fields are known here; a larger struct from a newer header keeps its tail.
  return make_stream(fn, pipeline_json, *config, out);
}

gprkit_status gprkit_stream_create_for_bscan(const char* pipeline_json, const gprkit_bscan* bscan,
                                             gprkit_stream** out) {
  constexpr const char* fn = "gprkit_stream_create_for_bscan";
  if (out == nullptr) return null_argument(fn, "out");
  *out = nullptr;
  if (const gprkit_status s = check_bscan(fn, bscan)) return s;
  const gprkit::Bscan& b = *bscan->bscan;
  const gprkit::Header& h = b.header();
  gprkit_stream_config c = default_config();
  c.n_samples = b.n_samples();
  c.dt_ns = h.dt_ns;
  c.dx_m = h.dx_m;
  c.t0_ns = h.t0_ns;
  c.antenna_height_m = h.antenna_height_m;
  c.antenna_separation_m = h.antenna_separation_m;
  c.centre_frequency_mhz = h.centre_frequency_mhz;
  return make_stream(fn, pipeline_json, c, out);
}

gprkit_status gprkit_stream_delay(const gprkit_stream* stream, int64_t* delay_traces) {
  return stream_count("gprkit_stream_delay", stream, delay_traces, "delay_traces",
                      [](const gprkit::StreamProcessor& p) { return p.delay_traces(); });
}

gprkit_status gprkit_stream_n_samples(const gprkit_stream* stream, int64_t* n_samples) {
  return stream_count("gprkit_stream_n_samples", stream, n_samples, "n_samples",
                      [](const gprkit::StreamProcessor& p) { return p.n_samples(); });
}

gprkit_status gprkit_stream_out_samples(const gprkit_stream* stream, int64_t* out_samples) {
  return stream_count("gprkit_stream_out_samples", stream, out_samples, "out_samples",
                      [](const gprkit::StreamProcessor& p) { return p.out_samples(); });
}

gprkit_status gprkit_stream_push(gprkit_stream* stream, const float* traces, int64_t n_traces,
                                 float* out_traces, float* out_scores, int64_t* n_out) {
  constexpr const char* fn = "gprkit_stream_push";
  if (n_out != nullptr) *n_out = 0;
  if (const gprkit_status s = check_stream(fn, stream)) return s;
  if (traces == nullptr) return null_argument(fn, "traces");
  if (n_out == nullptr) return null_argument(fn, "n_out");
  if (n_traces <= 0)
    return fail(GPRKIT_INVALID_ARGUMENT, fn, "n_traces is %lld (expected > 0)",
                static_cast<long long>(n_traces));
  gprkit::StreamProcessor& p = *stream->proc;
  const std::ptrdiff_t ns = p.n_samples();
  const std::ptrdiff_t out_ns = p.out_samples();
  // The block's element count must fit in a ptrdiff_t for the views' arithmetic.
  const std::ptrdiff_t widest = std::max<std::ptrdiff_t>({ns, out_ns, 1});
  if (n_traces > std::numeric_limits<std::ptrdiff_t>::max() / widest)
    return fail(GPRKIT_INVALID_ARGUMENT, fn, "n_traces is %lld: the block is too large",
                static_cast<long long>(n_traces));
  return guarded(fn, [&] {
    const auto nt = static_cast<std::ptrdiff_t>(n_traces);
    const gprkit::ConstView in(traces, ns, nt);
    const gprkit::MutView out =
        out_traces ? gprkit::MutView(out_traces, out_ns, nt) : gprkit::MutView();
    *n_out = p.push(in, out, out_scores);
    return GPRKIT_OK;
  });
}

gprkit_status gprkit_stream_alarms(gprkit_stream* stream, gprkit_alarm* buf, int64_t capacity,
                                   int64_t* n) {
  constexpr const char* fn = "gprkit_stream_alarms";
  if (n != nullptr) *n = 0;
  if (const gprkit_status s = check_stream(fn, stream)) return s;
  if (buf == nullptr) return null_argument(fn, "buf");
  if (n == nullptr) return null_argument(fn, "n");
  if (capacity <= 0)
    return fail(GPRKIT_INVALID_ARGUMENT, fn, "capacity is %lld (expected > 0)",
                static_cast<long long>(capacity));
  return guarded(fn, [&] {
    // Drained in chunks through a stack buffer: no allocation in the real-time loop.
    constexpr std::size_t kChunk = 64;
    gprkit::Detection chunk[kChunk];
    int64_t done = 0;
    while (done < capacity) {
      const auto want = static_cast<std::size_t>(std::min<int64_t>(capacity - done, kChunk));
      const std::size_t got = stream->proc->drain_alarms(chunk, want);
      for (std::size_t k = 0; k < got; ++k) {
        gprkit_alarm& a = buf[done + static_cast<int64_t>(k)];
        a.x_m = chunk[k].x_m;
        a.depth_m = chunk[k].depth_m;
        a.t_ns = chunk[k].t_ns;
        a.score = chunk[k].score;
        a.trace = chunk[k].trace;
      }
      done += static_cast<int64_t>(got);
      if (got < want) break;
    }
    *n = done;
    return GPRKIT_OK;
  });
}

gprkit_status gprkit_stream_pending_alarms(const gprkit_stream* stream, int64_t* n_pending) {
  return stream_count("gprkit_stream_pending_alarms", stream, n_pending, "n_pending",
                      [](const gprkit::StreamProcessor& p) { return p.pending_alarms(); });
}

gprkit_status gprkit_stream_dropped_alarms(const gprkit_stream* stream, int64_t* n_dropped) {
  return stream_count("gprkit_stream_dropped_alarms", stream, n_dropped, "n_dropped",
                      [](const gprkit::StreamProcessor& p) { return p.dropped_alarms(); });
}

gprkit_status gprkit_stream_reset(gprkit_stream* stream) {
  constexpr const char* fn = "gprkit_stream_reset";
  if (const gprkit_status s = check_stream(fn, stream)) return s;
  return guarded(fn, [&] {
    stream->proc->reset();
    return GPRKIT_OK;
  });
}

void gprkit_stream_destroy(gprkit_stream* stream) {
  if (stream == nullptr) return;
  if (check_stream("gprkit_stream_destroy", stream) != GPRKIT_OK) return;
  kill(stream, stream->proc);
}

}  // extern "C"
