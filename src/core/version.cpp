#include "gprkit/core/version.h"

namespace gprkit {

const char* version() { return GPRKIT_VERSION_STRING; }

}  // namespace gprkit
