// Streaming: 512-sample traces one at a time through the default landmine chain. Reports
// sustained traces/s on one core, the ratio to a bare FFTW r2c + c2r of the same 512-sample
// trace measured in the same program, per-trace latency (p50 / p99 / max and a histogram on
// stderr), and 16 channels on two threads.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "bench_common.h"
#include "gprkit/core/fft.h"
#include "gprkit/core/threads.h"
#include "gprkit/stream/stream.h"

namespace {

using namespace gprkit;
using Clock = std::chrono::steady_clock;

constexpr std::ptrdiff_t kSamples = 512;

/// A 1.5 GHz-like line of 512 samples over 12.8 ns (the benchmark loops over it).
const Bscan& line() {
  static const Bscan b = bench::standard_section(4096, kSamples);
  return b;
}

StreamConfig config() {
  StreamConfig c;
  c.n_samples = kSamples;
  c.header = line().header();
  return c;
}

/// Nanoseconds of one bare FFTW r2c + c2r pair of a 512-sample trace (the fastest of 31 runs of
/// 2000 pairs: the least disturbed), the unit the streaming cost is stated in.
double fftw_pair_ns() {
  auto r = fft::alloc_real(kSamples + 2);
  auto c = fft::alloc_complex(kSamples / 2 + 1);
  std::copy(line().data(), line().data() + kSamples, r.get());
  fft::r2c(kSamples, r.get(), c.get());  // plan outside the timing
  fft::c2r(kSamples, c.get(), r.get());
  std::vector<double> runs;
  for (int k = 0; k < 31; ++k) {
    const auto t0 = Clock::now();
    for (int q = 0; q < 2000; ++q) {
      fft::r2c(kSamples, r.get(), c.get());
      fft::c2r(kSamples, c.get(), r.get());
      benchmark::DoNotOptimize(r.get());
    }
    runs.push_back(std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / 2000);
  }
  return *std::min_element(runs.begin(), runs.end());
}

/// The reference itself, timed by Google Benchmark like the stream below.
void BM_fftw_pair_512(benchmark::State& state) {
  auto r = fft::alloc_real(kSamples + 2);
  auto c = fft::alloc_complex(kSamples / 2 + 1);
  std::copy(line().data(), line().data() + kSamples, r.get());
  fft::r2c(kSamples, r.get(), c.get());
  fft::c2r(kSamples, c.get(), r.get());
  for (auto _ : state) {
    fft::r2c(kSamples, r.get(), c.get());
    fft::c2r(kSamples, c.get(), r.get());
    benchmark::DoNotOptimize(r.get());
  }
}
BENCHMARK(BM_fftw_pair_512)->Unit(benchmark::kNanosecond)->MinTime(gprkit::bench::min_time(1.0));

void BM_stream_default_chain(benchmark::State& state) {
  set_num_threads(1);
  StreamProcessor sp(config());
  std::vector<float> out(kSamples);
  std::vector<Detection> alarms(256);
  float score = 0;
  const ConstView v = line().cview();
  std::ptrdiff_t j = 0;
  for (auto _ : state) {
    sp.push(v.traces(j, 1), MutView(out.data(), kSamples, 1), &score);
    sp.drain_alarms(alarms.data(), alarms.size());
    if (++j == v.n_traces) j = 0;
  }
  state.counters["traces/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["delay_traces"] = static_cast<double>(sp.delay_traces());
  // The stream's cost per trace in FFTW pairs: (1e9 / traces/s) / fftw_pair_ns, shown by
  // scripts or read from the two counters (Google Benchmark divides rates only at the end).
  const double pair = fftw_pair_ns();
  state.counters["fftw_pair_ns"] = pair;
  state.counters["mean_over_fftw_pair"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * pair * 1e-9,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  set_num_threads(0);
}
BENCHMARK(BM_stream_default_chain)
    ->Unit(benchmark::kMicrosecond)
    ->MinTime(gprkit::bench::min_time(2.0));

/// Per-trace latency: every push of a 20,000-trace stream timed on its own.
void BM_stream_latency(benchmark::State& state) {
  set_num_threads(1);
  const ConstView v = line().cview();
  std::vector<float> out(kSamples);
  float score = 0;
  std::vector<double> us;
  us.reserve(20000);
  for (auto _ : state) {
    StreamProcessor sp(config());
    us.clear();
    for (int k = 0; k < 20000; ++k) {
      const auto t0 = Clock::now();
      sp.push(v.traces(k % v.n_traces, 1), MutView(out.data(), kSamples, 1), &score);
      us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    }
  }
  std::vector<double> s = us;
  std::sort(s.begin(), s.end());
  auto pct = [&](double p) {
    return s[static_cast<std::size_t>(p * static_cast<double>(s.size() - 1))];
  };
  state.counters["p50_us"] = pct(0.5);
  state.counters["p99_us"] = pct(0.99);
  state.counters["max_us"] = s.back();
  const double fft_ns = fftw_pair_ns();
  state.counters["p50_over_fftw_pair"] = pct(0.5) * 1e3 / fft_ns;
  // Histogram (stderr): pushes per latency bin, from the first push (warm plans) on.
  const double edges[] = {2, 5, 10, 15, 20, 30, 50, 100, 200, 1e9};
  std::size_t lo = 0;
  std::fprintf(stderr, "stream latency histogram (%zu pushes, 512 samples, default chain):\n",
               s.size());
  double prev = 0;
  for (double e : edges) {
    const std::size_t hi =
        static_cast<std::size_t>(std::lower_bound(s.begin(), s.end(), e) - s.begin());
    if (e < 1e8)
      std::fprintf(stderr, "  %4.0f - %4.0f us: %zu\n", prev, e, hi - lo);
    else
      std::fprintf(stderr, "  %4.0f -      us: %zu\n", prev, hi - lo);
    lo = hi;
    prev = e;
  }
  set_num_threads(0);
}
BENCHMARK(BM_stream_latency)->Unit(benchmark::kMillisecond)->Iterations(1);

/// 16 channels (a vehicle array) pushed in blocks of 32 traces per channel on two threads.
void BM_stream_16_channels(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  StreamChannels ch(config(), 16);
  const ConstView v = line().cview();
  std::vector<Bscan> outs(16, Bscan(kSamples, 32));
  std::vector<std::vector<float>> scores(16, std::vector<float>(32));
  ConstView in[16];
  MutView out[16];
  float* sc[16];
  std::ptrdiff_t n[16];
  std::ptrdiff_t j = 0;
  for (auto _ : state) {
    for (int c = 0; c < 16; ++c) {
      in[c] = v.traces((j + 97 * c) % (v.n_traces - 32), 32);
      out[c] = outs[static_cast<std::size_t>(c)].view();
      sc[c] = scores[static_cast<std::size_t>(c)].data();
    }
    ch.push(in, out, sc, n, threads);
    j = (j + 32) % (v.n_traces - 32);
  }
  state.counters["traces/s"] = benchmark::Counter(static_cast<double>(state.iterations()) * 16 * 32,
                                                  benchmark::Counter::kIsRate);
}
BENCHMARK(BM_stream_16_channels)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
