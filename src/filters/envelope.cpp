#include "gprkit/filters/envelope.h"

#include <cmath>

#include "fft_scratch.h"
#include "per_trace.h"

namespace gprkit {

void envelope(ConstView in, MutView out, const EnvelopeOptions& o) {
  check::non_empty("envelope", "input", in);
  if (o.pad_samples > (std::ptrdiff_t{1} << 28))
    check::fail("envelope", "pad_samples", static_cast<double>(o.pad_samples), "<= 2^28");
  const std::size_t len = detail::padded_length(in.n_samples, o.pad_samples);
  const std::size_t nf = len / 2 + 1;
  const float scale = 1.0f / static_cast<float>(len);
  detail::for_each_trace("envelope", in, out,
                         [&](const float* x, float* y, std::ptrdiff_t m, std::ptrdiff_t) {
                           auto& s = detail::thread_fft_scratch();
                           s.ensure(len);
                           float* r = s.real.get();
                           if (!check::all_finite(x, m)) return false;
                           for (std::ptrdiff_t i = 0; i < m; ++i) r[i] = x[i];
                           for (std::size_t i = static_cast<std::size_t>(m); i < len; ++i)
                             r[i] = 0.0f;
                           fft::r2c(len, r, s.spec.get());
                           // Hilbert transform: multiply positive frequencies by -i; DC and Nyquist
                           // by 0.
                           fft::cfloat* X = s.spec.get();
                           X[0] = 0.0f;
                           for (std::size_t k = 1; k < nf; ++k)
                             X[k] = fft::cfloat(X[k].imag(), -X[k].real()) * scale;
                           if (len % 2 == 0) X[nf - 1] = 0.0f;
                           fft::c2r(len, X, r);
                           for (std::ptrdiff_t i = 0; i < m; ++i)
                             y[i] = std::sqrt(x[i] * x[i] + r[i] * r[i]);
                           return true;
                         });
}

Bscan envelope(const Bscan& in, const EnvelopeOptions& o) {
  Bscan out = Bscan::uninitialized(in.n_samples(), in.n_traces(), in.header());
  envelope(in.view(), out.view(), o);
  return out;
}

}  // namespace gprkit
