#include <catch2/catch.hpp>

#include "gprkit/core/error.h"
#include "gprkit/io/dt1.h"
#include "shared_data.h"
#include "test_io_util.h"

using namespace gprkit;

namespace {
double hd_number(const Bscan& b, const char* key) { return std::stod(b.header().raw.at(key)); }
std::vector<double> numbers(const std::string& list) {
  std::vector<double> v;
  std::size_t s = 0;
  while (s < list.size()) {
    auto e = list.find(',', s);
    if (e == std::string::npos) e = list.size();
    v.push_back(std::stod(list.substr(s, e - s)));
    s = e + 1;
  }
  return v;
}
}  // namespace

TEST_CASE("read_dt1: pulseEKKO files match their HD and size arithmetic") {
  GPRKIT_REQUIRE_SHARED_DATA(root);
  struct Case {
    const char* path;
    double unit_m;
    double max_arrival_fraction;  // where the direct wave must start (fraction of the window)
  };
  for (const Case c : {Case{"real/gprpy/SnS/ComOffs/XLINE00.DT1", 0.3048, 0.1},
                       Case{"real/rgpr/flagogna_raw/XLINE000.DT1", 1.0, 0.2},
                       Case{"real/rgpr/flagogna_raw/XLINE002.DT1", 1.0, 0.2}}) {
    const auto path = root / c.path;
    if (!std::filesystem::exists(path)) continue;
    INFO(c.path);
    const Bscan b = io::read_dt1(path);
    const double npts = hd_number(b, "NUMBER OF PTS/TRC"),
                 window = hd_number(b, "TOTAL TIME WINDOW");
    CHECK(b.n_samples() == static_cast<std::ptrdiff_t>(npts));
    // size arithmetic: traces x (128-byte header + points x 2 bytes) = file size
    CHECK(static_cast<std::uintmax_t>(b.n_traces()) *
              (128 + 2 * static_cast<std::uintmax_t>(npts)) ==
          std::filesystem::file_size(path));
    CHECK(b.header().dt_ns == Approx(window / npts));
    CHECK(b.header().dt_ns == Approx(0.8));  // both systems sampled at 800 ps (trace header word 7)
    CHECK(b.header().raw.at("trace_header_word7") == "800");
    CHECK(b.header().dx_m == Approx(hd_number(b, "STEP SIZE USED") * c.unit_m));
    CHECK(b.header().centre_frequency_mhz == Approx(hd_number(b, "NOMINAL FREQUENCY")));
    CHECK(b.header().x_m.back() == Approx(hd_number(b, "FINAL POSITION") * c.unit_m));
    CHECK(test::all_finite(b));
    const auto t = test::first_arrival(b);
    CHECK(t >= 0);
    CHECK(t < static_cast<std::ptrdiff_t>(c.max_arrival_fraction * npts));
    // the direct wave starts within a few points of TIMEZERO AT POINT (0 = not set)
    if (hd_number(b, "TIMEZERO AT POINT") > 0)
      CHECK(std::fabs(static_cast<double>(t) - hd_number(b, "TIMEZERO AT POINT")) < 8.0);
  }
}

