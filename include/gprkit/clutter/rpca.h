// Robust PCA: data = low-rank + sparse, by the inexact augmented Lagrange multiplier method
// (Lin, Chen & Ma 2010), with an optional randomized singular-value thresholding step.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "gprkit/core/view.h"

namespace gprkit {

/// How rpca computes its singular-value thresholding step.
enum class RpcaSvd {
  randomized,  ///< randomized partial SVD of a predicted rank (fast; default)
  full,        ///< a full thin SVD every iteration (the textbook algorithm; slow)
};

struct RpcaOptions {
  double lambda = -1.0;      ///< sparsity weight; <= 0: 1 / sqrt(max(m, n))
  double tolerance = 1e-6;   ///< stop when ||D - L - S||_F / ||D||_F < tolerance (> 0)
  int max_iterations = 500;  ///< iteration cap (>= 1)
  double rho = 1.5;          ///< growth factor of the penalty mu per iteration (> 1)
  RpcaSvd svd = RpcaSvd::randomized;
  int oversampling = 10;     ///< randomized SVT: extra random directions (>= 0)
  int power_iterations = 2;  ///< randomized SVT: subspace iterations (>= 0)
  std::uint64_t seed = 1;    ///< random directions (reproducible)
};

struct RpcaReport {
  int iterations = 0;                   ///< ALM iterations run
  bool converged = false;               ///< residual < tolerance before the cap
  double residual = 0.0;                ///< ||D - L - S||_F / ||D||_F at the end
  double lambda = 0.0;                  ///< the lambda used
  int rank = 0;                         ///< rank of L
  std::vector<double> singular_values;  ///< of L, descending
};

/// Splits d (m x n, any strides, finite) into low_rank + sparse minimising
/// ||L||_* + lambda ||S||_1 subject to L + S = D (to `tolerance`). low_rank and sparse
/// must have d's shape and not overlap d or each other. Cost per iteration: randomized,
/// O(m n (r + p)(2 q + 2)) for the predicted rank r; full, one thin SVD O(m n min(m, n)).
/// Threads: the large products run over fixed blocks, so results do not depend on the
/// thread count. Throws InvalidArgument for bad input.
void rpca(ConstView d, MutView low_rank, MutView sparse, const RpcaOptions& o = {},
          RpcaReport* report = nullptr);

}  // namespace gprkit
