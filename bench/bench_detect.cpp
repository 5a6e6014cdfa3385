// Detect benchmarks on the standard 1024 x N section: each scorer's traces/s, CFAR, and the
// whole default detect chain end to end.
#include <benchmark/benchmark.h>

#include "bench_common.h"
#include "gprkit/detect.h"

namespace {

const gprkit::Bscan& section(std::ptrdiff_t n) {
  static std::ptrdiff_t made = 0;
  static gprkit::Bscan b;
  if (made != n) {
    b = gprkit::bench::standard_section(n);
    made = n;
  }
  return b;
}

void run_score(benchmark::State& state, gprkit::ScoreMethod m) {
  const auto& b = section(state.range(0));
  gprkit::Bscan out(b.n_samples(), b.n_traces(), b.header());
  gprkit::ScoreOptions o;
  o.method = m;
  for (auto _ : state) {
    gprkit::score(b.view(), out.view(), b.header(), o);
    benchmark::DoNotOptimize(out.data());
  }
  gprkit::bench::set_rates(state, b.n_samples(), b.n_traces());
}

void BM_score_energy(benchmark::State& s) { run_score(s, gprkit::ScoreMethod::energy); }
void BM_score_rx(benchmark::State& s) { run_score(s, gprkit::ScoreMethod::rx); }
void BM_score_hyperbola(benchmark::State& s) { run_score(s, gprkit::ScoreMethod::hyperbola); }

void BM_cfar_ca(benchmark::State& state) {
  const auto& b = section(state.range(0));
  gprkit::ScoreOptions so;
  const gprkit::Bscan s = gprkit::score(b, so);
  gprkit::Bscan t(s.n_samples(), s.n_traces());
  gprkit::CfarOptions o;
  o.model = gprkit::CfarModel::gaussian;
  for (auto _ : state) {
    gprkit::cfar(s.view(), t.view(), o);
    benchmark::DoNotOptimize(t.data());
  }
  gprkit::bench::set_rates(state, b.n_samples(), b.n_traces());
}

void BM_detect_default(benchmark::State& state) {
  const auto& b = section(state.range(0));
  for (auto _ : state) {
    auto d = gprkit::detect(b);
    benchmark::DoNotOptimize(d.data());
  }
  gprkit::bench::set_rates(state, b.n_samples(), b.n_traces());
}

// The chain without what the rough-ground work added (features at the alarms, the SNR gate,
// time-zero and antenna height from the data, flat-top rescoring): their cost is the difference.
void BM_detect_default_bare(benchmark::State& state) {
  const auto& b = section(state.range(0));
  gprkit::DetectOptions o;
  o.features = false;
  o.infer_time_zero = false;
  o.estimate_antenna_height = false;
  o.flat_tops = false;
  for (auto _ : state) {
    auto d = gprkit::detect(b, o);
    benchmark::DoNotOptimize(d.data());
  }
  gprkit::bench::set_rates(state, b.n_samples(), b.n_traces());
}

// The handheld sweep workload: 512 samples x 2,048 traces, the whole default chain.
void BM_detect_handheld(benchmark::State& state) {
  static const gprkit::Bscan b = gprkit::bench::standard_section(2048, 512);
  for (auto _ : state) {
    auto d = gprkit::detect(b);
    benchmark::DoNotOptimize(d.data());
  }
  gprkit::bench::set_rates(state, b.n_samples(), b.n_traces());
}

}  // namespace

BENCHMARK(BM_score_energy)->Arg(20000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_score_rx)->Arg(20000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_score_hyperbola)->Arg(20000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_cfar_ca)->Arg(20000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_detect_default)->Arg(20000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_detect_default_bare)->Arg(20000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_detect_handheld)->Unit(benchmark::kMillisecond)->UseRealTime();
