#include <catch2/catch.hpp>
#include <cmath>

#include "gprkit/core/error.h"
#include "gprkit/io/positions.h"

using namespace gprkit;

TEST_CASE("trace_positions: fixes interpolated per trace, NaN outside, metres along the track",
          "[io][positions]") {
  Header h;
  // Two fixes 0.001 deg of latitude apart (111.1 m at 46 deg N) at traces 2 and 12.
  h.raw["gps_trace"] = "12,2,12";  // out of order, and a repeated trace keeps its first fix
  h.raw["gps_latitude_deg"] = "46.001,46.0,47.0";
  h.raw["gps_longitude_deg"] = "12.0,12.0,13.0";
  h.raw["gps_altitude_m"] = "110,100,0";
  REQUIRE(io::has_gps(h));
  const io::TracePositions p = io::trace_positions(h, 20);
  CHECK(p.n_fixes == 2);
  CHECK(p.first_trace == 2);
  CHECK(p.last_trace == 12);
  CHECK(std::isnan(p.latitude_deg[1]));
  CHECK(std::isnan(p.distance_m[13]));
  CHECK(p.latitude_deg[7] == Approx(46.0005));
  CHECK(p.altitude_m[7] == Approx(105.0));
  // Meridian arc of 0.001 deg at 46.0005 deg N on WGS 84: 111.141 m.
  CHECK(p.distance_m[12] == Approx(111.141).epsilon(1e-4));
  CHECK(p.north_m[12] == Approx(111.141).epsilon(1e-4));
  CHECK(p.east_m[12] == Approx(0.0).margin(1e-9));
  Header none;
  CHECK_FALSE(io::has_gps(none));
  CHECK_THROWS_WITH(io::trace_positions(none, 5), Catch::Contains("no GPS fixes"));
  CHECK_THROWS_WITH(io::trace_positions(h, 2), Catch::Contains("beyond the line"));
}
