// gprkit detect folder: anomaly scores, CFAR, detections, the detection chain, evaluation.
#pragma once
#include "gprkit/detect/air_gap.h"
#include "gprkit/detect/cfar.h"
#include "gprkit/detect/detect.h"
#include "gprkit/detect/detection.h"
#include "gprkit/detect/evaluate.h"
#include "gprkit/detect/features.h"
#include "gprkit/detect/flat_top.h"
#include "gprkit/detect/score.h"
