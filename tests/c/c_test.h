/* Helpers shared by the C API tests: a check macro and a synthetic line. Plain C99. */
#ifndef GPRKIT_TESTS_C_TEST_H
#define GPRKIT_TESTS_C_TEST_H

#include <gprkit/gprkit.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int g_failures = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      ++g_failures;                                                            \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                          \
  } while (0)

/* A call that must return `want`; prints the status and message otherwise. */
#define CHECK_STATUS(call, want)                                                              \
  do {                                                                                        \
    gprkit_status st_ = (call);                                                               \
    if (st_ != (want)) {                                                                      \
      ++g_failures;                                                                           \
      fprintf(stderr, "%s:%d: %s returned %s (expected %s): %s\n", __FILE__, __LINE__, #call, \
              gprkit_status_name(st_), gprkit_status_name(want), gprkit_last_error());        \
    }                                                                                         \
  } while (0)

#define CHECK_OK(call) CHECK_STATUS(call, GPRKIT_OK)

/* The last error mentions `word` (e.g. the name of the NULL argument). */
#define CHECK_MESSAGE(word)                                                                     \
  do {                                                                                          \
    if (strstr(gprkit_last_error(), (word)) == NULL) {                                          \
      ++g_failures;                                                                             \
      fprintf(stderr, "%s:%d: last error \"%s\" does not mention \"%s\"\n", __FILE__, __LINE__, \
              gprkit_last_error(), (word));                                                     \
    }                                                                                           \
  } while (0)

static inline int test_result(const char* name) {
  if (g_failures == 0) {
    printf("%s: all checks passed\n", name);
    return 0;
  }
  fprintf(stderr, "%s: %d check(s) failed\n", name, g_failures);
  return 1;
}

static inline void* checked_malloc(size_t n) {
  void* p = malloc(n ? n : 1);
  if (p == NULL) {
    fprintf(stderr, "out of memory\n");
    exit(2);
  }
  return p;
}

/* Deterministic noise in [-1, 1) (a 64-bit LCG). */
static inline double test_noise(uint64_t* state) {
  *state = *state * 6364136223846793005ull + 1442695040888963407ull;
  return (double)(*state >> 11) / 4503599627370496.0 - 1.0;
}

static inline double test_ricker(double t_ns, double f_mhz) {
  const double a = 3.14159265358979323846 * f_mhz * 1e-3 * t_ns;
  return (1.0 - 2.0 * a * a) * exp(-a * a);
}

/* A line of n_traces x n_samples (each trace contiguous): a direct wave, weak noise and a
 * point diffractor every 1.5 m at 0.25 m depth (ground velocity 0.1 m/ns). */
static inline float* test_line(int64_t n_samples, int64_t n_traces, double dt_ns, double dx_m,
                               double f_mhz) {
  float* d = (float*)checked_malloc((size_t)(n_samples * n_traces) * sizeof(float));
  uint64_t state = 12345;
  const double v = 0.1, depth = 0.25, t_direct = 4.0 / f_mhz * 1e3 * 0.25;
  int64_t i, j;
  for (j = 0; j < n_traces; ++j) {
    const double x = (double)j * dx_m;
    const double x0 = 0.75 + 1.5 * floor(x / 1.5);
    const double t_apex = 2.0 * sqrt(depth * depth + (x - x0) * (x - x0)) / v;
    for (i = 0; i < n_samples; ++i) {
      const double t = (double)i * dt_ns;
      const double s = test_ricker(t - t_direct, f_mhz) +
                       0.5 * test_ricker(t - t_direct - t_apex, f_mhz) + 0.01 * test_noise(&state);
      d[i + j * n_samples] = (float)s;
    }
  }
  return d;
}

#endif /* GPRKIT_TESTS_C_TEST_H */
