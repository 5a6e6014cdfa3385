// libFuzzer target: decode_gprmax on the bytes of a .out (HDF5 opened in memory by the core
// driver) must return or throw gprkit::Error.
#include <cstddef>
#include <cstdint>
#include <span>

#include "gprkit/core/error.h"
#include "gprkit/io/gprmax.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    (void)gprkit::io::decode_gprmax(std::span<const std::uint8_t>(data, size));
  } catch (const gprkit::Error&) {
  }
  return 0;
}
