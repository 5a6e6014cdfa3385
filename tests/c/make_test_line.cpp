// Writes the line the C API tests and samples/c/stream_file.c read: a simulated 1 GHz-like
// survey with two buried point targets, as .npy + .json sidecar (the native exchange format).
// Usage: c_api_make_test_line OUT.npy. The numbers are repeated in tests/c/test_read.c.
#include <cstdio>
#include <exception>

#include "gprkit/io/npy.h"
#include "gprkit/simulate/simulate.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT.npy\n", argv[0]);
    return 2;
  }
  try {
    gprkit::SimulateOptions o;
    o.n_samples = 256;
    o.n_traces = 400;
    o.dt_ns = 0.05;
    o.dx_m = 0.01;
    o.centre_frequency_mhz = 1000.0;
    o.antenna_offset_m = 0.05;
    o.direct_wave_amplitude = 1.0;
    o.noise_std = 0.005;
    o.diffractors = {{1.0, 0.2, 1.0, 0}, {2.5, 0.3, 1.0, 0}};
    gprkit::io::write_npy(argv[1], gprkit::simulate(o).bscan);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", argv[0], e.what());
    return 1;
  }
  return 0;
}
