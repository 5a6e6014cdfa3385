// Migration and velocity analysis.
#pragma once
#include "gprkit/migrate/migrate.h"
