#include <catch2/catch.hpp>
#include <cstring>

#include "gprkit/core/error.h"
#include "gprkit/io/mala.h"
#include "shared_data.h"
#include "test_io_util.h"

using namespace gprkit;

TEST_CASE("read_mala: ImpDAR's RAMAC rd3 matches its RAD and COR") {
  GPRKIT_REQUIRE_SHARED_DATA(root);
  const auto path = root / "real/impdar/ten_col.rd3";
  if (!std::filesystem::exists(path)) {
    WARN("skipped: " << path << " is absent");
    return;
  }
  const Bscan b = io::read_mala(path);
  CHECK(b.n_samples() == 512);                                 // SAMPLES:512
  CHECK(b.n_traces() == 10);                                   // LAST TRACE:10
  CHECK(std::filesystem::file_size(path) == 512u * 10u * 2u);  // int16
  CHECK(b.header().dt_ns == Approx(1000.0 / 2426.187744));     // FREQUENCY (MHz)
  CHECK(b.header().raw.at("gprkit_timewindow_ratio") == "2");  // TIMEWINDOW:422.06 = 2 x 512 dt
  CHECK(b.header().antenna_separation_m == Approx(0.18));
  CHECK(b.header().centre_frequency_mhz == 500.0);     // 500_shielded_egrip
  CHECK(b.header().raw.at("gps_trace") == "6,17,26");  // .cor trace numbers 7,18,27
  CHECK(test::all_finite(b));
  const auto t = test::first_arrival(b);
  CHECK(t > 0);
  CHECK(static_cast<double>(t) < 0.1 * static_cast<double>(b.n_samples()));
}

TEST_CASE("decode_mala: RD3 and RD7 data, header checks") {
  std::vector<std::uint8_t> rd3(64 * 3 * 2), rd7(64 * 3 * 4);
  for (int k = 0; k < 64 * 3; ++k) {
    const std::int16_t v = static_cast<std::int16_t>(k * 37 - 3000);
    const std::int32_t w = k * 100003 - 7;
    std::memcpy(&rd3[2 * k], &v, 2);
    std::memcpy(&rd7[4 * k], &w, 4);
  }
  const std::string rad =
      "SAMPLES:64\nFREQUENCY:10000\nTIMEWINDOW:6.4\nLAST TRACE:3\nDISTANCE "
      "INTERVAL:0.05\nANTENNAS:1600 MHz\n";
  const Bscan a = io::decode_mala(rd3, rad, false);
  CHECK(a.n_traces() == 3);
  CHECK(a.header().dt_ns == Approx(0.1));
  CHECK(a.header().dx_m == Approx(0.05));
  CHECK(a.header().centre_frequency_mhz == 1600.0);
  CHECK(a(5, 2) == static_cast<float>((2 * 64 + 5) * 37 - 3000));
  const Bscan b = io::decode_mala(rd7, rad, true);
  CHECK(b(5, 2) == static_cast<float>((2 * 64 + 5) * 100003 - 7));
  // contradictions and truncation
  CHECK_THROWS_AS(io::decode_mala(rd3, "SAMPLES:64\nFREQUENCY:10000\nTIMEWINDOW:20\n", false),
                  FormatError);
  CHECK_THROWS_WITH(io::decode_mala(rd3, "SAMPLES:64\nFREQUENCY:10000\nTIMEWINDOW:20\n", false),
                    Catch::Contains("TIMEWINDOW"));
  CHECK_THROWS_AS(io::decode_mala(std::span(rd3.data(), rd3.size() - 2), rad, false), FormatError);
  CHECK_THROWS_AS(io::decode_mala({}, rad, false), FormatError);
  CHECK_THROWS_AS(io::decode_mala(rd3, "SAMPLES:99999999\nFREQUENCY:10000\n", false), FormatError);
  CHECK_THROWS_AS(io::decode_mala(rd3, "SAMPLES:64\nFREQUENCY:-1\n", false), FormatError);
  CHECK_THROWS_AS(io::decode_mala(rd3, "FREQUENCY:1000\n", false), FormatError);
}

TEST_CASE("decode_mala: a Latin-1 RAD reads as UTF-8") {
  const std::string rad = "SAMPLES:4\r\nFREQUENCY:1000\r\nOPERATOR:Jos\xe9 M\xfcller\r\n";
  const std::vector<std::uint8_t> data(2 * 4 * 2, 0);
  const Bscan b = io::decode_mala(data, rad, false);
  CHECK(b.header().raw.at("OPERATOR") == "Jos\xc3\xa9 M\xc3\xbcller");
  CHECK(b.header().raw.at("rad_encoding") == "cp1252");
  // valid UTF-8 is kept as it is
  const Bscan u = io::decode_mala(data, "SAMPLES:4\nFREQUENCY:1000\nOPERATOR:Jos\xc3\xa9\n", false);
  CHECK(u.header().raw.at("OPERATOR") == "Jos\xc3\xa9");
  CHECK(u.header().raw.count("rad_encoding") == 0);
}
