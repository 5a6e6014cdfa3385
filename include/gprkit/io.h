// gprkit::io: instrument file formats (GSSI DZT, pulseEKKO DT1/HD, MALA RD3/RD7/RAD,
// ImpulseRadar IPRB/IPRH, SEG-Y, gprMax HDF5 output, numpy .npy + JSON sidecar) and the
// read()/write() entry points.
#pragma once
#include "gprkit/io/dt1.h"
#include "gprkit/io/dzt.h"
#include "gprkit/io/gprmax.h"
#include "gprkit/io/impulseradar.h"
#include "gprkit/io/mala.h"
#include "gprkit/io/npy.h"
#include "gprkit/io/positions.h"
#include "gprkit/io/read.h"
#include "gprkit/io/segy.h"
