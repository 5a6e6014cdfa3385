// All per-trace filters.
#pragma once
#include "gprkit/filters/bandpass.h"
#include "gprkit/filters/dc_remove.h"
#include "gprkit/filters/dewow.h"
#include "gprkit/filters/envelope.h"
#include "gprkit/filters/gain.h"
#include "gprkit/filters/normalize_distance.h"
#include "gprkit/filters/time_zero.h"
#include "gprkit/filters/topographic_correction.h"
