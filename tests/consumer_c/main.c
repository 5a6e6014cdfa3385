/* A downstream C program: the default stream on synthetic traces, through the installed
 * package. After k single-trace pushes exactly k - delay traces must have come out. */
#include <gprkit/gprkit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  const int64_t ns = 128, extra = 20;
  const double dt_ns = 0.05, dx_m = 0.01;
  gprkit_stream* s = NULL;
  int64_t delay = 0, total = 0, n = 0, j, i;
  float* trace = (float*)malloc((size_t)ns * sizeof(float));
  float* out = (float*)malloc((size_t)ns * sizeof(float));
  if (trace == NULL || out == NULL) return 1;
  if (gprkit_abi_version() != GPRKIT_ABI_VERSION) return 1;
  if (gprkit_stream_create(NULL, ns, dt_ns, dx_m, &s) != GPRKIT_OK ||
      gprkit_stream_delay(s, &delay) != GPRKIT_OK) {
    fprintf(stderr, "consumer_c: %s\n", gprkit_last_error());
    return 1;
  }
  for (j = 0; j < delay + extra; ++j) {
    for (i = 0; i < ns; ++i) trace[i] = (float)sin(0.3 * (double)i + 0.01 * (double)j);
    if (gprkit_stream_push(s, trace, 1, out, NULL, &n) != GPRKIT_OK) {
      fprintf(stderr, "consumer_c: %s\n", gprkit_last_error());
      return 1;
    }
    total += n;
  }
  gprkit_stream_destroy(s);
  free(trace);
  free(out);
  printf("consumer_c ok: gprkit %s, delay %lld, %lld traces out\n", gprkit_version(),
         (long long)delay, (long long)total);
  return total == extra ? 0 : 1;
}
