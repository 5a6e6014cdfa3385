// The library version, as recorded in every processing history.
#pragma once

namespace gprkit {

/// "MAJOR.MINOR.PATCH" of this build (the CMake project version).
const char* version();

}  // namespace gprkit
