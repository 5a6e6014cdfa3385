// Bscan: an owning float32 section, n_samples x n_traces, column-major.
#pragma once
#include <cstddef>
#include <memory>
#include <vector>

#include "gprkit/core/header.h"
#include "gprkit/core/view.h"

namespace gprkit {

/// Owns its samples (64-byte aligned, each trace contiguous) and a Header.
/// Copyable (deep copy) and movable.
class Bscan {
 public:
  Bscan() = default;
  /// Zero-filled section. Throws InvalidArgument for negative sizes.
  Bscan(std::ptrdiff_t n_samples, std::ptrdiff_t n_traces, Header header = {});
  /// Copies any strided view.
  explicit Bscan(ConstView v, Header header = {});
  /// A section whose samples are left uninitialised, for code that writes every sample
  /// (file readers): saves the zero-fill pass over memory. Throws like the constructor.
  static Bscan uninitialized(std::ptrdiff_t n_samples, std::ptrdiff_t n_traces, Header header = {});

  Bscan(const Bscan& o);
  Bscan& operator=(const Bscan& o);
  Bscan(Bscan&&) noexcept = default;
  Bscan& operator=(Bscan&&) noexcept = default;
  ~Bscan() = default;

  std::ptrdiff_t n_samples() const { return n_samples_; }
  std::ptrdiff_t n_traces() const { return n_traces_; }
  float* data() { return data_.get(); }
  const float* data() const { return data_.get(); }
  float* trace(std::ptrdiff_t j) { return data_.get() + j * n_samples_; }
  const float* trace(std::ptrdiff_t j) const { return data_.get() + j * n_samples_; }
  float& operator()(std::ptrdiff_t i, std::ptrdiff_t j) { return data_[i + j * n_samples_]; }
  float operator()(std::ptrdiff_t i, std::ptrdiff_t j) const { return data_[i + j * n_samples_]; }

  MutView view() { return {data_.get(), n_samples_, n_traces_}; }
  ConstView view() const { return {data_.get(), n_samples_, n_traces_}; }
  ConstView cview() const { return view(); }

  Header& header() { return header_; }
  const Header& header() const { return header_; }

 private:
  struct Free {
    void operator()(float* p) const noexcept;
  };
  std::ptrdiff_t n_samples_ = 0;
  std::ptrdiff_t n_traces_ = 0;
  std::unique_ptr<float[], Free> data_;
  Header header_;
};

/// Returns to the system the large freed section buffers (4 MiB and more) that gprkit keeps
/// for reuse, and gives the bytes released. A few such buffers (at most 512 MiB together, or
/// GPRKIT_SECTION_CACHE_MB; 0 turns the cache off) are kept because a fresh one costs a page
/// fault and a zero-fill per page on first touch, about as long as a single-pass filter.
std::size_t release_cached_sections() noexcept;

}  // namespace gprkit
