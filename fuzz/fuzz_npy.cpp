// libFuzzer target: decode_npy on "<JSON sidecar>\0<npy bytes>" must return or throw gprkit::Error.
#include "fuzz_split.h"
#include "gprkit/core/error.h"
#include "gprkit/io/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto s = gprkit::fuzz::split(data, size);
  try {
    (void)gprkit::io::decode_npy(s.data, s.text);
  } catch (const gprkit::Error&) {
  }
  return 0;
}
