// Internal to src/clutter: thread-count-independent dense products and the randomized
// SVD core shared by svd.cpp, rpca.cpp and background.cpp.
#pragma once
#include <omp.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <mutex>
#include <vector>

#include "gprkit/core/threads.h"

namespace gprkit::clutter_detail {

using MatF = Eigen::MatrixXf;
using MatD = Eigen::MatrixXd;
using MapCF = Eigen::Map<const MatF, 0, Eigen::OuterStride<>>;
using MapF = Eigen::Map<MatF, 0, Eigen::OuterStride<>>;

/// Runs f(first, count) over [0, n) cut into fixed chunks of `chunk` (independent of the
/// thread count, so per-chunk results are reproducible), on threads_for(work) threads.
/// Inside, Eigen runs single-threaded (omp_set_num_threads(1) is per task), so Eigen's own
/// GEMM parallelism never changes the summation order. Exceptions are rethrown.
template <class F>
void for_chunks(std::ptrdiff_t n, std::ptrdiff_t chunk, std::size_t work, F&& f) {
  if (n <= 0) return;
  const std::ptrdiff_t n_chunks = (n + chunk - 1) / chunk;
  const int nt = static_cast<int>(
      std::min<std::ptrdiff_t>(threads_for(work), std::max<std::ptrdiff_t>(n_chunks, 1)));
  std::exception_ptr error;
  std::mutex error_mutex;
#pragma omp parallel num_threads(nt)
  {
    omp_set_num_threads(1);
#pragma omp for schedule(static)
    for (std::ptrdiff_t c = 0; c < n_chunks; ++c) {
      try {
        const std::ptrdiff_t first = c * chunk;
        f(first, std::min(chunk, n - first));
      } catch (...) {
        const std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
      }
    }
  }
  if (error) std::rethrow_exception(error);
}

/// Runs f() with Eigen single-threaded (for decompositions whose internal GEMMs would
/// otherwise use OpenMP and depend on the thread count).
template <class F>
void eigen_serial(F&& f) {
  for_chunks(1, 1, 0, [&](std::ptrdiff_t, std::ptrdiff_t) { f(); });
}

/// y (m x l) = a (m x n) * x (n x l), rows in fixed blocks.
template <class A>
void mul(const A& a, const MatF& x, MatF& y) {
  y.resize(a.rows(), x.cols());
  const auto work = static_cast<std::size_t>(a.rows() * a.cols());
  for_chunks(a.rows(), 128, work, [&](std::ptrdiff_t r0, std::ptrdiff_t len) {
    y.middleRows(r0, len).noalias() = a.middleRows(r0, len) * x;
  });
}

/// z (n x l) = a^T (n x m) * y (m x l), traces in fixed blocks.
template <class A>
void mul_t(const A& a, const MatF& y, MatF& z) {
  z.resize(a.cols(), y.cols());
  const auto work = static_cast<std::size_t>(a.rows() * a.cols());
  for_chunks(a.cols(), 256, work, [&](std::ptrdiff_t c0, std::ptrdiff_t len) {
    z.middleRows(c0, len).noalias() = a.middleCols(c0, len).transpose() * y;
  });
}

/// Orthonormal basis (thin Q) of the columns of y, in place.
inline void orthonormalize(MatF& y) {
  eigen_serial([&] {
    Eigen::HouseholderQR<MatF> qr(y);
    y = qr.householderQ() * MatF::Identity(y.rows(), y.cols());
  });
}

/// Deterministic standard normal n x l matrix (own Box-Muller, same on every platform).
inline MatF gaussian(std::ptrdiff_t n, std::ptrdiff_t l, std::uint64_t seed) {
  MatF g(n, l);
  std::uint64_t s = seed * 0x9E3779B97F4A7C15ULL + 0x2545F4914F6CDD1DULL;
  auto next = [&s]() {  // splitmix64
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  };
  float* p = g.data();
  const std::ptrdiff_t total = n * l;
  for (std::ptrdiff_t i = 0; i < total; i += 2) {
    const double u1 = (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53;
    const double u2 = static_cast<double>(next() >> 11) * 0x1.0p-53;
    const double r = std::sqrt(-2.0 * std::log(u1));
    p[i] = static_cast<float>(r * std::cos(6.283185307179586 * u2));
    if (i + 1 < total) p[i + 1] = static_cast<float>(r * std::sin(6.283185307179586 * u2));
  }
  return g;
}

/// Leading singular values s (descending, up to r) and left singular vectors u (m x r) of
/// a (m x n). `full` forces a complete thin SVD.
template <class A>
void leading_svd(const A& a, std::ptrdiff_t r, int oversampling, int power_iterations,
                 std::uint64_t seed, bool full, MatF& u, std::vector<double>& s) {
  const std::ptrdiff_t m = a.rows(), n = a.cols();
  const std::ptrdiff_t mn = std::min(m, n);
  r = std::min(r, mn);
  const std::ptrdiff_t l = std::min(r + oversampling, mn);
  if (full || 2 * l >= mn || m * n <= 4096) {
    eigen_serial([&] {
      MatF copy = a;
      Eigen::BDCSVD<MatF> svd(copy, Eigen::ComputeThinU);
      u = svd.matrixU().leftCols(r);
      s.resize(static_cast<std::size_t>(r));
      for (std::ptrdiff_t i = 0; i < r; ++i)
        s[static_cast<std::size_t>(i)] = static_cast<double>(svd.singularValues()(i));
    });
    return;
  }
  MatF q, z;
  mul(a, gaussian(n, l, seed), q);  // m x l
  orthonormalize(q);
  for (int it = 0; it < power_iterations; ++it) {
    mul_t(a, q, z);  // n x l
    orthonormalize(z);
    mul(a, z, q);
    orthonormalize(q);
  }
  mul_t(a, q, z);  // B^T = A^T Q, n x l
  // B^T = Qb R, R = Ur S Vr^T  =>  B = Vr S (Qb Ur)^T, so A ~ (Q Vr) S (...)^T.
  eigen_serial([&] {
    Eigen::HouseholderQR<MatF> qr(z);
    const MatD rmat = qr.matrixQR()
                          .topRows(l)
                          .template triangularView<Eigen::Upper>()
                          .toDenseMatrix()
                          .template cast<double>();
    Eigen::JacobiSVD<MatD> svd(rmat, Eigen::ComputeFullV);
    u = q * svd.matrixV().leftCols(r).template cast<float>();
    s.resize(static_cast<std::size_t>(r));
    for (std::ptrdiff_t i = 0; i < r; ++i) s[static_cast<std::size_t>(i)] = svd.singularValues()(i);
  });
}

}  // namespace gprkit::clutter_detail

#include "gprkit/clutter/rpca.h"

namespace gprkit::clutter_detail {

/// Sum over fixed chunks of [0, n), added in chunk order (thread-count independent).
template <class F>
double chunked_sum(std::ptrdiff_t n, std::ptrdiff_t chunk, std::size_t work, F&& f) {
  const std::ptrdiff_t n_chunks = (n + chunk - 1) / chunk;
  std::vector<double> part(static_cast<std::size_t>(std::max<std::ptrdiff_t>(n_chunks, 0)), 0.0);
  for_chunks(n, chunk, work, [&](std::ptrdiff_t first, std::ptrdiff_t count) {
    part[static_cast<std::size_t>(first / chunk)] = f(first, count);
  });
  double s = 0.0;
  for (double p : part) s += p;
  return s;
}

/// Inexact-ALM RPCA of d (m x n, contiguous traces): fills low (L) and sparse (S), the
/// report, and `basis` (m x rank, orthonormal: the column space of L).
void rpca_core(const MapCF& d, MatF& low, MatF& sparse, const RpcaOptions& o, RpcaReport& rep,
               MatF& basis);

/// Validates RpcaOptions (names the caller).
void check_rpca_options(const char* where, const RpcaOptions& o);

}  // namespace gprkit::clutter_detail
