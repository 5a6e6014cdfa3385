// Internal: the score kernels per output trace, shared by score() (every trace of a section)
// and the streaming processor (one trace at a time over a window of traces), so both compute
// the same numbers. Each score reaches a bounded number of traces: every normalisation
// (noise floors, regularisation) comes from the traces the score looks at, never the line.
#pragma once
#include <cstddef>
#include <vector>

#include "gprkit/core/header.h"
#include "gprkit/detect/score.h"

namespace gprkit::detect_detail {

/// Travel-time tables of the diffraction curve for one trace length and header.
struct HyperbolaTables {
  std::ptrdiff_t m = 0;             ///< samples per trace
  std::ptrdiff_t aperture = 0;      ///< A: traces on each side
  std::ptrdiff_t window = 0;        ///< L: half-width of the semblance window (samples)
  std::ptrdiff_t first_row = 0;     ///< rows above the ground score 0
  std::vector<std::ptrdiff_t> off;  ///< off[k * m + i0]: delay (samples) at trace offset k
  std::vector<std::ptrdiff_t> lim;  ///< lim[k]: rows i0 < lim[k] stay inside the trace
  /// The rows [first_row, lim[k]) of offset k split into runs of one delay, so the gather
  /// becomes contiguous loads: runs[run_begin[k] .. run_begin[k + 1]).
  struct Run {
    std::ptrdiff_t begin, end, delay;
  };
  std::vector<Run> runs;
  std::vector<std::size_t> run_begin;
};

/// Tables for traces of m samples; dx_m the trace spacing.
HyperbolaTables hyperbola_tables(std::ptrdiff_t m, const Header& h, double dx_m,
                                 const ScoreWindows& w, const ScoreOptions& o);

/// Per-thread buffers of hyperbola_column (m each; sized once).
struct HyperbolaScratch {
  std::vector<float> cs, es;
  std::vector<int> cnt;
  std::vector<double> pn, pd;
  explicit HyperbolaScratch(std::ptrdiff_t m);
};

/// Robust noise level of one trace: median |x| / 0.6745 over at most 64 evenly spread samples.
/// `scratch` holds m floats.
double robust_sigma(const float* x, std::ptrdiff_t m, float* scratch);

/// The noise floor (sigma^2) of the output trace whose window's per-trace sigmas are
/// sigmas[0..count): the square of their median (mean of the middle two for an even count).
/// `scratch` holds 2 count doubles.
double hyperbola_floor(const double* sigmas, std::ptrdiff_t count, double* scratch);

/// z[0..m) = semblance of the output trace whose neighbours at offsets -A..A are
/// cols[0..2A] (nullptr where the trace lies outside the line).
void hyperbola_column(const HyperbolaTables& t, const float* const* cols, double floor2, float* z,
                      HyperbolaScratch& s);

// ---- energy -------------------------------------------------------------------------------
// z = (e - mean) / sqrt(var + (rel_floor mean)^2 + tiny) of the box energy e against the
// annulus of traces G+1..G+R away on each side, at the same sample.
struct EnergyKernel {
  std::ptrdiff_t m = 0, ht = 0;  // samples; half-width of the time window
  double rel2 = 0;
  /// tb[i] = mean of x^2 over samples [i - ht, i + ht] (clipped); p holds m + 1 doubles.
  void time_energy(const float* x, double* p, float* tb) const;
  /// e = mean of the cnt columns tbs[0..cnt) (the horizontal box, in that order).
  void box(const float* const* tbs, std::ptrdiff_t cnt, float* e) const;
  /// Annulus sums: s1 += sign e, s2 += sign e^2, total += sign sum(e).
  void add(const float* e, double sign, double* s1, double* s2, double& total) const;
  /// The z column of the trace with box energy e and annulus sums over cnt traces.
  void z(const float* e, const double* s1, const double* s2, double total, std::ptrdiff_t cnt,
         float* out) const;
};

// ---- rx -----------------------------------------------------------------------------------
// Mahalanobis distance of the d-sample feature vector from the annulus' mean and covariance.
struct RxKernel {
  std::ptrdiff_t m = 0;
  int d = 0;
  std::size_t P = 0;                // d sums + d (d + 1) / 2 products per sample
  std::vector<std::ptrdiff_t> idx;  // feature k of row i reads sample idx[i * d + k]
  double reg = 0;
  RxKernel(std::ptrdiff_t m, const ScoreWindows& w, const ScoreOptions& o);
  /// acc (m x P) += sign * features of col; total += sign * sum(col^2).
  void add(const float* col, double sign, double* acc, double& total) const;
  /// The score column of col against the annulus sums over cnt traces.
  void z(const float* col, const double* acc, double total, std::ptrdiff_t cnt, float* out) const;
};

}  // namespace gprkit::detect_detail
