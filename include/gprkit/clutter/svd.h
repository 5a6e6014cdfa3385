// Truncated SVD of a B-scan (randomized range finder with subspace iteration, Halko,
// Martinsson & Tropp 2011), the basis of eigenimage clutter removal.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "gprkit/core/view.h"

namespace gprkit {

struct SvdOptions {
  int oversampling = 10;     ///< extra random directions p (>= 0)
  int power_iterations = 2;  ///< subspace iterations q (>= 0); more = sharper spectrum
  std::uint64_t seed = 1;    ///< random directions (reproducible)
};

/// The k leading singular values and left singular vectors (time functions) of a section.
struct TruncatedSvd {
  std::ptrdiff_t n_samples = 0;         ///< m
  int k = 0;                            ///< number of components
  std::vector<double> singular_values;  ///< k values, descending
  std::vector<float> u;                 ///< m x k, column-major, orthonormal columns
};

/// Leading k singular triples (values and left vectors) of a (m x n, any strides, finite).
/// Uses a full SVD when k + oversampling is a large part of min(m, n), else the randomized
/// method: O(m n (k + p)(2 q + 2)) flops and no m x n temporary when traces are contiguous.
/// Results are independent of the thread count. Throws InvalidArgument when k < 1 or
/// k > min(m, n).
TruncatedSvd truncated_svd(ConstView a, int k, const SvdOptions& o = {});

}  // namespace gprkit
