// Clutter and ground-bounce removal.
#pragma once
#include "gprkit/clutter/background.h"
#include "gprkit/clutter/rpca.h"
#include "gprkit/clutter/surface.h"
#include "gprkit/clutter/svd.h"
