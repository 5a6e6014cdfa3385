#include <hdf5.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "gprkit/core/error.h"
#include "gprkit/io/gprmax.h"
#include "test_io_util.h"

using namespace gprkit;

TEST_CASE("resample_traces: a band-limited tone is resampled to its analytic values") {
  // 300 MHz tone sampled every 2 ps, resampled to 0.1 ns (Nyquist 5 GHz)
  const double dt = 0.002, f_ghz = 0.3;
  Bscan b(20001, 2);
  b.header().dt_ns = dt;
  for (int i = 0; i < b.n_samples(); ++i) {
    b(i, 0) = static_cast<float>(std::sin(2 * M_PI * f_ghz * i * dt));
    b(i, 1) = 1.0f;
  }
  const Bscan r = io::resample_traces(b, 0.1);
  CHECK(r.n_samples() == 401);  // 40 ns window kept
  CHECK(r.header().dt_ns == 0.1);
  for (int k = 20; k < 380; ++k) {
    REQUIRE(r(k, 0) == Approx(std::sin(2 * M_PI * f_ghz * k * 0.1)).margin(2e-3));
    REQUIRE(r(k, 1) == Approx(1.0f).margin(1e-6));
  }
  // a tone above the new Nyquist frequency is removed, not aliased
  Bscan hi(20001, 1);
  hi.header().dt_ns = dt;
  for (int i = 0; i < hi.n_samples(); ++i)
    hi(i, 0) = static_cast<float>(std::sin(2 * M_PI * 8.0 * i * dt));
  const Bscan rh = io::resample_traces(hi, 0.1);
  double mx = 0;
  for (int k = 20; k < 380; ++k) mx = std::max(mx, std::fabs(static_cast<double>(rh(k, 0))));
  CHECK(mx < 0.02);
  CHECK_THROWS_AS(io::resample_traces(b, 0.0), InvalidArgument);
}

TEST_CASE("read_gprmax: non-HDF5 and missing files") {
  const auto dir = test::scratch("gprmax");
  test::spit(dir / "x.out", {1, 2, 3, 4});
  CHECK_THROWS_AS(io::read_gprmax(dir / "x.out"), FormatError);
  CHECK_THROWS_AS(io::read_gprmax(dir / "none.out"), IoError);
  std::filesystem::remove_all(dir);
}

