// libFuzzer target: decode_impulseradar on "<IPRH text>\0<IPRB bytes>".
#include "fuzz_split.h"
#include "gprkit/core/error.h"
#include "gprkit/io/impulseradar.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto s = gprkit::fuzz::split(data, size);
  try {
    (void)gprkit::io::decode_impulseradar(s.data, s.text);
  } catch (const gprkit::Error&) {
  }
  return 0;
}
