/* Files through the C API: reading a section, its geometry, and the errors of bad files.
 * Usage: c_api_test_read LINE.npy (written by c_api_make_test_line: 256 samples x 400 traces,
 * dt 0.05 ns, dx 0.01 m, 1 GHz, antenna separation 0.05 m, targets at x = 1.0 m and 2.5 m). */
#include "c_test.h"

static void write_file(const char* path, const char* text) {
  FILE* f = fopen(path, "wb");
  if (f == NULL) {
    fprintf(stderr, "cannot write %s\n", path);
    exit(2);
  }
  fputs(text, f);
  fclose(f);
}

static void test_bad_files(void) {
  gprkit_bscan* b = (gprkit_bscan*)&b;
  int ch = -1;
  CHECK_STATUS(gprkit_read("no/such/dir/line.npy", 0, &b), GPRKIT_IO_ERROR);
  CHECK(b == NULL);
  CHECK(strlen(gprkit_last_error()) > 0);
  CHECK_STATUS(gprkit_read_channel_count("no/such/dir/line.npy", &ch), GPRKIT_IO_ERROR);
  CHECK(ch == -1);
  write_file("c_api_garbage.npy", "\x93NUMPY but not really an array");
  CHECK_STATUS(gprkit_read("c_api_garbage.npy", 0, &b), GPRKIT_FORMAT_ERROR);
  CHECK(b == NULL);
  write_file("c_api_garbage.xyz", "neither a radar file nor anything else");
  CHECK_STATUS(gprkit_read("c_api_garbage.xyz", 0, &b), GPRKIT_FORMAT_ERROR);
  remove("c_api_garbage.npy");
  remove("c_api_garbage.xyz");
}

static void test_line_file(const char* path) {
  gprkit_bscan* b = NULL;
  gprkit_stream* s = NULL;
  int64_t ns = 0, nt = 0, delay = 0, n = 0, j, n_alarms = 0;
  double dt = 0, dx = 0, t0 = -1, height = -1, sep = -1, f = -1;
  int ch = 0, found_1 = 0, found_2 = 0;
  const float* data;
  gprkit_alarm alarms[256];

  CHECK_OK(gprkit_read_channel_count(path, &ch));
  CHECK(ch == 1);
  CHECK_STATUS(gprkit_read(path, 1, &b), GPRKIT_INVALID_ARGUMENT);
  CHECK_MESSAGE("channel");
  CHECK_STATUS(gprkit_read(path, -1, &b), GPRKIT_INVALID_ARGUMENT);
  CHECK_OK(gprkit_read(path, 0, &b));
  if (b == NULL) return;
  CHECK_OK(gprkit_bscan_info(b, &ns, &nt, &dt, &dx));
  CHECK(ns == 256 && nt == 400);
  CHECK(fabs(dt - 0.05) < 1e-12 && fabs(dx - 0.01) < 1e-12);
  CHECK_OK(gprkit_bscan_header(b, &t0, &height, &sep, &f));
  CHECK(t0 == 0.0 && height == 0.0 && fabs(sep - 0.05) < 1e-12 && fabs(f - 1000.0) < 1e-9);
  data = gprkit_bscan_data(b);
  CHECK(data != NULL);
  if (data == NULL) return;
  for (j = 0; j < ns * nt; ++j)
    if (!isfinite(data[j])) break;
  CHECK(j == ns * nt);
  /* A bscan is not a stream. */
  CHECK_STATUS(gprkit_stream_delay((const gprkit_stream*)(const void*)b, &n), GPRKIT_STATE_ERROR);

  /* Streamed with the file's geometry, the targets are found (within 10 cm, 5 cm deep). */
  CHECK_OK(gprkit_stream_create_for_bscan(NULL, b, &s));
  if (s == NULL) return;
  CHECK_OK(gprkit_stream_n_samples(s, &n));
  CHECK(n == ns);
  CHECK_OK(gprkit_stream_delay(s, &delay));
  CHECK_OK(gprkit_stream_push(s, data, nt, NULL, NULL, &n));
  CHECK(n == nt - delay);
  CHECK_OK(gprkit_stream_alarms(s, alarms, 256, &n_alarms));
  for (j = 0; j < n_alarms; ++j) {
    const gprkit_alarm* a = &alarms[j];
    printf("alarm at x %.3f m, depth %.3f m, score %.3f\n", a->x_m, a->depth_m, a->score);
    if (fabs(a->x_m - 1.0) < 0.1 && fabs(a->depth_m - 0.2) < 0.05) found_1 = 1;
    if (fabs(a->x_m - 2.5) < 0.1 && fabs(a->depth_m - 0.3) < 0.05) found_2 = 1;
  }
  CHECK(found_1 && found_2);
  gprkit_stream_destroy(s);
  gprkit_bscan_destroy(b);
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s LINE.npy\n", argv[0]);
    return 2;
  }
  test_bad_files();
  test_line_file(argv[1]);
  return test_result("c_api_read");
}
