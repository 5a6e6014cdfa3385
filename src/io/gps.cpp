#include "gps.h"

#include <cmath>
#include <cstdio>

namespace gprkit::io::detail {

GpsTrack load_gps(const Header& h) {
  auto list = [&](const char* key) {
    auto it = h.raw.find(key);
    return it == h.raw.end() ? std::vector<double>{} : split_doubles(it->second);
  };
  const auto t = list("gps_trace"), la = list("gps_latitude_deg"), lo = list("gps_longitude_deg");
  auto al = list("gps_altitude_m");
  if (t.empty() || la.size() != t.size() || lo.size() != t.size()) return {};
  if (al.size() != t.size()) al.assign(t.size(), 0.0);
  GpsTrack g;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (!std::isfinite(t[i]) || t[i] < 0 || !(std::fabs(la[i]) <= 90) || !(std::fabs(lo[i]) <= 180))
      return {};
    g.trace.push_back(t[i]);
    g.fixes.push_back({la[i], lo[i], std::isfinite(al[i]) ? al[i] : 0.0});
  }
  return g;
}

std::string gga_sentence(const GpsFix& fix) {
  // NMEA ddmm.mmmm / dddmm.mmmm; 8 decimals of a minute are ~2e-5 m.
  auto ddmm = [](double deg) {
    const double a = std::fabs(deg), d = std::floor(a);
    return d * 100 + (a - d) * 60;
  };
  char body[160];
  std::snprintf(body, sizeof(body), "GPGGA,,%013.8f,%c,%014.8f,%c,1,,,%.3f,M,,M,,",
                ddmm(fix.lat_deg), fix.lat_deg < 0 ? 'S' : 'N', ddmm(fix.lon_deg),
                fix.lon_deg < 0 ? 'W' : 'E', fix.alt_m);
  unsigned cs = 0;
  for (const char* p = body; *p != 0; ++p) cs ^= static_cast<unsigned char>(*p);
  char out[200];
  std::snprintf(out, sizeof(out), "$%s*%02X", body, cs);
  return out;
}

}  // namespace gprkit::io::detail
