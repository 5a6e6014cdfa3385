// Per-trace filters on a 1024 x 20,000 float32 section: traces/s and GB/s of input, with
// 1 and 2 threads, and a bare FFTW forward + inverse of the same data as the yardstick
// for the FFT-based filters.
#include <omp.h>

#include <vector>

#include "bench_common.h"
#include "gprkit/core/fft.h"
#include "gprkit/core/threads.h"
#include "gprkit/filters.h"

using namespace gprkit;

namespace {
constexpr std::ptrdiff_t kSamples = 1024;
constexpr std::ptrdiff_t kTraces = 20000;

const Bscan& section() {
  static const Bscan b = bench::standard_section(kTraces, kSamples);
  return b;
}

template <class F>
void run(benchmark::State& state, F&& f) {
  set_num_threads(static_cast<int>(state.range(0)));
  const Bscan& in = section();
  Bscan out(in.n_samples(), in.n_traces(), in.header());
  f(in, out);  // warm-up: FFTW plans and per-thread buffers are made outside the timing
  for (auto _ : state) {
    f(in, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  bench::set_rates(state, in.n_samples(), in.n_traces());
  bench::set_memory_fraction(state, in.n_samples() * in.n_traces(),
                             static_cast<int>(state.range(0)));
  set_num_threads(0);
}

void BM_dc_remove(benchmark::State& s) {
  run(s, [](const Bscan& in, Bscan& out) {
    dc_remove(in.view(), out.view(), in.header().dt_ns, 0.0, {});
  });
}
void BM_dewow(benchmark::State& s) {
  run(s,
      [](const Bscan& in, Bscan& out) { dewow(in.view(), out.view(), in.header().dt_ns, {3.0}); });
}
void BM_gain_tpow(benchmark::State& s) {
  run(s, [](const Bscan& in, Bscan& out) {
    gain(in.view(), out.view(), in.header().dt_ns, 0.0, {.kind = GainKind::tpow, .power = 1.5});
  });
}
void BM_gain_agc(benchmark::State& s) {
  run(s, [](const Bscan& in, Bscan& out) {
    gain(in.view(), out.view(), in.header().dt_ns, 0.0, {.kind = GainKind::agc, .window_ns = 3.0});
  });
}
void BM_bandpass(benchmark::State& s) {
  run(s, [](const Bscan& in, Bscan& out) {
    bandpass(in.view(), out.view(), in.header().dt_ns, {.low_mhz = 250, .high_mhz = 2500});
  });
}
void BM_bandpass_nopad(benchmark::State& s) {
  run(s, [](const Bscan& in, Bscan& out) {
    bandpass(in.view(), out.view(), in.header().dt_ns,
             {.low_mhz = 250, .high_mhz = 2500, .pad_samples = 0});
  });
}
void BM_envelope(benchmark::State& s) {
  run(s, [](const Bscan& in, Bscan& out) { envelope(in.view(), out.view(), {}); });
}
void BM_envelope_nopad(benchmark::State& s) {
  run(s, [](const Bscan& in, Bscan& out) { envelope(in.view(), out.view(), {.pad_samples = 0}); });
}
void BM_time_zero(benchmark::State& s) {
  run(s, [](const Bscan& in, Bscan& out) {
    time_zero(in.view(), out.view(), in.header().dt_ns, 0.0, {});
  });
}

// Yardstick: FFTW r2c + c2r of every trace at length `len` (argument 1), with the same
// per-thread buffers and copies in and out that the filters do.
void BM_fftw_forward_inverse(benchmark::State& state) {
  const int nthreads = static_cast<int>(state.range(0));
  const auto len = static_cast<std::size_t>(state.range(1));
  const Bscan& in = section();
  Bscan out(in.n_samples(), in.n_traces());
  {
    auto r = fft::alloc_real(len + 2);
    auto c = fft::alloc_complex(len / 2 + 1);
    fft::r2c(len, r.get(), c.get());  // plan outside the timing
    fft::c2r(len, c.get(), r.get());
  }
  for (auto _ : state) {
#pragma omp parallel num_threads(nthreads)
    {
      auto r = fft::alloc_real(len + 2);
      auto c = fft::alloc_complex(len / 2 + 1);
#pragma omp for schedule(static)
      for (std::ptrdiff_t j = 0; j < in.n_traces(); ++j) {
        const float* x = in.trace(j);
        for (std::ptrdiff_t i = 0; i < kSamples; ++i) r[i] = x[i];
        for (std::size_t i = kSamples; i < len; ++i) r[i] = 0.0f;
        fft::r2c(len, r.get(), c.get());
        fft::c2r(len, c.get(), r.get());
        float* y = out.trace(j);
        for (std::ptrdiff_t i = 0; i < kSamples; ++i) y[i] = r[i];
      }
    }
    benchmark::DoNotOptimize(out.data());
  }
  bench::set_rates(state, in.n_samples(), in.n_traces());
}

// Memory-speed yardstick: a plain copy of the section.
void BM_memcpy(benchmark::State& state) {
  const Bscan& in = section();
  Bscan out(in.n_samples(), in.n_traces());
  for (auto _ : state) {
    std::copy(in.data(), in.data() + in.n_samples() * in.n_traces(), out.data());
    benchmark::DoNotOptimize(out.data());
  }
  bench::set_rates(state, in.n_samples(), in.n_traces());
  bench::set_memory_fraction(state, in.n_samples() * in.n_traces(), 1);
}
}  // namespace

#define GPRKIT_THREADS ->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()
BENCHMARK(BM_memcpy)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_dc_remove) GPRKIT_THREADS;
BENCHMARK(BM_dewow) GPRKIT_THREADS;
BENCHMARK(BM_gain_tpow) GPRKIT_THREADS;
BENCHMARK(BM_gain_agc) GPRKIT_THREADS;
BENCHMARK(BM_time_zero) GPRKIT_THREADS;
BENCHMARK(BM_bandpass) GPRKIT_THREADS;
BENCHMARK(BM_bandpass_nopad) GPRKIT_THREADS;
BENCHMARK(BM_envelope) GPRKIT_THREADS;
BENCHMARK(BM_envelope_nopad) GPRKIT_THREADS;
BENCHMARK(BM_fftw_forward_inverse)
    ->Args({1, 1024})
    ->Args({2, 1024})
    ->Args({1, 1152})
    ->Args({2, 1152})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
