#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <thread>

#include "gprkit/core/error.h"
#include "gprkit/io/read.h"
#include "shared_data.h"
#include "test_io_util.h"

using namespace gprkit;

TEST_CASE("read/write: format by extension and magic bytes") {
  const auto dir = test::scratch("read");
  Bscan b = test::random_section(64, 6, true);
  b.header().dt_ns = 0.1;
  for (const char* name : {"a.dzt", "b.DT1", "c.sgy", "d.npy"}) {
    io::write(dir / name, b);
    const auto r = io::read(dir / name);
    REQUIRE(r.size() == 1);
    CHECK(test::same_data(r[0], b));
    CHECK(r[0].header().dt_ns == Approx(0.1));
  }
  CHECK(io::detect_format(dir / "a.dzt") == io::Format::dzt);
  CHECK(io::detect_format(dir / "b.HD") == io::Format::dt1);
  // content decides when the extension does not
  std::filesystem::copy_file(dir / "d.npy", dir / "d.bin");
  std::filesystem::copy_file(dir / "c.sgy", dir / "c.dat");
  std::filesystem::copy_file(dir / "a.dzt", dir / "a.raw");
  CHECK(io::detect_format(dir / "d.bin") == io::Format::npy);
  CHECK(io::detect_format(dir / "c.dat") == io::Format::segy);
  CHECK(io::detect_format(dir / "a.raw") == io::Format::dzt);
  test::spit(dir / "junk.xyz", std::vector<std::uint8_t>(100, 7));
  CHECK_THROWS_AS(io::read(dir / "junk.xyz"), FormatError);
  CHECK_THROWS_AS(io::write(dir / "x.txt", b), InvalidArgument);
  const std::string table = io::info_table(dir / "a.dzt");
  CHECK(table.find("dt_ns") != std::string::npos);
  CHECK(table.find("rh_nsamp") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("read: every real file in the shared folder reads without NaN") {
  GPRKIT_REQUIRE_SHARED_DATA(root);
  std::size_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root / "real")) {
    const auto ext = e.path().extension().string();
    if (ext != ".DZT" && ext != ".DT1" && ext != ".rd3") continue;
    INFO(e.path());
    const auto ch = io::read(e.path());
    REQUIRE(!ch.empty());
    CHECK(test::all_finite(ch[0]));
    CHECK(ch[0].header().dt_ns > 0);
    ++n;
  }
  CHECK(n >= 3);
}

namespace {
// Files of a folder whose names mark them as gprkit temporaries.
std::size_t temporaries_in(const std::filesystem::path& dir) {
  std::size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    n += e.path().filename().string().find(".gprkit-tmp-") != std::string::npos;
  return n;
}
}  // namespace

