#include "gprkit/core/bscan.h"

#include <sys/mman.h>

#include <cstdlib>
#include <cstring>
#include <new>

#include "gprkit/core/validate.h"

namespace gprkit {

void Bscan::Free::operator()(float* p) const noexcept { std::free(p); }

namespace {
float* allocate(std::ptrdiff_t n) {
  // 64-byte alignment so SIMD loads of each section start aligned. Sections of 4 MiB and
  // more are aligned to 2 MiB and advised onto huge pages: first touching a whole line
  // then costs a few hundred page faults instead of tens of thousands.
  constexpr std::size_t kHuge = std::size_t{2} << 20;
  std::size_t bytes = ((static_cast<std::size_t>(n) * sizeof(float) + 63) / 64) * 64;
  if (bytes == 0) return nullptr;
  const bool huge = bytes >= 2 * kHuge;
  if (huge) bytes = (bytes + kHuge - 1) / kHuge * kHuge;
  void* p = std::aligned_alloc(huge ? kHuge : 64, bytes);
  if (p == nullptr) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
  if (huge) (void)madvise(p, bytes, MADV_HUGEPAGE);  // advice only: failure is harmless
#endif
  return static_cast<float*>(p);
}
}  // namespace

Bscan::Bscan(std::ptrdiff_t n_samples, std::ptrdiff_t n_traces, Header header)
    : n_samples_(n_samples), n_traces_(n_traces), header_(std::move(header)) {
  if (n_samples < 0) check::fail("Bscan", "n_samples", static_cast<double>(n_samples), ">= 0");
  if (n_traces < 0) check::fail("Bscan", "n_traces", static_cast<double>(n_traces), ">= 0");
  if (n_traces > 0 && n_samples > PTRDIFF_MAX / 4 / n_traces)
    check::fail("Bscan", "size", check::shape_str(n_samples, n_traces), "a size that fits memory");
  data_.reset(allocate(n_samples * n_traces));
  if (data_) std::memset(data_.get(), 0, static_cast<std::size_t>(n_samples * n_traces) * 4);
}

Bscan Bscan::uninitialized(std::ptrdiff_t n_samples, std::ptrdiff_t n_traces, Header header) {
  if (n_samples < 0) check::fail("Bscan", "n_samples", static_cast<double>(n_samples), ">= 0");
  if (n_traces < 0) check::fail("Bscan", "n_traces", static_cast<double>(n_traces), ">= 0");
  if (n_traces > 0 && n_samples > PTRDIFF_MAX / 4 / n_traces)
    check::fail("Bscan", "size", check::shape_str(n_samples, n_traces), "a size that fits memory");
  Bscan b;
  b.n_samples_ = n_samples;
  b.n_traces_ = n_traces;
  b.header_ = std::move(header);
  b.data_.reset(allocate(n_samples * n_traces));
  return b;
}

Bscan::Bscan(ConstView v, Header header)
    : Bscan(uninitialized(v.n_samples, v.n_traces, std::move(header))) {  // every sample is copied
  for (std::ptrdiff_t j = 0; j < n_traces_; ++j) {
    float* dst = trace(j);
    if (v.sample_stride == 1) {
      std::memcpy(dst, v.trace(j), static_cast<std::size_t>(n_samples_) * sizeof(float));
    } else {
      for (std::ptrdiff_t i = 0; i < n_samples_; ++i) dst[i] = v(i, j);
    }
  }
}

Bscan::Bscan(const Bscan& o) : Bscan(o.view(), o.header_) {}

Bscan& Bscan::operator=(const Bscan& o) {
  if (this != &o) *this = Bscan(o);
  return *this;
}

}  // namespace gprkit
