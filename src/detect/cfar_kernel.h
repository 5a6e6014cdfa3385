// Internal: the CFAR threshold of one output trace, shared by cfar() (every trace of a score
// image) and the streaming processor (one trace at a time), so both compute the same numbers.
#pragma once
#include <cstddef>
#include <vector>

#include "gprkit/detect/cfar.h"

namespace gprkit::detect_detail {

struct CfarKernel {
  CfarOptions o;
  std::ptrdiff_t m = 0;
  std::ptrdiff_t gs = 0, gt = 0, ms = 0, mt = 0;  // guard and outer half-sizes (samples, traces)
  std::ptrdiff_t nmax = 0;                        // training cells of an unclipped window
  bool expo = false;
  std::vector<double> fac;  // scale factor by the number of training cells (inf: none)
  /// Validates the options (not the data) and tabulates the factors for traces of m samples.
  CfarKernel(const CfarOptions& o, std::ptrdiff_t m);

  // ca: running sums over the window's columns of each column's vertical window sums.
  /// s, q (m) += sgn * the sums of c and c^2 over rows [i - r, i + r], r = ms (outer) or gs
  /// (guard); p1, p2 hold m + 1 doubles.
  void ca_add(const float* c, double sgn, bool outer, double* p1, double* p2, double* s,
              double* q) const;
  /// The thresholds of a trace whose outer / guard windows hold co / cg columns.
  void ca_column(const double* so, const double* qo, const double* sg, const double* qg,
                 std::ptrdiff_t co, std::ptrdiff_t cg, float* t) const;

  // os: the training cells sorted per cell.
  /// cols[0..2 mt]: the columns at offsets -mt..mt (nullptr outside the line); buf holds nmax.
  void os_column(const float* const* cols, float* buf, float* t) const;
};

}  // namespace gprkit::detect_detail
