// libFuzzer target: decode_dzt on arbitrary bytes must return or throw gprkit::Error.
#include <cstddef>
#include <cstdint>

#include "gprkit/core/error.h"
#include "gprkit/io/dzt.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    (void)gprkit::io::decode_dzt({data, size});
  } catch (const gprkit::Error&) {
  }
  return 0;
}
