// Internal: the k-th smallest of a short array, without the mispredicted branches of
// std::nth_element's in-place partition.
//
// Why: the per-trace medians of the robust fits (a hundred or two values, several times per
// trace and iteration) spent most of their time in nth_element's partition, whose branch on
// each comparison goes either way at random. Here each round copies the values below and
// above a pivot to the two ends of a scratch buffer without a branch (both stores happen, only
// the counts move), and keeps the side that holds rank k. The k-th smallest value is unique, so
// the result is bit for bit nth_element's.
#pragma once

#include <algorithm>
#include <cstddef>

namespace gprkit::detail {

/// The k-th smallest (0-based) of a[0, n), 0 <= k < n, no NaN. a is left unchanged; scratch
/// holds 2 n values.
template <class T>
T kth_smallest(const T* a, std::ptrdiff_t n, std::ptrdiff_t k, T* scratch) {
  // Each round reads `cur` and writes into the half of scratch that `cur` is not in: the
  // values below the pivot from its start up, those above from its end down (the two never
  // overwrite a kept value: after i values, nl + nh <= i < n).
  T* const half[2] = {scratch, scratch + n};
  int out = 0;
  const T* cur = a;
  for (int round = 0; n > 16; ++round) {
    T* buf = half[out];
    if (round == 64) {  // a pathological order: finish the usual way
      std::copy(cur, cur + n, buf);
      std::nth_element(buf, buf + k, buf + n);
      return buf[k];
    }
    // Pivot: the median of the first, middle and last values.
    const T x0 = cur[0], x1 = cur[n / 2], x2 = cur[n - 1];
    const T p = std::max(std::min(x0, x1), std::min(std::max(x0, x1), x2));
    std::ptrdiff_t nl = 0, nh = 0;
    for (std::ptrdiff_t i = 0; i < n; ++i) {
      const T x = cur[i];
      buf[nl] = x;
      buf[n - 1 - nh] = x;
      nl += x < p;
      nh += p < x;
    }
    if (k < nl) {
      cur = buf;
      n = nl;
    } else if (k >= n - nh) {
      k -= n - nh;
      cur = buf + (n - nh);
      n = nh;
    } else {
      return p;  // rank k falls among the values equal to the pivot
    }
    out ^= 1;
  }
  // A few values left: insertion sort into the free half.
  T* s = half[out];
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    const T x = cur[i];
    std::ptrdiff_t j = i;
    for (; j > 0 && x < s[j - 1]; --j) s[j] = s[j - 1];
    s[j] = x;
  }
  return s[k];
}

}  // namespace gprkit::detail
