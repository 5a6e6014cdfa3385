/* Streams a recorded line through gprkit's real-time detector, trace by trace, as a vehicle
 * would, and prints the alarms as they are raised.
 *
 *   stream_file FILE [CHANNEL [PIPELINE.json]]
 *
 * FILE: any format gprkit reads (DZT, DT1, MALA, SEG-Y, gprMax, .npy); CHANNEL: 0-based
 * (default 0); PIPELINE.json: a streaming pipeline (default: the landmine streaming chain).
 * Build: link with gprkit::c (find_package(gprkit)). */
#include <gprkit/gprkit.h>
#include <stdio.h>
#include <stdlib.h>

/* Reads a whole text file; NULL on failure. The caller frees it. */
static char* read_text(const char* path) {
  FILE* f = fopen(path, "rb");
  char* text = NULL;
  long size;
  if (f == NULL) return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
    text = (char*)malloc((size_t)size + 1);
    if (text != NULL) {
      if (fread(text, 1, (size_t)size, f) == (size_t)size) {
        text[size] = '\0';
      } else {
        free(text);
        text = NULL;
      }
    }
  }
  fclose(f);
  return text;
}

static int report(const char* what, gprkit_status status) {
  fprintf(stderr, "stream_file: %s failed (%s): %s\n", what, gprkit_status_name(status),
          gprkit_last_error());
  return 1;
}

int main(int argc, char** argv) {
  gprkit_bscan* line = NULL;
  gprkit_stream* stream = NULL;
  gprkit_status st;
  char* pipeline = NULL;
  const float* data;
  float* out = NULL;
  float score = 0.0f;
  gprkit_alarm alarms[64];
  int64_t n_samples = 0, n_traces = 0, out_samples = 0, delay = 0, n_out = 0, n = 0, j, k;
  int64_t total_out = 0, total_alarms = 0;
  double dt_ns = 0, dx_m = 0, best_score = 0;
  int channel = 0, rc = 1;

  if (argc < 2 || argc > 4) {
    fprintf(stderr, "usage: %s FILE [CHANNEL [PIPELINE.json]]\n", argv[0]);
    return 2;
  }
  if (argc >= 3) channel = atoi(argv[2]);
  if (argc == 4 && (pipeline = read_text(argv[3])) == NULL) {
    fprintf(stderr, "stream_file: cannot read %s\n", argv[3]);
    return 1;
  }

  printf("gprkit %s (C ABI %d)\n", gprkit_version(), gprkit_abi_version());
  if ((st = gprkit_read(argv[1], channel, &line)) != GPRKIT_OK) {
    rc = report("reading the file", st);
    goto done;
  }
  gprkit_bscan_info(line, &n_samples, &n_traces, &dt_ns, &dx_m);
  printf("%s, channel %d: %lld traces of %lld samples, dt %g ns, dx %g m\n", argv[1], channel,
         (long long)n_traces, (long long)n_samples, dt_ns, dx_m);

  /* The stream takes the file's geometry; every buffer is made here, not while pushing. */
  if ((st = gprkit_stream_create_for_bscan(pipeline, line, &stream)) != GPRKIT_OK) {
    rc = report("creating the stream", st);
    goto done;
  }
  gprkit_stream_delay(stream, &delay);
  gprkit_stream_out_samples(stream, &out_samples);
  printf("stream delay: %lld traces\n", (long long)delay);
  out = (float*)malloc((size_t)out_samples * sizeof(float));
  if (out == NULL) goto done;

  data = gprkit_bscan_data(line);
  for (j = 0; j < n_traces; ++j) {
    /* One trace arrives: push it, then handle what came out. */
    if ((st = gprkit_stream_push(stream, data + j * n_samples, 1, out, &score, &n_out)) !=
        GPRKIT_OK) {
      rc = report("pushing a trace", st);
      goto done;
    }
    total_out += n_out;
    do {
      if ((st = gprkit_stream_alarms(stream, alarms, 64, &n)) != GPRKIT_OK) {
        rc = report("draining the alarms", st);
        goto done;
      }
      for (k = 0; k < n; ++k) {
        printf("alarm: x %.3f m, depth %.3f m, score %.3f (input trace %lld)\n", alarms[k].x_m,
               alarms[k].depth_m, alarms[k].score, (long long)j);
        if (alarms[k].score > best_score) best_score = alarms[k].score;
      }
      total_alarms += n;
    } while (n == 64);
  }
  printf("summary: %lld traces in, %lld out, %lld still inside (delay), %lld alarms",
         (long long)n_traces, (long long)total_out, (long long)(n_traces - total_out),
         (long long)total_alarms);
  if (total_alarms > 0) printf(", best score %.3f", best_score);
  printf("\n");
  rc = 0;

done:
  free(out);
  free(pipeline);
  gprkit_stream_destroy(stream);
  gprkit_bscan_destroy(line);
  return rc;
}