TEST_CASE("DT1 round trip: identical data and header") {
  const auto dir = test::scratch("dt1");
  SECTION("synthetic int16 and float data") {
    for (bool ints : {true, false}) {
      Bscan b = test::random_section(128, 12, ints);
      b.header().dt_ns = 0.1;
      b.header().t0_ns = -2.0;
      b.header().dx_m = 0.05;
      b.header().centre_frequency_mhz = 250;
      b.header().antenna_separation_m = 0.38;
      for (int j = 0; j < 12; ++j) b.header().x_m.push_back(0.05 * j);
      io::write_dt1(dir / "LINE.DT1", b);
      const Bscan r = io::read_dt1(dir / "LINE.DT1");
      CHECK(r.header().raw.at("bytes_per_point") == (ints ? "2" : "4"));
      CHECK(test::same_data(r, b));
      CHECK(r.header().dt_ns == Approx(0.1));
      CHECK(r.header().t0_ns == Approx(-2.0));
      CHECK(r.header().centre_frequency_mhz == 250.0);
      CHECK(r.header().antenna_separation_m == Approx(0.38));
      REQUIRE(r.header().x_m.size() == 12);
      CHECK(r.header().x_m[11] == Approx(0.55).epsilon(1e-6));
    }
  }
  SECTION("real file with free-text HD lines and GPS in the trace headers") {
    const auto root = test::shared_data();
    const auto path = root / "real/rgpr/flagogna_raw/XLINE001.DT1";
    if (root.empty() || !std::filesystem::exists(path)) return;
    const Bscan a = io::read_dt1(path, {.read_gps = false});
    REQUIRE(a.header().raw.count("trace_gps_x"));
    io::write_dt1(dir / "COPY.DT1", a);
    const Bscan b = io::read_dt1(dir / "COPY.DT1", {.read_gps = false});
    CHECK(test::same_data(a, b));
    CHECK(a.header().raw == b.header().raw);
    CHECK(a.header().x_m == b.header().x_m);
    CHECK(a.header().dt_ns == b.header().dt_ns);
    CHECK(a.header().t0_ns == b.header().t0_ns);
    CHECK(a.header().dx_m == b.header().dx_m);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("decode_dt1: tolerant HD, strict data") {
  Bscan b = test::random_section(50, 4, true);
  b.header().dt_ns = 0.5;
  const auto dir = test::scratch("dt1bad");
  io::write_dt1(dir / "X.DT1", b);
  const auto dt1 = test::slurp(dir / "X.DT1");
  const std::string hd =
      "1234\nData Collected with pE PRO (2011-00114-00)\n2017-04-10\nTRACES REPOSITIONED.\n"
      "NUMBER OF TRACES   = 4\nNUMBER OF PTS/TRC  = 50\nTIMEZERO AT POINT  = 11\n"
      "TOTAL TIME WINDOW  = 25\nODOMETER CAL (t/m) = 1096.8\nDVL Serial#        = 0051-7179-0014\n"
      "GARBAGE LINE WITHOUT VALUE =\n";
  const Bscan r = io::decode_dt1(dt1, hd);
  CHECK(test::same_data(r, b));  // no hidden mean removal
  CHECK(r.header().t0_ns == Approx(-5.0));
  CHECK(r.header().raw.at("DVL Serial#") == "0051-7179-0014");
  CHECK_THROWS_AS(io::decode_dt1(dt1, "1234\nNUMBER OF PTS/TRC = 50\n"), FormatError);  // no window
  CHECK_THROWS_AS(io::decode_dt1(dt1, "NUMBER OF PTS/TRC = 1e12\nTOTAL TIME WINDOW = 25\n"),
                  FormatError);
  CHECK_THROWS_AS(io::decode_dt1(dt1, "NUMBER OF PTS/TRC = 51\nTOTAL TIME WINDOW = 25\n"),
                  FormatError);
  CHECK_THROWS_AS(io::decode_dt1(std::span(dt1.data(), dt1.size() - 1), hd), FormatError);
  CHECK_THROWS_AS(io::decode_dt1(std::span(dt1.data(), 20), hd), FormatError);
  auto bad = dt1;
  const float three = 3.0f;
  std::memcpy(&bad[20], &three, 4);  // 3 bytes per point
  CHECK_THROWS_AS(io::decode_dt1(bad, hd), FormatError);
  std::filesystem::remove_all(dir);
}

TEST_CASE("read_dt1 / write_dt1: Latin-1 HD text is read as UTF-8 and written back as it was") {
  const auto dir = test::scratch("dt1_latin1");
  Bscan b = test::random_section(16, 3, true);
  b.header().dt_ns = 0.5;
  io::write_dt1(dir / "a.DT1", b);
  // an operator name in Latin-1, as Windows instrument software writes it
  auto hd = test::slurp(dir / "a.HD");
  const std::string op = "OPERATOR = Jos\xe9 M\xfcller \x80\r\n";  // 0x80: the euro sign
  hd.insert(hd.end(), op.begin(), op.end());
  test::spit(dir / "a.HD", hd);
  const Bscan r = io::read_dt1(dir / "a.DT1");
  CHECK(r.header().raw.at("OPERATOR") == "Jos\xc3\xa9 M\xc3\xbcller \xe2\x82\xac");
  CHECK(r.header().raw.at("hd_encoding") == "cp1252");
  CHECK(r.header().raw.at("hd_text").find("Jos\xc3\xa9") != std::string::npos);
  // written back in CP-1252: the bytes of the operator line are the original ones
  io::write_dt1(dir / "b.DT1", r);
  const auto out = test::slurp(dir / "b.HD");
  const std::string text(out.begin(), out.end());
  CHECK(text.find("Jos\xe9 M\xfcller \x80") != std::string::npos);
  CHECK(io::read_dt1(dir / "b.DT1").header().raw.at("OPERATOR") == r.header().raw.at("OPERATOR"));
  // UTF-8 text that CP-1252 cannot hold stays UTF-8 and still reads back
  Bscan u = r;
  u.header().raw["hd_text"] += "NOTE = \xe6\x97\xa5\xe6\x9c\xac\r\n";
  io::write_dt1(dir / "c.DT1", u);
  CHECK(io::read_dt1(dir / "c.DT1").header().raw.at("NOTE") == "\xe6\x97\xa5\xe6\x9c\xac");
  std::filesystem::remove_all(dir);
}

TEST_CASE("write_dt1: every header field DT1 holds survives DT1 -> DT1 (GPS companion too)") {
  const auto dir = test::scratch("dt1_fields");
  Bscan b = test::random_section(32, 5, true);
  Header& h = b.header();
  h.dt_ns = 0.25;
  h.t0_ns = 2.5;  // a positive t0 (time zero before sample 0, as from a DZT): point -9
  h.dx_m = 0.05;
  h.antenna_separation_m = 0.3;
  h.centre_frequency_mhz = 500;
  h.x_m = {10.0, 10.05, 10.1, 10.15, 10.2};
  h.z_m = {1, 2, 3, 4, 5};
  h.raw["gps_trace"] = "0,2,4";
  h.raw["gps_latitude_deg"] = "46.19915436666667,-46.2,46.25";
  h.raw["gps_longitude_deg"] = "12.970360716666669,-12.5,12.25";
  h.raw["gps_altitude_m"] = "120.44,128.8,-3.5";
  io::write_dt1(dir / "a.DT1", b);
  REQUIRE(std::filesystem::exists(dir / "a.GPS"));
  const Bscan r = io::read_dt1(dir / "a.DT1");
  CHECK(test::same_data(r, b));
  CHECK(r.header().dt_ns == Approx(0.25));
  CHECK(r.header().t0_ns == Approx(2.5));
  CHECK(r.header().dx_m == Approx(0.05));
  CHECK(r.header().antenna_separation_m == Approx(0.3));
  CHECK(r.header().centre_frequency_mhz == 500);
  REQUIRE(r.header().x_m.size() == 5);
  CHECK(r.header().x_m.front() == Approx(10.0));
  CHECK(r.header().x_m.back() == Approx(10.2));
  CHECK(std::stod(r.header().raw.at("STARTING POSITION")) == Approx(10.0));
  CHECK(r.header().z_m == h.z_m);
  CHECK(r.header().raw.at("gps_trace") == "0,2,4");
  for (const char* k : {"gps_latitude_deg", "gps_longitude_deg", "gps_altitude_m"}) {
    const auto a = numbers(h.raw.at(k)), c = numbers(r.header().raw.at(k));
    REQUIRE(a.size() == c.size());
    for (std::size_t i = 0; i < a.size(); ++i) CHECK(c[i] == Approx(a[i]).margin(1e-9));
  }
  // a t0 of exactly one sample (TIMEZERO AT POINT 0 would mean "not set") also survives
  b.header().t0_ns = 0.25;
  io::write_dt1(dir / "b.DT1", b);
  CHECK(io::read_dt1(dir / "b.DT1").header().t0_ns == 0.25);
  std::filesystem::remove_all(dir);
}
