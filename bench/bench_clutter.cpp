// Clutter removal on the standard 1024 x 20,000 section (rpca on 512 x 2,048).
#include <benchmark/benchmark.h>

#include "bench_common.h"
#include "gprkit/clutter.h"
#include "gprkit/core/threads.h"

using namespace gprkit;

namespace {

const Bscan& section() {
  static const Bscan s = bench::standard_section(20000);
  return s;
}

void run(benchmark::State& state, BackgroundMethod m, int threads, int k = -1) {
  const Bscan& in = section();
  Bscan out(in.n_samples(), in.n_traces());
  BackgroundOptions o;
  o.method = m;
  o.window_traces = 31;
  o.svd_components = k;
  set_num_threads(threads);
  for (auto _ : state) {
    remove_background(in.cview(), out.view(), o);
    benchmark::DoNotOptimize(out.data());
  }
  set_num_threads(0);
  bench::set_rates(state, in.n_samples(), in.n_traces());
  bench::set_memory_fraction(state, in.n_samples() * in.n_traces(), threads);
}

void BM_mean_1thread(benchmark::State& s) { run(s, BackgroundMethod::mean, 1); }
void BM_moving_mean_1thread(benchmark::State& s) { run(s, BackgroundMethod::moving_mean, 1); }
void BM_mean_2threads(benchmark::State& s) { run(s, BackgroundMethod::mean, 2); }
void BM_moving_mean_2threads(benchmark::State& s) { run(s, BackgroundMethod::moving_mean, 2); }
void BM_moving_median31_2threads(benchmark::State& s) {
  run(s, BackgroundMethod::moving_median, 2);
}
void BM_median_2threads(benchmark::State& s) { run(s, BackgroundMethod::median, 2); }
void BM_svd_k3_2threads(benchmark::State& s) { run(s, BackgroundMethod::svd, 2, 3); }
void BM_ground_bounce_2threads(benchmark::State& s) { run(s, BackgroundMethod::ground_bounce, 2); }

void BM_ground_bounce_1thread(benchmark::State& s) { run(s, BackgroundMethod::ground_bounce, 1); }
void BM_surface_1thread(benchmark::State& s) { run(s, BackgroundMethod::surface, 1); }
void BM_surface_2threads(benchmark::State& s) { run(s, BackgroundMethod::surface, 2); }

void BM_track_surface(benchmark::State& state) {
  const Bscan& in = section();
  set_num_threads(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    SurfaceTrack t = track_surface(in);
    benchmark::DoNotOptimize(t.time_ns.data());
  }
  set_num_threads(0);
  bench::set_rates(state, in.n_samples(), in.n_traces());
}

void BM_rpca_512x2048(benchmark::State& state) {
  const Bscan in = bench::standard_section(2048, 512);
  Bscan low(in.n_samples(), in.n_traces()), sparse(in.n_samples(), in.n_traces());
  RpcaOptions o;
  o.svd = state.range(0) == 0 ? RpcaSvd::randomized : RpcaSvd::full;
  RpcaReport rep;
  for (auto _ : state) {
    rpca(in.cview(), low.view(), sparse.view(), o, &rep);
    benchmark::DoNotOptimize(sparse.data());
  }
  state.counters["iterations"] = rep.iterations;
  state.counters["rank"] = rep.rank;
  state.counters["s/iteration"] = benchmark::Counter(
      static_cast<double>(rep.iterations) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

}  // namespace

BENCHMARK(BM_mean_1thread)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_moving_mean_1thread)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_mean_2threads)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_moving_mean_2threads)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_median_2threads)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_moving_median31_2threads)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_svd_k3_2threads)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ground_bounce_2threads)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ground_bounce_1thread)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_surface_1thread)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_surface_2threads)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_track_surface)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_rpca_512x2048)->Arg(0)->Arg(1)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);