namespace {
// A gprMax-like .out written with the HDF5 C library: root attribute dt, /rxs/rx1..rxN with
// dataset `comp` of shape dims (rank 1 or 2). written = false declares a chunked dataset
// without writing it (storage 0).
struct H5Out {
  hid_t f;
  explicit H5Out(const std::filesystem::path& p, double dt_s = 2e-12) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    f = H5Fcreate(p.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (dt_s > 0) attr("/", "dt", dt_s);
    H5Gclose(H5Gcreate2(f, "/rxs", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  }
  ~H5Out() { H5Fclose(f); }
  void attr(const char* obj, const char* name, double v) {
    const hid_t o = H5Oopen(f, obj, H5P_DEFAULT), s = H5Screate(H5S_SCALAR);
    const hid_t a = H5Acreate2(o, name, H5T_NATIVE_DOUBLE, s, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_DOUBLE, &v);
    H5Aclose(a), H5Sclose(s), H5Oclose(o);
  }
  void rx(int r, std::vector<hsize_t> dims, bool written = true, const char* comp = "Ez") {
    const std::string g = "/rxs/rx" + std::to_string(r);
    H5Gclose(H5Gcreate2(f, g.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    const hid_t s = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
    const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (!written) {
      std::vector<hsize_t> chunk(dims.size(), 64);
      H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data());
    }
    const hid_t d = H5Dcreate2(f, (g + "/" + comp).c_str(), H5T_NATIVE_FLOAT, s, H5P_DEFAULT, dcpl,
                               H5P_DEFAULT);
    if (written) {
      hsize_t n = 1;
      for (const hsize_t k : dims) n *= k;
      std::vector<float> v(n);
      for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i % 97) + r;
      H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
    }
    H5Dclose(d), H5Pclose(dcpl), H5Sclose(s);
  }
};
}  // namespace

TEST_CASE("read_gprmax: an unwritten or huge dataset is refused before allocation") {
  const auto dir = test::scratch("gprmax_alloc");
  {
    H5Out h(dir / "huge.out");  // 2^16 x 2^16 floats = 16 GiB declared in a few kB
    h.rx(1, {hsize_t{1} << 16, hsize_t{1} << 16}, false);
  }
  CHECK(std::filesystem::file_size(dir / "huge.out") < 10000);
  CHECK_THROWS_WITH(io::read_gprmax(dir / "huge.out"), Catch::Contains("limit of 4 GiB"));
  {
    H5Out h(dir / "empty.out");  // 4 MB declared, never written
    h.rx(1, {1000, 1000}, false);
  }
  CHECK_THROWS_WITH(io::read_gprmax(dir / "empty.out"),
                    Catch::Contains("0 bytes of storage") && Catch::Contains("never written"));
  // The same bytes from memory give the same answers.
  CHECK_THROWS_AS(io::decode_gprmax(test::slurp(dir / "empty.out")), FormatError);
  std::filesystem::remove_all(dir);
}

TEST_CASE("read_gprmax: structure is checked before anything is read") {
  const auto dir = test::scratch("gprmax_struct");
  {
    H5Out h(dir / "nodt.out", 0.0);
    h.rx(1, {10});
  }
  CHECK_THROWS_WITH(io::read_gprmax(dir / "nodt.out"), Catch::Contains("'dt' missing"));
  {
    H5Out h(dir / "group.out");  // rx1/Ez is a group, not a dataset
    H5Gclose(H5Gcreate2(h.f, "/rxs/rx1", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    H5Gclose(H5Gcreate2(h.f, "/rxs/rx1/Ez", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  }
  CHECK_THROWS_WITH(io::read_gprmax(dir / "group.out"), Catch::Contains("has no dataset 'Ez'"));
  {
    H5Out h(dir / "rank3.out");
    h.rx(1, {4, 3, 2});
  }
  CHECK_THROWS_WITH(io::read_gprmax(dir / "rank3.out"), Catch::Contains("rank 3"));
  { H5Out h(dir / "norx.out"); }
  CHECK_THROWS_WITH(io::read_gprmax(dir / "norx.out"), Catch::Contains("no receivers"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("read_gprmax: every receiver is read, from a file or from memory") {
  const auto dir = test::scratch("gprmax_rx");
  {
    H5Out h(dir / "many.out");
    for (int r = 1; r <= 1030; ++r) h.rx(r, {8});
  }
  const auto rx = io::read_gprmax(dir / "many.out");
  REQUIRE(rx.size() == 1030);
  CHECK(rx.back().header().raw.at("receiver") == "/rxs/rx1030");
  CHECK(rx.back()(0, 0) == 1030.0f);
  CHECK(rx[0].header().dt_ns == Approx(0.002));
  const auto mem = io::decode_gprmax(test::slurp(dir / "many.out"));
  REQUIRE(mem.size() == 1030);
  CHECK(mem[1029](3, 0) == rx[1029](3, 0));
  std::filesystem::remove_all(dir);
}

TEST_CASE("read_gprmax: resampling to an absurdly fine dt is refused with the size") {
  const auto dir = test::scratch("gprmax_dt");
  {
    H5Out h(dir / "a.out");
    h.rx(1, {5001, 4});
  }
  // 10 ns at 1e-8 ns: 1e9 samples per trace x 4 traces x 4 bytes = 16 GiB.
  CHECK_THROWS_WITH(io::read_gprmax(dir / "a.out", {.dt_ns = 1e-8}),
                    Catch::Contains("dt_ns") && Catch::Contains("at most 4 GiB"));
  CHECK_THROWS_AS(io::read_gprmax(dir / "a.out", {.dt_ns = 1e-8}), InvalidArgument);
  Bscan b(5001, 4);
  b.header().dt_ns = 0.002;
  CHECK_THROWS_AS(io::resample_traces(b, 1e-8), InvalidArgument);
  CHECK(io::read_gprmax(dir / "a.out", {.dt_ns = 0.05})[0].n_samples() == 201);
  std::filesystem::remove_all(dir);
}

TEST_CASE("read_gprmax: a float of non-standard layout is refused before HDF5 converts it") {
  // A corrupted header can declare such a type; libhdf5 1.10 overflows a stack buffer converting
  // some of them (found by the gprmax fuzzer), so the reader never asks it to.
  const auto dir = test::scratch("gprmax_type");
  {
    H5Out h(dir / "odd.out");
    H5Gclose(H5Gcreate2(h.f, "/rxs/rx1", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    const hid_t t = H5Tcopy(H5T_IEEE_F32LE);
    REQUIRE(H5Tset_fields(t, 30, 23, 7, 0, 23) >= 0);
    REQUIRE(H5Tset_precision(t, 31) >= 0);  // a 31-bit float: valid HDF5, never written by gprMax
    REQUIRE(H5Tset_ebias(t, 63) >= 0);
    const hsize_t n = 16;
    const hid_t s = H5Screate_simple(1, &n, nullptr);
    const hid_t d = H5Dcreate2(h.f, "/rxs/rx1/Ez", t, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    std::vector<float> v(16, 1.0f);
    H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
    H5Dclose(d), H5Sclose(s), H5Tclose(t);
  }
  CHECK_THROWS_WITH(io::read_gprmax(dir / "odd.out"), Catch::Contains("non-standard number type"));
  std::filesystem::remove_all(dir);
}

namespace {
// A merged B-scan as gprMax writes it through h5py: variable-length UTF-8 strings for the
// version, title, receiver name and source type; positions (m) of the first run; steps in cells.
void write_merged_line(const std::filesystem::path& p, bool latest_format,
                       const std::vector<double>& srcsteps = {5, 0, 0}) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  if (latest_format) H5Pset_libver_bounds(fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST);
  const hid_t f = H5Fcreate(p.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  const auto text = [](hid_t o, const char* name, const char* v) {
    const hid_t t = H5Tcopy(H5T_C_S1), s = H5Screate(H5S_SCALAR);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    const hid_t a = H5Acreate2(o, name, t, s, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, t, &v);
    H5Aclose(a), H5Sclose(s), H5Tclose(t);
  };
  const auto numbers = [](hid_t o, const char* name, const std::vector<double>& v) {
    const hsize_t n = v.size();
    const hid_t s = n == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr);
    const hid_t a = H5Acreate2(o, name, H5T_NATIVE_DOUBLE, s, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_DOUBLE, v.data());
    H5Aclose(a), H5Sclose(s);
  };
  text(f, "gprMax", "3.1.7");
  text(f, "Title", "Mine lane 4 — PMN-2 at 10 cm");  // UTF-8 dash
  numbers(f, "dt", {2e-12});
  numbers(f, "dx_dy_dz", {0.002, 0.002, 0.002});
  // (the latest format keeps at most 8 attributes in the header: more go to dense storage)
  if (!latest_format) numbers(f, "Iterations", {32});
  numbers(f, "rxsteps", {5, 0, 0});
  numbers(f, "srcsteps", srcsteps);
  const hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  const hid_t s1 = H5Gcreate2(f, "/srcs/src1", lcpl, H5P_DEFAULT, H5P_DEFAULT);
  text(s1, "Type", "HertzianDipole");
  numbers(s1, "Position", {0.04, 0.17, 0.0});
  const hid_t r1 = H5Gcreate2(f, "/rxs/rx1", lcpl, H5P_DEFAULT, H5P_DEFAULT);
  text(r1, "Name", "rx1");
  numbers(r1, "Position", {0.08, 0.17, 0.0});
  const hsize_t dims[2] = {32, 6};
  const hid_t s = H5Screate_simple(2, dims, nullptr);
  const hid_t d = H5Dcreate2(r1, "Ez", H5T_NATIVE_FLOAT, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  std::vector<float> v(32 * 6, 1.0f);
  H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Dclose(d), H5Sclose(s), H5Gclose(r1), H5Gclose(s1), H5Pclose(lcpl);
  H5Fclose(f), H5Pclose(fapl);
}
}  // namespace

TEST_CASE("read_gprmax: variable-length strings and per-trace positions are read") {
  const auto dir = test::scratch("gprmax_attrs");
  for (const bool latest : {false, true}) {
    INFO((latest ? "object header version 2" : "object header version 1"));
    write_merged_line(dir / "line.out", latest);
    for (const auto& b : {io::read_gprmax(dir / "line.out")[0],
                          io::decode_gprmax(test::slurp(dir / "line.out"))[0]}) {
      const auto& h = b.header();
      CHECK(h.raw.at("gprMax") == "3.1.7");
      CHECK(h.raw.at("Title") == "Mine lane 4 — PMN-2 at 10 cm");
      CHECK(h.raw.at("rx_name") == "rx1");
      CHECK(h.raw.at("src_type") == "HertzianDipole");
      // Trace j is run j: source at 0.04 + 0.01 j, receiver at 0.08 + 0.01 j: midpoint
      // 0.06 + 0.01 j, offset 4 cm.
      REQUIRE(h.x_m.size() == 6);
      for (int j = 0; j < 6; ++j) CHECK(h.x_m[j] == Approx(0.06 + 0.01 * j).margin(1e-12));
      CHECK(h.dx_m == Approx(0.01));
      CHECK(h.antenna_separation_m == Approx(0.04));
      CHECK(h.raw.count("gather") == 0);
    }
  }
  // A WARR gather (the source stays, the receiver moves): the midpoint moves at half the
  // receiver's step and the header says the offset changes.
  write_merged_line(dir / "warr.out", false, {0, 0, 0});
  const auto w = io::read_gprmax(dir / "warr.out")[0].header();
  CHECK(w.dx_m == Approx(0.005));
  CHECK(w.x_m[2] == Approx(0.07));
  CHECK(w.raw.count("gather") == 1);
  std::filesystem::remove_all(dir);
}

TEST_CASE("read_gprmax: a corrupted global heap loses the strings, not the file") {
  // Only gprkit reads the heap (libhdf5 1.10 hangs on an object of size 0 there and overflows
  // a buffer when a string's length disagrees with its object): every byte of the collection
  // set to 0x00, 0xff or flipped must still give the samples and dt, and never hang or crash.
  const auto dir = test::scratch("gprmax_heap");
  write_merged_line(dir / "line.out", false);
  const auto good = test::slurp(dir / "line.out");
  const std::string image(good.begin(), good.end());
  const auto at = image.find("GCOL");
  REQUIRE(at != std::string::npos);
  const std::size_t size = good[at + 8] | (std::size_t{good[at + 9]} << 8);
  REQUIRE(size >= 16);
  REQUIRE(at + size <= good.size());
  int lost = 0;
  for (std::size_t k = at; k < at + std::min<std::size_t>(size, 256); ++k)
    for (const int mode : {0, 1, 2}) {
      auto bad = good;
      bad[k] = mode == 0 ? 0x00 : mode == 1 ? 0xff : static_cast<std::uint8_t>(bad[k] ^ 0x80);
      const auto b = io::decode_gprmax(bad);
      REQUIRE(b[0].header().dt_ns == Approx(0.002));
      REQUIRE(b[0](0, 0) == 1.0f);
      lost += b[0].header().raw.count("Title") == 0 ? 1 : 0;
    }
  CHECK(lost > 0);  // the corruption was seen, not read through
  std::filesystem::remove_all(dir);
}
