// libFuzzer target: decode_dt1 on "<HD text>\0<DT1 bytes>" must return or throw gprkit::Error.
#include "fuzz_split.h"
#include "gprkit/core/error.h"
#include "gprkit/io/dt1.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto s = gprkit::fuzz::split(data, size);
  try {
    (void)gprkit::io::decode_dt1(s.data, s.text);
  } catch (const gprkit::Error&) {
  }
  return 0;
}
