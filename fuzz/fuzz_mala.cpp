// libFuzzer target: decode_mala on "<RAD text>\0<RD3/RD7 bytes>" (the last byte picks rd7).
#include "fuzz_split.h"
#include "gprkit/core/error.h"
#include "gprkit/io/mala.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto s = gprkit::fuzz::split(data, size - 1);
  try {
    (void)gprkit::io::decode_mala(s.data, s.text, (data[size - 1] & 1) != 0);
  } catch (const gprkit::Error&) {
  }
  return 0;
}
