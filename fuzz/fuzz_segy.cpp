// libFuzzer target: decode_segy on arbitrary bytes must return or throw gprkit::Error.
#include <cstddef>
#include <cstdint>

#include "gprkit/core/error.h"
#include "gprkit/io/segy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    (void)gprkit::io::decode_segy({data, size});
  } catch (const gprkit::Error&) {
  }
  return 0;
}
