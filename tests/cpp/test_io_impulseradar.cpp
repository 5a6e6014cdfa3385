#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>
#include <functional>

#include "gprkit/core/error.h"
#include "gprkit/io/impulseradar.h"
#include "gprkit/io/read.h"
#include "shared_data.h"
#include "test_io_util.h"

using namespace gprkit;

namespace {
// Trace j, sample i of the synthetic line: a known ramp per trace.
std::int32_t ramp(std::size_t i, std::size_t j) {
  return static_cast<std::int32_t>(1000 * j) + static_cast<std::int32_t>(7 * i) - 500;
}
std::vector<std::uint8_t> iprb(std::size_t ns, std::size_t nt, bool i32) {
  const std::size_t bps = i32 ? 4 : 2;
  std::vector<std::uint8_t> out(ns * nt * bps);
  for (std::size_t j = 0; j < nt; ++j)
    for (std::size_t i = 0; i < ns; ++i) {
      const std::int32_t v = ramp(i, j);
      if (i32) {
        std::memcpy(&out[(j * ns + i) * 4], &v, 4);
      } else {
        const auto s = static_cast<std::int16_t>(v);
        std::memcpy(&out[(j * ns + i) * 2], &s, 2);
      }
    }
  return out;
}
// The keys of a CrossOver header (HEADER VERSION 20), CRLF lines; 64 samples at 6400 MHz.
std::string iprh(const std::string& data_version = "32", const std::string& extra = "") {
  return "HEADER VERSION: 20\r\nDATA VERSION: " + data_version +
         "\r\nDATE: 2023-05-30\r\nSTART TIME: 09:57:56\r\nANTENNA: 800 MHz\r\n"
         "ANTENNA SEPARATION: 0.090\r\nSAMPLES: 64\r\nSIGNAL POSITION: 6\r\nFREQUENCY: 6400\r\n"
         "TIMEWINDOW: 10.000\r\nLAST TRACE: 5\r\nTRIG SOURCE: wheel\r\nTIME INTERVAL: 0.100\r\n"
         "DISTANCE INTERVAL: 0.009778\r\nUSER DISTANCE INTERVAL: 0.010000\r\nZERO LEVEL: 20\r\n"
         "CHANNELS: 3\r\n" +
         extra;
}
std::string message(const std::function<void()>& f) {
  try {
    f();
  } catch (const FormatError& e) {
    return e.what();
  }
  return "(no FormatError)";
}
void write_text(const std::filesystem::path& p, const std::string& s) {
  std::ofstream f(p, std::ios::binary);
  f << s;
}
}  // namespace

TEST_CASE("decode_impulseradar: int32 and int16 samples, every header field") {
  const Bscan b = io::decode_impulseradar(iprb(64, 5, true), iprh());
  REQUIRE(b.n_samples() == 64);
  REQUIRE(b.n_traces() == 5);
  for (std::size_t j = 0; j < 5; ++j)
    for (std::size_t i = 0; i < 64; ++i)
      CHECK(b(static_cast<std::ptrdiff_t>(i), static_cast<std::ptrdiff_t>(j)) ==
            static_cast<float>(ramp(i, j)));
  const Header& h = b.header();
  CHECK(h.dt_ns == 1000.0 / 6400.0);
  CHECK(h.dx_m == 0.009778);
  CHECK(h.t0_ns == 0.0);  // SIGNAL POSITION / ZERO LEVEL are not interpreted
  CHECK(h.centre_frequency_mhz == 800.0);
  CHECK(h.antenna_separation_m == 0.09);
  CHECK(h.raw.at("format") == "impulseradar");
  CHECK(h.raw.at("START TIME") == "09:57:56");  // a value with colons is kept whole
  CHECK(h.raw.at("SIGNAL POSITION") == "6");
  CHECK(h.raw.at("ZERO LEVEL") == "20");
  CHECK(h.raw.at("USER DISTANCE INTERVAL") == "0.010000");
  CHECK(h.raw.count("gprkit_note") == 0);

  const Bscan s = io::decode_impulseradar(iprb(64, 5, false), iprh("16"));
  CHECK(s(63, 4) == static_cast<float>(static_cast<std::int16_t>(ramp(63, 4))));
  CHECK(s(0, 0) == -500.0f);

  // time-triggered: no trace spacing
  std::string t = iprh();
  t.replace(t.find("TRIG SOURCE: wheel"), 18, "TRIG SOURCE: time");
  CHECK(io::decode_impulseradar(iprb(64, 5, true), t).header().dx_m == 0.0);
  // LAST TRACE disagreeing with the data is noted, all traces read
  const Bscan more = io::decode_impulseradar(iprb(64, 7, true), iprh());
  CHECK(more.n_traces() == 7);
  CHECK_THAT(more.header().raw.at("gprkit_note"), Catch::Contains("LAST TRACE = 5"));
  // TIMEWINDOW rounded to 3 decimals agrees (64 / 6400 MHz = 10 ns; 48.828 for 48.828125)
  CHECK_NOTHROW(io::decode_impulseradar(
      iprb(500, 1, true),
      "DATA VERSION: 32\nSAMPLES: 500\nFREQUENCY: 10240\nTIMEWINDOW: 48.828\n"));
}

