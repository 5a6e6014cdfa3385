// Internal: per-thread FFT buffers of a given padded length, reused across traces and calls.
#pragma once
#include <cstddef>

#include "gprkit/core/fft.h"

namespace gprkit::detail {

struct FftScratch {
  std::size_t n = 0;
  fft::buffer<float> real;
  fft::buffer<fft::cfloat> spec;
  /// Buffers for a length-n transform (real n, spectrum n/2 + 1).
  void ensure(std::size_t len) {
    if (len == n) return;
    real = fft::alloc_real(len + 2);
    spec = fft::alloc_complex(len / 2 + 1);
    n = len;
  }
};

/// This thread's scratch (one per thread; grows on demand).
inline FftScratch& thread_fft_scratch() {
  thread_local FftScratch s;
  return s;
}

/// Padded transform length for n samples: auto pad (< 0) is n / 8, at least 16.
inline std::size_t padded_length(std::ptrdiff_t n, std::ptrdiff_t pad) {
  const std::ptrdiff_t p = pad < 0 ? std::max<std::ptrdiff_t>(16, n / 8) : pad;
  return fft::fast_size(static_cast<std::size_t>(n + p));
}

}  // namespace gprkit::detail
