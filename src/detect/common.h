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

/// Walks the traces j of [j0, j1) with a sliding annulus: add(trace, +1.0 or -1.0) keeps the
/// caller's running sums equal to those over the traces G+1..G+R away on either side of j
/// (clipped to [0, n)); then body(j, count) is called with the annulus size.
template <class Add, class Body>
void for_each_annulus(std::ptrdiff_t j0, std::ptrdiff_t j1, std::ptrdiff_t n, std::ptrdiff_t G,
                      std::ptrdiff_t R, Add&& add, Body&& body) {
  std::ptrdiff_t cnt = 0;
  for (std::ptrdiff_t jj = std::max<std::ptrdiff_t>(0, j0 - G - R); jj <= j0 - G - 1; ++jj) {
    add(jj, 1.0);
    ++cnt;
  }
  for (std::ptrdiff_t jj = j0 + G + 1; jj <= std::min(n - 1, j0 + G + R); ++jj) {
    add(jj, 1.0);
    ++cnt;
  }
  for (std::ptrdiff_t j = j0; j < j1; ++j) {
    if (j > j0) {
      if (j - 1 - G - R >= 0) {
        add(j - 1 - G - R, -1.0);
        --cnt;
      }
      if (j - 1 - G >= 0 && j - 1 - G < n) {
        add(j - 1 - G, 1.0);
        ++cnt;
      }
      if (j + G < n) {
        add(j + G, -1.0);
        --cnt;
      }
      if (j + G + R < n) {
        add(j + G + R, 1.0);
        ++cnt;
      }
    }
    body(j, cnt);
  }
}

}  // namespace gprkit::detect_detail
