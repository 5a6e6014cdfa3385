// A downstream program: simulate a section and check one value, through the installed package.
#include <gprkit/core/error.h>
#include <gprkit/simulate/simulate.h>

#include <cstdio>

int main() {
  gprkit::SimulateOptions o;
  o.n_samples = 64;
  o.n_traces = 8;
  o.direct_wave_amplitude = 1.0;
  const auto sim = gprkit::simulate(o);
  try {
    o.dt_ns = -1;
    (void)gprkit::simulate(o);
    return 1;  // must have thrown
  } catch (const gprkit::InvalidArgument&) {
  }
  std::printf("consumer ok: %td x %td, sample(0,0) = %g\n", sim.bscan.n_samples(),
              sim.bscan.n_traces(), static_cast<double>(sim.bscan(0, 0)));
  return sim.bscan(0, 0) > 0.9f ? 0 : 1;
}