TEST_CASE("read: a file truncated by another thread while it is read never crashes") {
  // With a memory map, the truncation killed the process (SIGBUS); now every read either
  // returns the data or raises FormatError.
  const auto dir = test::scratch("truncate");
  Bscan b = test::random_section(512, 400, true);
  b.header().dt_ns = 0.1;
  for (const char* name : {"t.dzt", "t.sgy", "t.npy"}) {
    INFO(name);
    const auto path = dir / name;
    io::write(path, b);
    const auto bytes = test::slurp(path);
    const int fd = ::open(path.c_str(), O_RDWR);
    REQUIRE(fd >= 0);
    std::atomic<bool> stop{false}, cutter_ok{true};
    std::thread cutter([&] {  // no Catch2 assertions here: they are not thread-safe
      std::mt19937 rng(7);
      while (!stop) {
        // Cut somewhere, then restore the whole file.
        const auto cut = static_cast<off_t>(rng() % bytes.size());
        const auto rest = static_cast<ssize_t>(bytes.size()) - cut;
        if (::ftruncate(fd, cut) != 0 || ::pwrite(fd, bytes.data() + cut, rest, cut) != rest)
          cutter_ok = false;
      }
    });
    std::size_t ok = 0, format_errors = 0;
    for (int k = 0; k < 300; ++k) {
      try {
        io::read(path);
        ++ok;
      } catch (const FormatError&) {
        ++format_errors;
      }
    }
    stop = true;
    cutter.join();
    ::close(fd);
    CHECK(cutter_ok);
    CHECK(ok + format_errors == 300);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("read: FIFOs, folders and devices are refused without opening them") {
  const auto dir = test::scratch("fifo");
  REQUIRE(::mkfifo((dir / "f.dzt").c_str(), 0600) == 0);
  // Opening the FIFO would block until a writer appeared: the test would hang.
  for (const auto& p : {dir / "f.dzt", std::filesystem::path("/dev/null"), dir}) {
    INFO(p);
    try {
      io::read(p);
      FAIL("read accepted " << p);
    } catch (const IoError& e) {
      CHECK_THAT(e.what(), Catch::Contains(p.string()) && Catch::Contains("not a regular file"));
    }
  }
  // Companions: a FIFO beside a good data file is refused too, not opened and not skipped.
  Bscan b = test::random_section(64, 5, true);
  b.header().dt_ns = 0.1;
  for (const auto& [data, companion] : {std::pair<std::string, std::string>{"a.dt1", "a.hd"},
                                        {"a.dt1", "a.gps"},
                                        {"n.npy", "n.npy.json"},
                                        {"g.dzt", "g.dzg"}}) {
    INFO(companion);
    io::write(dir / data, b);
    std::filesystem::remove(dir / companion);
    REQUIRE(::mkfifo((dir / companion).c_str(), 0600) == 0);
    CHECK_THROWS_WITH(io::read(dir / data), Catch::Contains((dir / companion).string()) &&
                                                Catch::Contains("not a regular file"));
    std::filesystem::remove(dir / companion);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("read/write: a path with an embedded NUL is refused, never truncated") {
  const auto dir = test::scratch("nul");
  Bscan b = test::random_section(16, 3, true);
  b.header().dt_ns = 0.1;
  const std::string bad = (dir / "a").string() + std::string(1, '\0') + "b.npy";
  for (const char* ext : {".npy", ".dt1", ".dzt", ".sgy"}) {
    const std::string p = (dir / "a").string() + std::string(1, '\0') + "b" + ext;
    CHECK_THROWS_AS(io::write(p, b), InvalidArgument);
    CHECK_THROWS_WITH(io::read(p), Catch::Contains("\\0b") && Catch::Contains("NUL"));
  }
  CHECK_THROWS_AS(io::read(bad), InvalidArgument);
  CHECK_THROWS_AS(io::detect_format(bad), InvalidArgument);
  // Nothing was created under the truncated name "a" (or any other).
  CHECK(std::filesystem::is_empty(dir));
  std::filesystem::remove_all(dir);
}

TEST_CASE("write: a full disk leaves the old files exactly as they were") {
  const auto dir = test::scratch("full");
  if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=1m") != 0) {
    WARN("skipped: cannot mount a 1 MiB tmpfs here (" << std::strerror(errno)
                                                      << "; needs root/CAP_SYS_ADMIN)");
    std::filesystem::remove_all(dir);
    return;
  }
  Bscan small = test::random_section(64, 10, true, 1);
  small.header().dt_ns = 0.1;
  Bscan big = test::random_section(512, 600, false, 2);  // 1.2 MB as float: does not fit
  big.header().dt_ns = 0.1;
  for (const char* name : {"a.dt1", "b.npy", "c.dzt", "d.sgy", "E.DT1"}) {
    INFO(name);
    const auto path = dir / name;
    io::write(path, small);
    const auto companion = name[2] == 'd'   ? dir / "a.hd"
                           : name[2] == 'n' ? dir / "b.npy.json"
                           : name[2] == 'D' ? dir / "E.HD"
                                            : path;
    const auto old_data = test::slurp(path), old_companion = test::slurp(companion);
    ::chmod(path.c_str(), 0640);
    CHECK_THROWS_WITH(io::write(path, big),
                      Catch::Contains("No space left on device") && Catch::Contains(path.string()));
    CHECK(test::slurp(path) == old_data);
    CHECK(test::slurp(companion) == old_companion);
    CHECK(temporaries_in(dir) == 0);
    CHECK((std::filesystem::status(path).permissions() & std::filesystem::perms::all) ==
          (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
           std::filesystem::perms::group_read));
    CHECK(test::same_data(io::read(path)[0], small));
    // A write that fits replaces the file and keeps its mode.
    io::write(path, small);
    CHECK((std::filesystem::status(path).permissions() & std::filesystem::perms::all) ==
          (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
           std::filesystem::perms::group_read));
    for (const auto& e : std::filesystem::directory_iterator(dir)) std::filesystem::remove(e);
  }
  ::umount2(dir.c_str(), MNT_DETACH);
  std::filesystem::remove_all(dir);
}

TEST_CASE("write: new files get mode 0666 & ~umask, no temporaries remain") {
  const auto dir = test::scratch("mode");
  Bscan b = test::random_section(16, 3, true);
  b.header().dt_ns = 0.1;
  const mode_t old = ::umask(022);
  io::write(dir / "m.npy", b);
  ::umask(old);
  struct stat st {};
  REQUIRE(::stat((dir / "m.npy").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0644);
  REQUIRE(::stat((dir / "m.npy.json").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0644);
  CHECK(temporaries_in(dir) == 0);
  std::filesystem::remove_all(dir);
}

TEST_CASE("read: the data file is the path given, companions follow its case") {
  const auto dir = test::scratch("case");
  Bscan old_b = test::random_section(32, 4, true, 1), new_b = test::random_section(32, 6, true, 2);
  old_b.header().dt_ns = new_b.header().dt_ns = 0.1;
  io::write(dir / "A.DT1", old_b);  // A.DT1 + A.HD
  io::write(dir / "A.dt1", new_b);  // A.dt1 + A.hd
  CHECK(test::same_data(io::read(dir / "A.dt1")[0], new_b));
  CHECK(test::same_data(io::read(dir / "A.DT1")[0], old_b));
  CHECK(test::same_data(io::read(dir / "A.hd")[0], new_b));
  CHECK(test::same_data(io::read(dir / "A.HD")[0], old_b));
  // Mixed case: the HD is written as line.Hd and found again.
  io::write(dir / "line.Dt1", new_b);
  CHECK(std::filesystem::exists(dir / "line.Hd"));
  CHECK(test::same_data(io::read(dir / "line.Dt1")[0], new_b));
  // A companion in another case than the data file's is still found (upper, then lower).
  std::filesystem::rename(dir / "line.Hd", dir / "line.HD");
  CHECK(test::same_data(io::read(dir / "line.Dt1")[0], new_b));
  io::write(dir / "N.NPY", new_b);
  CHECK(std::filesystem::exists(dir / "N.NPY.JSON"));
  CHECK(io::read(dir / "N.NPY")[0].header().dt_ns == 0.1);
  std::filesystem::remove_all(dir);
}
