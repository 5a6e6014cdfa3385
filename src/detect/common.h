// Internal helpers of the detect folder: contiguous staging, fixed trace blocks.
#pragma once
#include <algorithm>
#include <cstddef>
#include <vector>

#include "gprkit/core/threads.h"
#include "gprkit/core/view.h"

namespace gprkit::detect_detail {

/// Traces per block of the sliding-window kernels. Each block restarts its running sums, so
/// the results depend on this constant but never on the number of threads.
inline constexpr std::ptrdiff_t block_traces = 128;

/// A read-only contiguous column-major copy of a view when it is strided (else no copy).
struct ContigIn {
  std::vector<float> buf;
  const float* p = nullptr;
  std::ptrdiff_t m = 0, n = 0;
  explicit ContigIn(ConstView v) : m(v.n_samples), n(v.n_traces) {
    if (v.sample_stride == 1 && v.trace_stride == v.n_samples) {
      p = v.data;
      return;
    }
    buf.resize(static_cast<std::size_t>(m * n));
    for (std::ptrdiff_t j = 0; j < n; ++j)
      for (std::ptrdiff_t i = 0; i < m; ++i) buf[static_cast<std::size_t>(i + j * m)] = v(i, j);
    p = buf.data();
  }
  const float* col(std::ptrdiff_t j) const { return p + j * m; }
};

/// A contiguous output: writes straight into `v` when it is contiguous, else into a buffer
/// that finish() copies into v.
struct ContigOut {
  std::vector<float> buf;
  float* p = nullptr;
  MutView v;
  std::ptrdiff_t m = 0;
  explicit ContigOut(MutView out) : v(out), m(out.n_samples) {
    if (out.sample_stride == 1 && out.trace_stride == out.n_samples) {
      p = out.data;
    } else {
      buf.resize(static_cast<std::size_t>(out.n_samples * out.n_traces));
      p = buf.data();
    }
  }
  float* col(std::ptrdiff_t j) const { return p + j * m; }
  void finish() {
    if (buf.empty()) return;
    for (std::ptrdiff_t j = 0; j < v.n_traces; ++j)
      for (std::ptrdiff_t i = 0; i < v.n_samples; ++i)
        v(i, j) = buf[static_cast<std::size_t>(i + j * m)];
  }
};

inline std::ptrdiff_t n_blocks(std::ptrdiff_t n) { return (n + block_traces - 1) / block_traces; }

inline int threads_for_cells(std::ptrdiff_t m, std::ptrdiff_t n) {
  return threads_for(static_cast<std::size_t>(m) * static_cast<std::size_t>(n));
}

}  // namespace gprkit::detect_detail
