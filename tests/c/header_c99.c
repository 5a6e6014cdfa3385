/* gprkit.h on its own: compiled as strict C99 (and as C++) with warnings as errors by the
 * c_api_header_* tests. Included twice to check the include guard. */
#include <gprkit/gprkit.h>

/* The v1 config has no padding and the documented size (a negative array size fails). */
typedef char gprkit_check_config_size[(sizeof(gprkit_stream_config) == GPRKIT_STREAM_CONFIG_V1_SIZE)
                                          ? 1
                                          : -1];
typedef char gprkit_check_alarm_size[(sizeof(gprkit_alarm) == 5 * 8) ? 1 : -1];

int gprkit_header_check(void);
int gprkit_header_check(void) {
  gprkit_stream* s = 0;
  gprkit_bscan* b = 0;
  gprkit_alarm a;
  gprkit_status st = GPRKIT_OK;
  a.trace = 0;
  (void)s;
  (void)b;
  return (int)a.trace + (int)st + GPRKIT_ABI_VERSION;
}
