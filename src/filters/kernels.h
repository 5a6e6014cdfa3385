// Internal: the per-call tables of the table-driven filters, split from their application so
// a plan computes them once (src/pipeline) and every call only applies them.
#pragma once
#include <cstddef>
#include <vector>

#include "gprkit/filters/bandpass.h"
#include "gprkit/filters/gain.h"

namespace gprkit::detail {

/// Band-pass gain per FFT bin (1/len folded in) for traces of n samples.
struct BandpassTable {
  std::ptrdiff_t n = 0;
  std::size_t len = 0;  ///< padded transform length
  std::vector<float> gain;
  std::vector<double> fade;  ///< cross-fade weight of the backward continuation per pad sample
};
/// Validates resolved options (no automatic corners left) and builds the table.
BandpassTable bandpass_table(std::ptrdiff_t n, double dt_ns, const BandpassOptions& resolved);
void bandpass_apply(ConstView in, MutView out, const BandpassTable& t);

/// Throws InvalidArgument for options gain() refuses.
void validate_gain(double dt_ns, double t0_ns, const GainOptions& o);
/// The deterministic gain curve (tpow, exp, sec) of n samples.
std::vector<float> gain_curve(std::ptrdiff_t n, double dt_ns, double t0_ns, const GainOptions& o);
void gain_apply_curve(ConstView in, MutView out, const std::vector<float>& curve);

}  // namespace gprkit::detail
