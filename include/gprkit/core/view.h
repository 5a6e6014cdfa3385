// Non-owning strided views of a B-scan (n_samples x n_traces, float32).
#pragma once
#include <cstddef>
#include <type_traits>

namespace gprkit {

/// A strided 2-D view: element (i, j) = data[i * sample_stride + j * trace_stride]
/// (strides in elements, not bytes). Sample i runs down a trace (time), trace j
/// along the line. The default (column-major, each trace contiguous) has
/// sample_stride == 1 and trace_stride == n_samples.
template <class T>
struct BasicView {
  T* data = nullptr;
  std::ptrdiff_t n_samples = 0;
  std::ptrdiff_t n_traces = 0;
  std::ptrdiff_t sample_stride = 1;
  std::ptrdiff_t trace_stride = 0;

  constexpr BasicView() = default;
  /// Column-major contiguous view.
  constexpr BasicView(T* d, std::ptrdiff_t ns, std::ptrdiff_t nt)
      : data(d), n_samples(ns), n_traces(nt), sample_stride(1), trace_stride(ns) {}
  constexpr BasicView(T* d, std::ptrdiff_t ns, std::ptrdiff_t nt, std::ptrdiff_t ss,
                      std::ptrdiff_t ts)
      : data(d), n_samples(ns), n_traces(nt), sample_stride(ss), trace_stride(ts) {}
  /// A mutable view converts to a read-only one.
  template <class U, class = std::enable_if_t<std::is_same_v<const U, T> && !std::is_same_v<U, T>>>
  constexpr BasicView(const BasicView<U>& o)  // NOLINT(google-explicit-constructor)
      : data(o.data),
        n_samples(o.n_samples),
        n_traces(o.n_traces),
        sample_stride(o.sample_stride),
        trace_stride(o.trace_stride) {}

  constexpr T& operator()(std::ptrdiff_t i, std::ptrdiff_t j) const {
    return data[i * sample_stride + j * trace_stride];
  }
  constexpr T* trace(std::ptrdiff_t j) const { return data + j * trace_stride; }
  constexpr bool empty() const { return n_samples <= 0 || n_traces <= 0; }
  constexpr std::ptrdiff_t size() const { return n_samples * n_traces; }
  /// True when each trace is contiguous (sample_stride == 1).
  constexpr bool traces_contiguous() const { return sample_stride == 1; }
  /// Traces [first, first + count).
  constexpr BasicView traces(std::ptrdiff_t first, std::ptrdiff_t count) const {
    return {data + first * trace_stride, n_samples, count, sample_stride, trace_stride};
  }
  /// Samples [first, first + count) of every trace.
  constexpr BasicView samples(std::ptrdiff_t first, std::ptrdiff_t count) const {
    return {data + first * sample_stride, count, n_traces, sample_stride, trace_stride};
  }
};

using ConstView = BasicView<const float>;
using MutView = BasicView<float>;

}  // namespace gprkit