TEST_CASE("decode_impulseradar: bad headers and data give FormatError with the problem") {
  const auto d = iprb(64, 5, true);
  auto without = [](const std::string& key) {
    std::string h = iprh();
    const auto a = h.find(key + ":");
    h.erase(a, h.find('\n', a) + 1 - a);
    return h;
  };
  auto with = [](const std::string& key, const std::string& value) {
    std::string h = iprh();
    const auto a = h.find(key + ":") + key.size() + 1;
    h.replace(a, h.find('\r', a) - a, " " + value);
    return h;
  };
  CHECK_THAT(message([&] { io::decode_impulseradar(d, without("SAMPLES")); }),
             Catch::Contains("no SAMPLES"));
  CHECK_THAT(message([&] { io::decode_impulseradar(d, without("FREQUENCY")); }),
             Catch::Contains("no FREQUENCY"));
  CHECK_THAT(message([&] { io::decode_impulseradar(d, without("DATA VERSION")); }),
             Catch::Contains("no DATA VERSION"));
  // a header cut short (the instrument's file ends after DATA VERSION)
  CHECK_THAT(message([&] { io::decode_impulseradar(d, "HEADER VERSION: 20\r\nDATA VERSION: 32"); }),
             Catch::Contains("truncated"));
  CHECK_THAT(message([&] { io::decode_impulseradar(d, ""); }), Catch::Contains("no "));
  CHECK_THAT(message([&] { io::decode_impulseradar(d, with("SAMPLES", "0")); }),
             Catch::Contains("SAMPLES = 0") && Catch::Contains("expected an integer 2..1000000"));
  CHECK_THAT(message([&] { io::decode_impulseradar(d, with("SAMPLES", "2000000000")); }),
             Catch::Contains("SAMPLES = 2000000000"));
  CHECK_THAT(message([&] { io::decode_impulseradar(d, with("SAMPLES", "64.5")); }),
             Catch::Contains("SAMPLES = 64.5"));
  CHECK_THAT(message([&] { io::decode_impulseradar(d, with("SAMPLES", "sixty-four")); }),
             Catch::Contains("SAMPLES = 'sixty-four' is not a number"));
  CHECK_THAT(message([&] { io::decode_impulseradar(d, with("FREQUENCY", "fast")); }),
             Catch::Contains("FREQUENCY = 'fast' is not a number"));
  CHECK_THAT(message([&] { io::decode_impulseradar(d, with("FREQUENCY", "-6400")); }),
             Catch::Contains("FREQUENCY = -6400"));
  CHECK_THAT(message([&] { io::decode_impulseradar(d, with("DISTANCE INTERVAL", "1 cm")); }),
             Catch::Contains("DISTANCE INTERVAL = '1 cm' is not a number"));
  CHECK_THAT(message([&] { io::decode_impulseradar(d, with("DATA VERSION", "8")); }),
             Catch::Contains("DATA VERSION = 8; expected 16") && Catch::Contains("or 32"));
  CHECK_THAT(message([&] { io::decode_impulseradar(d, with("TIMEWINDOW", "20.000")); }),
             Catch::Contains("TIMEWINDOW = 20 ns disagrees") && Catch::Contains("10 ns"));
  // data not a whole number of traces: by how much
  const std::vector<std::uint8_t> cut(d.begin(), d.end() - 3);
  CHECK_THAT(message([&] { io::decode_impulseradar(cut, iprh()); }),
             Catch::Contains("data size 1277 bytes") && Catch::Contains("256 bytes") &&
                 Catch::Contains("4 traces and 253 bytes left over"));
  CHECK_THAT(message([&] { io::decode_impulseradar({}, iprh()); }), Catch::Contains("no traces"));
  // int16 data under a DATA VERSION 32 header with an odd trace count: caught by the size
  CHECK_THROWS_AS(io::decode_impulseradar(iprb(64, 5, false), iprh()), FormatError);
}

