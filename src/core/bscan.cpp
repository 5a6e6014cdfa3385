#include "gprkit/core/bscan.h"

#include <cstdlib>
#include <cstring>
#include <new>

#include "gprkit/core/validate.h"
#include "section_memory.h"

namespace gprkit {

void Bscan::Free::operator()(float* p) const noexcept { detail::free_section(p); }

namespace {
float* allocate(std::ptrdiff_t n) {
  return detail::allocate_section(static_cast<std::size_t>(n) * sizeof(float));
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
