// libFuzzer target: Pipeline::from_json on any bytes must return or throw gprkit::Error, and
// a pipeline it accepts must write JSON that reads back to the same pipeline.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gprkit/core/error.h"
#include "gprkit/pipeline/pipeline.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const gprkit::Pipeline p = gprkit::Pipeline::from_json(text);
    const std::string out = p.to_json();
    if (gprkit::Pipeline::from_json(out).to_json() != out) std::abort();
  } catch (const gprkit::Error&) {
  }
  return 0;
}