TEST_CASE("read_impulseradar: by either name, channel from the name, companions, file errors") {
  const auto dir = test::scratch("impulseradar");
  test::spit(dir / "proj_001_A02.iprb", iprb(64, 5, true));
  write_text(dir / "proj_001_A02.iprh", iprh());
  // the profile's GPS (one .cor for every channel of the profile)
  write_text(dir / "proj_001.cor",
             "1\t2023-05-30\t09:57:56.10\t59.3293235\tN\t18.0685808\tE\t25.10\tM\t2\r\n"
             "4\t2023-05-30\t09:57:57.30\t59.3293300\tN\t18.0685900\tE\t25.20\tM\t2\r\n");
  write_text(dir / "proj_001_A02.time", "1 2023-05-30 09:57:56.100\n");
  for (const char* name : {"proj_001_A02.iprb", "proj_001_A02.iprh"}) {
    const Bscan b = io::read_impulseradar(dir / name);
    CHECK(b.n_traces() == 5);
    CHECK(b(3, 4) == static_cast<float>(ramp(3, 4)));
    CHECK(b.header().raw.at("channel") == "2");
    CHECK(b.header().raw.at("cor_file") == "proj_001.cor");
    CHECK(b.header().raw.at("time_file") == "proj_001_A02.time");
    CHECK(b.header().raw.at("gps_trace") == "0,3");
    CHECK(b.header().raw.at("gps_latitude_deg") == "59.3293235,59.32933");
  }
  CHECK(io::read_impulseradar(dir / "proj_001_A02.iprb", {.read_gps = false})
            .header()
            .raw.count("gps_trace") == 0);
  // gprkit::io::read dispatches both names, and sets the format
  CHECK(io::detect_format(dir / "proj_001_A02.iprb") == io::Format::impulseradar);
  CHECK(io::detect_format(dir / "proj_001_A02.iprh") == io::Format::impulseradar);
  CHECK(io::read(dir / "proj_001_A02.iprh").at(0).header().raw.at("format") == "impulseradar");
  // gpr_seal's naming: <line>_<number>_<channel counted from 0>; a lone number is no channel
  test::spit(dir / "beach_0001_0.iprb", iprb(64, 5, true));
  write_text(dir / "beach_0001_0.iprh", iprh());
  CHECK(io::read_impulseradar(dir / "beach_0001_0.iprb").header().raw.at("channel") == "0");
  test::spit(dir / "line_7.iprb", iprb(64, 5, true));
  write_text(dir / "line_7.iprh", iprh());
  CHECK(io::read_impulseradar(dir / "line_7.iprb").header().raw.count("channel") == 0);
  // missing header or data: FormatError naming the file
  test::spit(dir / "alone.iprb", iprb(64, 5, true));
  CHECK_THAT(message([&] { io::read_impulseradar(dir / "alone.iprb"); }),
             Catch::Contains("alone.iprb") && Catch::Contains("'alone.iprh' not found"));
  write_text(dir / "hdronly.iprh", iprh());
  CHECK_THAT(message([&] { io::read_impulseradar(dir / "hdronly.iprh"); }),
             Catch::Contains("hdronly.iprh") && Catch::Contains("'hdronly.iprb' not found"));
  // a bad header read from a file names the file
  write_text(dir / "bad.iprh", "HEADER VERSION: 20\r\nDATA VERSION: 24\r\nSAMPLES: 64\r\n");
  test::spit(dir / "bad.iprb", iprb(64, 5, true));
  CHECK_THAT(message([&] { io::read_impulseradar(dir / "bad.iprb"); }),
             Catch::Contains("bad.iprb") && Catch::Contains("DATA VERSION = 24"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("write_impulseradar: round trip, int16 kept, integers only") {
  const auto dir = test::scratch("impulseradar_write");
  test::spit(dir / "a_001_A01.iprb", iprb(64, 5, false));
  write_text(dir / "a_001_A01.iprh", iprh("16"));
  const Bscan a = io::read_impulseradar(dir / "a_001_A01.iprb");
  io::write(dir / "b_001_A01.iprb", a);
  // 16-bit data stay 16-bit; the header keeps every key, in the instrument's order
  CHECK(std::filesystem::file_size(dir / "b_001_A01.iprb") == 64u * 5u * 2u);
  const auto text = test::slurp(dir / "b_001_A01.iprh");
  const std::string s(text.begin(), text.end());
  CHECK(s.rfind("HEADER VERSION: 20\r\nDATA VERSION: 16\r\nDATE: 2023-05-30\r\n", 0) == 0);
  CHECK(s.find("TIMEWINDOW: 10.000\r\n") != std::string::npos);
  CHECK(s.find("gprkit") == std::string::npos);  // gprkit's own raw fields stay out
  const Bscan b = io::read_impulseradar(dir / "b_001_A01.iprb");
  CHECK(test::same_data(a, b));
  CHECK(b.header().raw == a.header().raw);
  CHECK(b.header().dt_ns == a.header().dt_ns);
  CHECK(b.header().dx_m == a.header().dx_m);
  CHECK(b.header().antenna_separation_m == a.header().antenna_separation_m);
  CHECK(b.header().centre_frequency_mhz == a.header().centre_frequency_mhz);
  // a section from elsewhere: int32, fresh header, every Header field the format holds
  Bscan c = test::random_section(40, 6, true);
  c(0, 0) = 2.0e9f;  // needs int32
  c.header().dt_ns = 0.05;
  c.header().dx_m = 0.02;
  c.header().t0_ns = -1.5;
  c.header().centre_frequency_mhz = 1600;
  c.header().antenna_separation_m = 0.06;
  io::write(dir / "c.iprb", c);
  CHECK(std::filesystem::file_size(dir / "c.iprb") == 40u * 6u * 4u);
  const Bscan r = io::read_impulseradar(dir / "c.iprb");
  CHECK(test::same_data(c, r));
  CHECK(r.header().dt_ns == 0.05);
  CHECK(r.header().raw.at("FREQUENCY") == "20000");
  CHECK(r.header().dx_m == 0.02);
  CHECK(r.header().t0_ns == -1.5);
  CHECK(r.header().centre_frequency_mhz == 1600.0);
  CHECK(r.header().antenna_separation_m == 0.06);
  // time-triggered (dx 0) reads back as dx 0
  c.header().dx_m = 0;
  io::write(dir / "t.iprb", c);
  CHECK(io::read_impulseradar(dir / "t.iprb").header().raw.at("TRIG SOURCE") == "time");
  CHECK(io::read_impulseradar(dir / "t.iprb").header().dx_m == 0.0);
  // floats cannot be held: InvalidArgument, and nothing is written
  const Bscan f = test::random_section(40, 6, false);
  CHECK_THROWS_WITH(io::write(dir / "f.iprb", f), Catch::Contains("integers"));
  CHECK_THROWS_AS(io::write(dir / "f.iprb", f), InvalidArgument);
  CHECK_FALSE(std::filesystem::exists(dir / "f.iprb"));
  CHECK_FALSE(std::filesystem::exists(dir / "f.iprh"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("read_impulseradar: the CrossOver 730 line of gpr_seal") {
  GPRKIT_REQUIRE_SHARED_DATA(root);
  const auto path = root / "real/gpr_seal/beach_0001_0.iprb";
  if (!std::filesystem::exists(path)) {
    WARN("skipped: " << path << " is absent");
    return;
  }
  const Bscan b = io::read_impulseradar(path);
  REQUIRE(b.n_samples() == 351);      // SAMPLES: 351
  REQUIRE(b.n_traces() == 834);       // LAST TRACE: 834; 1170936 bytes = 351 x 834 x 4
  CHECK(b.header().dt_ns == 0.3125);  // FREQUENCY: 3200 (MHz)
  CHECK(b.header().dx_m == 0.018325);
  CHECK(b.header().centre_frequency_mhz == 300.0);
  CHECK(b.header().antenna_separation_m == 0.23);
  CHECK(b.header().raw.at("channel") == "0");
  CHECK(b.header().raw.count("gprkit_note") == 0);
  // the samples are the file's int32 words (as float)
  const auto bytes = test::slurp(path);
  REQUIRE(bytes.size() == 351u * 834u * 4u);
  bool same = true;
  for (std::size_t k = 0; k < 351u * 834u && same; ++k) {
    std::int32_t w = 0;
    std::memcpy(&w, &bytes[4 * k], 4);
    same = b.data()[k] == static_cast<float>(w);
  }
  CHECK(same);
  // by the header's name too
  CHECK(test::same_data(io::read_impulseradar(root / "real/gpr_seal/beach_0001_0.iprh"), b));
}
