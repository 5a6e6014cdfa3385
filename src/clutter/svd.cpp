#include "gprkit/clutter/svd.h"

#include <string>

#include "gprkit/core/bscan.h"
#include "gprkit/core/validate.h"
#include "linalg.h"

namespace gprkit {

TruncatedSvd truncated_svd(ConstView a, int k, const SvdOptions& o) {
  constexpr const char* w = "truncated_svd";
  check::finite_data(w, "a", a);
  const std::ptrdiff_t mn = std::min(a.n_samples, a.n_traces);
  if (k < 1 || k > mn)
    check::fail(w, "k", k,
                "1..min(n_samples, n_traces) = " + std::to_string(mn) + " (the largest rank of " +
                    check::shape_str(a.n_samples, a.n_traces) + ")");
  if (o.oversampling < 0) check::fail(w, "oversampling", o.oversampling, ">= 0");
  if (o.power_iterations < 0) check::fail(w, "power_iterations", o.power_iterations, ">= 0");
  TruncatedSvd out;
  out.n_samples = a.n_samples;
  out.k = k;
  clutter_detail::MatF u;
  auto run = [&](ConstView v) {
    const clutter_detail::MapCF map(v.data, v.n_samples, v.n_traces,
                                    Eigen::OuterStride<>(v.trace_stride));
    clutter_detail::leading_svd(map, k, o.oversampling, o.power_iterations, o.seed, false, u,
                                out.singular_values);
  };
  if (a.traces_contiguous()) {
    run(a);
  } else {
    const Bscan copy(a);
    run(copy.view());
  }
  check::finite_output(w, ConstView(u.data(), u.rows(), u.cols()), a);
  for (double s : out.singular_values) check::finite(w, "singular value (scale the data)", s);
  out.u.assign(u.data(), u.data() + u.size());
  return out;
}

}  // namespace gprkit
