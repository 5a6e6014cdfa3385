// Reading instrument files: a large 16-bit DZT (default ~1 GB, GPRKIT_BENCH_IO_MB to change)
// written once to a temp dir, read with read_dzt (mmap + parallel conversion to float32).
// Reports MB/s of file bytes; "decode" is the conversion alone on bytes already in memory.
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "bench_common.h"
#include "gprkit/io.h"

namespace {
namespace fs = std::filesystem;

struct BigFile {
  fs::path path;
  std::vector<std::uint8_t> bytes;  // the same file in memory (for the decode-only figure)
  std::ptrdiff_t ns = 1024, nt = 0;
  BigFile() {
    const char* mb_env = std::getenv("GPRKIT_BENCH_IO_MB");
    const double mb = mb_env ? std::atof(mb_env) : gprkit::bench::smoke() ? 16.0 : 1024.0;
    nt = static_cast<std::ptrdiff_t>(mb * 1e6 / (2.0 * static_cast<double>(ns)));
    gprkit::Bscan b(ns, nt);
    b.header().dt_ns = 0.02;
    for (std::ptrdiff_t j = 0; j < nt; ++j)
      for (std::ptrdiff_t i = 0; i < ns; ++i)
        b(i, j) = static_cast<float>(((i * 7 + j * 13) % 2001) - 1000);
    path = fs::temp_directory_path() / "gprkit_bench_io.dzt";
    gprkit::io::write_dzt(path, b);
    std::ifstream f(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  }
  ~BigFile() { fs::remove(path); }
};

BigFile& big() {
  static BigFile f;
  return f;
}

void rate(benchmark::State& state, double bytes) {
  state.counters["MB/s"] = benchmark::Counter(static_cast<double>(state.iterations()) * bytes / 1e6,
                                              benchmark::Counter::kIsRate);
  state.counters["file_MB"] = bytes / 1e6;
}

void BM_read_dzt_file(benchmark::State& state) {
  auto& f = big();
  for (auto _ : state) {
    auto ch = gprkit::io::read_dzt(f.path, {.read_gps = false});
    benchmark::DoNotOptimize(ch[0].data());
  }
  rate(state, static_cast<double>(f.bytes.size()));
  gprkit::bench::set_rates(state, f.ns, f.nt);
}

void BM_decode_dzt_memory(benchmark::State& state) {
  auto& f = big();
  for (auto _ : state) {
    auto ch = gprkit::io::decode_dzt(f.bytes);
    benchmark::DoNotOptimize(ch[0].data());
  }
  rate(state, static_cast<double>(f.bytes.size()));
  gprkit::bench::set_rates(state, f.ns, f.nt);
}

void BM_alloc_bscan_reference(benchmark::State& state) {
  // What allocating the zero-filled float32 output alone costs (Bscan zero-fills): the part of
  // a read that is memory traffic, not decoding.
  auto& f = big();
  for (auto _ : state) {
    gprkit::Bscan out(f.ns, f.nt);
    benchmark::DoNotOptimize(out.data());
  }
  rate(state, static_cast<double>(f.bytes.size()));
}
}  // namespace

BENCHMARK(BM_read_dzt_file)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(gprkit::bench::min_time(2.0));
BENCHMARK(BM_decode_dzt_memory)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(gprkit::bench::min_time(2.0));
BENCHMARK(BM_alloc_bscan_reference)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(gprkit::bench::min_time(2.0));
