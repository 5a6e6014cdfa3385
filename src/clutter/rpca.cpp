#include "gprkit/clutter/rpca.h"

#include <cmath>
#include <string>

#include "gprkit/core/bscan.h"
#include "gprkit/core/validate.h"
#include "linalg.h"

namespace gprkit {
namespace clutter_detail {

void check_rpca_options(const char* w, const RpcaOptions& o) {
  check::finite(w, "rpca lambda", o.lambda);
  check::positive(w, "rpca tolerance", o.tolerance);
  if (o.max_iterations < 1) check::fail(w, "rpca max_iterations", o.max_iterations, ">= 1");
  check::finite(w, "rpca rho", o.rho);
  if (!(o.rho > 1.0)) check::fail(w, "rpca rho", o.rho, "a value > 1");
  if (o.oversampling < 0) check::fail(w, "rpca oversampling", o.oversampling, ">= 0");
  if (o.power_iterations < 0) check::fail(w, "rpca power_iterations", o.power_iterations, ">= 0");
}

void rpca_core(const MapCF& d, MatF& low, MatF& sparse, const RpcaOptions& o, RpcaReport& rep,
               MatF& basis) {
  const std::ptrdiff_t m = d.rows(), n = d.cols(), mn = std::min(m, n);
  const auto work = static_cast<std::size_t>(m * n);
  constexpr std::ptrdiff_t chunk = 256;
  const bool full = o.svd == RpcaSvd::full;
  const double lambda =
      o.lambda > 0 ? o.lambda : 1.0 / std::sqrt(static_cast<double>(std::max(m, n)));
  rep = {};
  rep.lambda = lambda;
  low.setZero(m, n);
  sparse.setZero(m, n);
  basis.resize(m, 0);

  const double norm_f =
      std::sqrt(chunked_sum(n, chunk, work, [&](std::ptrdiff_t c, std::ptrdiff_t k) {
        return static_cast<double>(d.middleCols(c, k).template cast<double>().squaredNorm());
      }));
  if (norm_f == 0.0) {
    rep.converged = true;
    return;
  }
  MatF u;
  std::vector<double> s;
  leading_svd(d, 1, o.oversampling, std::max(o.power_iterations, 2), o.seed, false, u, s);
  const double norm2 = s[0];
  double max_abs = 0.0;
  {
    std::vector<double> part(static_cast<std::size_t>((n + chunk - 1) / chunk), 0.0);
    for_chunks(n, chunk, work, [&](std::ptrdiff_t c, std::ptrdiff_t k) {
      part[static_cast<std::size_t>(c / chunk)] = d.middleCols(c, k).cwiseAbs().maxCoeff();
    });
    for (double p : part) max_abs = std::max(max_abs, p);
  }
  const double dual = std::max(norm2, max_abs / lambda);
  MatF y(m, n), mtx(m, n), w;
  const auto inv_dual = static_cast<float>(1.0 / dual);
  for_chunks(n, chunk, work, [&](std::ptrdiff_t c, std::ptrdiff_t k) {
    y.middleCols(c, k) = d.middleCols(c, k) * inv_dual;
  });
  double mu = 1.25 / norm2;
  const double mu_bar = mu * 1e7;
  std::ptrdiff_t sv = std::min<std::ptrdiff_t>(10, mn);
  std::ptrdiff_t svp = 0;
  double tau = 0.0;
  for (int it = 1; it <= o.max_iterations; ++it) {
    const auto inv_mu = static_cast<float>(1.0 / mu);
    for_chunks(n, chunk, work, [&](std::ptrdiff_t c, std::ptrdiff_t k) {
      mtx.middleCols(c, k) =
          d.middleCols(c, k) - sparse.middleCols(c, k) + y.middleCols(c, k) * inv_mu;
    });
    tau = 1.0 / mu;
    leading_svd(mtx, full ? mn : sv, o.oversampling, o.power_iterations,
                o.seed + static_cast<std::uint64_t>(it), full, u, s);
    svp = 0;
    while (svp < static_cast<std::ptrdiff_t>(s.size()) && s[static_cast<std::size_t>(svp)] > tau)
      ++svp;
    if (!full) {
      if (svp < sv)
        sv = std::min(svp + 1, mn);
      else
        sv = std::min<std::ptrdiff_t>(svp + std::lround(0.05 * static_cast<double>(mn)) + 1, mn);
    }
    if (svp == 0) {
      low.setZero();
      basis.resize(m, 0);
    } else {
      basis = u.leftCols(svp);
      mul_t(mtx, basis, w);  // n x svp: M^T U
      for (std::ptrdiff_t i = 0; i < svp; ++i)
        w.col(i) *= static_cast<float>(1.0 - tau / s[static_cast<std::size_t>(i)]);
      for_chunks(n, chunk, work, [&](std::ptrdiff_t c, std::ptrdiff_t k) {
        low.middleCols(c, k).noalias() = basis * w.middleRows(c, k).transpose();
      });
    }
    const auto thr = static_cast<float>(lambda / mu);
    const auto muf = static_cast<float>(mu);
    const double z2 = chunked_sum(n, chunk, work, [&](std::ptrdiff_t c, std::ptrdiff_t k) {
      double acc = 0.0;
      for (std::ptrdiff_t j = c; j < c + k; ++j) {
        const float* dj = d.col(j).data();
        const float* lj = low.col(j).data();
        float* sj = sparse.col(j).data();
        float* yj = y.col(j).data();
        for (std::ptrdiff_t i = 0; i < m; ++i) {
          const float t = dj[i] - lj[i] + yj[i] * inv_mu;
          const float a = std::abs(t) - thr;
          const float sij = a > 0.0f ? std::copysign(a, t) : 0.0f;
          const float z = dj[i] - lj[i] - sij;
          sj[i] = sij;
          yj[i] += muf * z;
          acc += static_cast<double>(z) * static_cast<double>(z);
        }
      }
      return acc;
    });
    rep.iterations = it;
    rep.residual = std::sqrt(z2) / norm_f;
    mu = std::min(mu * o.rho, mu_bar);
    if (rep.residual < o.tolerance) {
      rep.converged = true;
      break;
    }
  }
  rep.rank = static_cast<int>(svp);
  rep.singular_values.resize(static_cast<std::size_t>(svp));
  for (std::ptrdiff_t i = 0; i < svp; ++i)
    rep.singular_values[static_cast<std::size_t>(i)] = s[static_cast<std::size_t>(i)] - tau;
}

}  // namespace clutter_detail

void rpca(ConstView d, MutView low_rank, MutView sparse, const RpcaOptions& o, RpcaReport* report) {
  constexpr const char* w = "rpca";
  check::finite_data(w, "d", d);
  check::same_shape(w, d, low_rank);
  check::same_shape(w, d, sparse);
  check::no_partial_overlap(w, d, low_rank);
  check::no_partial_overlap(w, d, sparse);
  if (low_rank.data == d.data || sparse.data == d.data)
    check::fail(w, "low_rank/sparse", "the input's memory", "outputs separate from d");
  check::no_partial_overlap(w, ConstView(low_rank), sparse);
  if (low_rank.data == sparse.data)
    check::fail(w, "sparse", "the low_rank output's memory", "separate outputs");
  clutter_detail::check_rpca_options(w, o);
  clutter_detail::MatF low, sp, basis;
  RpcaReport rep;
  if (d.traces_contiguous()) {
    const clutter_detail::MapCF map(d.data, d.n_samples, d.n_traces,
                                    Eigen::OuterStride<>(d.trace_stride));
    clutter_detail::rpca_core(map, low, sp, o, rep, basis);
  } else {
    const Bscan copy(d);
    const clutter_detail::MapCF map(copy.data(), d.n_samples, d.n_traces,
                                    Eigen::OuterStride<>(d.n_samples));
    clutter_detail::rpca_core(map, low, sp, o, rep, basis);
  }
  check::finite_output(w, ConstView(low.data(), d.n_samples, d.n_traces), d);
  check::finite_output(w, ConstView(sp.data(), d.n_samples, d.n_traces), d);
  for (std::ptrdiff_t j = 0; j < d.n_traces; ++j)
    for (std::ptrdiff_t i = 0; i < d.n_samples; ++i) {
      low_rank(i, j) = low(i, j);
      sparse(i, j) = sp(i, j);
    }
  if (report) *report = std::move(rep);
}

}  // namespace gprkit
