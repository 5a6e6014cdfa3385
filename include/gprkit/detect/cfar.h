// Constant-false-alarm-rate (CFAR) thresholds on a score image.
#pragma once
#include <cstddef>

#include "gprkit/core/bscan.h"

namespace gprkit {

enum class CfarMethod {
  ca,  ///< cell averaging: the threshold scales the mean of the training cells
  os,  ///< order statistic: the threshold scales the k-th smallest training cell
};

/// The statistical model of the score in the absence of a target, which fixes the scale
/// factor for a false-alarm probability.
enum class CfarModel {
  exponential,  ///< non-negative power-like score (square-law detector): exact CA/OS factors
  gaussian,     ///< real-valued score (z-scores, amplitudes): mean + z * std (ca) or
                ///< median + z * (q84 - q50) from two order statistics (os)
};

struct CfarOptions {
  CfarMethod method = CfarMethod::ca;
  CfarModel model = CfarModel::exponential;
  double pfa = 1e-3;                 ///< false-alarm probability per cell, in (0, 0.5)
  std::ptrdiff_t guard_traces = 4;   ///< guard cells each side along the line
  std::ptrdiff_t train_traces = 16;  ///< training cells each side along the line (>= 1)
  std::ptrdiff_t guard_samples = 0;  ///< guard cells each side down the trace
  std::ptrdiff_t train_samples = 0;  ///< training rows each side down the trace (0: same row only)
  double os_rank = 0.75;             ///< os/exponential: k = ceil(os_rank * N) (0, 1]
};

/// threshold(i, j) for every cell of `score`: a cell is an alarm when score > threshold.
/// Training cells: the rectangle [i +- (guard_samples + train_samples)] x
/// [j +- (guard_traces + train_traces)] minus the guard rectangle, clipped to the section
/// (the factor is computed for the number N of cells actually used).
/// exponential/ca: T = N (pfa^(-1/N) - 1) * mean; exponential/os: T = a * X_(k) with a solving
/// pfa = prod_{i<k} (N - i) / (N - i + a); gaussian/ca: T = mean + z_(1-pfa) * std;
/// gaussian/os: T = q50 + z_(1-pfa) * (q84 - q50).
/// Complexity: ca O(1) per cell (running sums), os O(N) per cell (selection).
/// Throws InvalidArgument for bad options or an empty / non-finite score.
void cfar(ConstView score, MutView threshold, const CfarOptions& o = {});
Bscan cfar(const Bscan& score, const CfarOptions& o = {});

/// The exponential-model scale factors (for tests): CA and OS(k of N).
double cfar_ca_factor(double pfa, std::ptrdiff_t n);
double cfar_os_factor(double pfa, std::ptrdiff_t n, std::ptrdiff_t k);

}  // namespace gprkit
