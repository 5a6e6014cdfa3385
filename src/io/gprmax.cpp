#include "gprkit/io/gprmax.h"

#include <hdf5.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

#include "detail.h"
#include "gprkit/core/threads.h"
#include "gprkit/core/validate.h"
#include "hdf5_strings.h"
#include "text.h"

namespace gprkit::io {

using namespace detail;

namespace {
constexpr const char* kFmt = "gprMax";
// The most the reader allocates for one file (all receivers, float32 samples, resampled
// output and the row-major staging buffer included).
constexpr std::uint64_t kMaxBytes = std::uint64_t{4} << 30;
// deflate cannot compress better than about 1032:1; a filtered dataset claiming more is corrupt.
constexpr std::uint64_t kMaxCompression = 1100;

// RAII for HDF5 identifiers.
struct Id {
  hid_t id = H5I_INVALID_HID;
  herr_t (*close)(hid_t) = nullptr;
  Id(hid_t i, herr_t (*c)(hid_t)) : id(i), close(c) {}
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  ~Id() {
    if (id >= 0 && close != nullptr) close(id);
  }
  bool ok() const { return id >= 0; }
};

// HDF5 prints its error stack to stderr by default. The stack is per thread in a thread-safe
// build, so this runs on every call, not once.
void quiet_hdf5() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

// True when `path` (absolute) names an object of type `want` (H5I_GROUP, H5I_DATASET). Each
// parent is checked first: H5Lexists needs the intermediate groups to exist.
bool is_object(hid_t file, const std::string& path, H5I_type_t want) {
  for (std::size_t p = path.find('/', 1); p != std::string::npos; p = path.find('/', p + 1))
    if (!is_object(file, path.substr(0, p), H5I_GROUP)) return false;
  if (H5Lexists(file, path.c_str(), H5P_DEFAULT) <= 0) return false;
  Id o(H5Oopen(file, path.c_str(), H5P_DEFAULT), H5Oclose);
  return o.ok() && H5Iget_type(o.id) == want;
}

bool has_attr(hid_t obj, const char* name) { return H5Aexists(obj, name) > 0; }

// A number type that HDF5 converts with its plain code paths: the IEEE float or standard
// integer types of either byte order, nothing else. A corrupted file can declare a float of
// odd precision, offset or exponent layout; Debian's libhdf5 1.10 overflows a stack buffer
// converting such a type (H5T__bit_get_d, found by the gprmax fuzzer), so it is refused
// before any read.
bool standard_number_type(hid_t type) {
  const hid_t known[] = {H5T_IEEE_F32LE, H5T_IEEE_F32BE, H5T_IEEE_F64LE, H5T_IEEE_F64BE,
                         H5T_STD_I8LE,   H5T_STD_I8BE,   H5T_STD_U8LE,   H5T_STD_U8BE,
                         H5T_STD_I16LE,  H5T_STD_I16BE,  H5T_STD_U16LE,  H5T_STD_U16BE,
                         H5T_STD_I32LE,  H5T_STD_I32BE,  H5T_STD_U32LE,  H5T_STD_U32BE,
                         H5T_STD_I64LE,  H5T_STD_I64BE,  H5T_STD_U64LE,  H5T_STD_U64BE};
  for (hid_t k : known)
    if (H5Tequal(type, k) > 0) return true;
  return false;
}

// Numeric attribute as doubles (integer/float of 1..8 bytes, any shape), at most 64 values;
// empty when absent or of another type.
std::vector<double> attr_numbers(hid_t obj, const char* name) {
  if (!has_attr(obj, name)) return {};
  Id a(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
  if (!a.ok()) return {};
  Id type(H5Aget_type(a.id), H5Tclose);
  if (!type.ok()) return {};
  const H5T_class_t cls = H5Tget_class(type.id);
  const std::size_t size = H5Tget_size(type.id);
  if ((cls != H5T_INTEGER && cls != H5T_FLOAT) || size == 0 || size > 8) return {};
  if (!standard_number_type(type.id)) return {};
  Id space(H5Aget_space(a.id), H5Sclose);
  if (!space.ok() || H5Sget_simple_extent_type(space.id) == H5S_NULL) return {};
  const hssize_t n = H5Sget_simple_extent_npoints(space.id);
  if (n <= 0 || n > 64) return {};
  std::vector<double> v(static_cast<std::size_t>(n));
  if (H5Aread(a.id, H5T_NATIVE_DOUBLE, v.data()) < 0) return {};
  return v;
}

// Where variable-length strings are read from: the file's bytes and its address layout.
struct StringSource {
  ReadAt read;
  Hdf5Layout layout;
};

StringSource string_source(hid_t file, ReadAt read) {
  StringSource s{std::move(read), {}};
  Id fcpl(H5Fget_create_plist(file), H5Pclose);
  std::size_t sa = 0, ss = 0;
  hsize_t user_block = 0;
  if (fcpl.ok() && H5Pget_sizes(fcpl.id, &sa, &ss) >= 0 &&
      H5Pget_userblock(fcpl.id, &user_block) >= 0) {
    s.layout.sizeof_addr = static_cast<unsigned>(sa);
    s.layout.sizeof_size = static_cast<unsigned>(ss);
    s.layout.base = user_block;
  } else {
    s.layout.sizeof_addr = 0;  // unknown: vlen_string_attribute reads nothing
  }
  return s;
}

// Address of an object's header (relative to the base address), or HADDR_UNDEF.
haddr_t header_address(hid_t obj) {
#if H5_VERSION_GE(1, 12, 0)
  H5O_info2_t info;
  if (H5Oget_info3(obj, &info, H5O_INFO_BASIC) < 0) return HADDR_UNDEF;
  haddr_t addr = HADDR_UNDEF;
  if (H5VLnative_token_to_addr(obj, info.token, &addr) < 0) return HADDR_UNDEF;
  return addr;
#else
  H5O_info_t info;
  if (H5Oget_info2(obj, &info, H5O_INFO_BASIC) < 0) return HADDR_UNDEF;
  return info.addr;
#endif
}

// Scalar string attribute (at most 64 kB), as UTF-8. Fixed-length strings are read by
// libhdf5; variable-length ones (h5py's default for str: gprMax's Title, version and receiver
// names) from the file's bytes by hdf5_strings.h, since libhdf5 1.10 hangs or overflows a
// buffer on some corrupted global heaps.
std::string attr_string(hid_t obj, const char* name, const StringSource& src) {
  if (!has_attr(obj, name)) return {};
  Id a(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
  if (!a.ok()) return {};
  Id type(H5Aget_type(a.id), H5Tclose);
  if (!type.ok() || H5Tget_class(type.id) != H5T_STRING) return {};
  Id space(H5Aget_space(a.id), H5Sclose);
  if (!space.ok() || H5Sget_simple_extent_npoints(space.id) != 1) return {};
  if (H5Tis_variable_str(type.id) != 0) {
    const haddr_t addr = header_address(obj);
    if (addr == HADDR_UNDEF) return {};
    std::string v = vlen_string_attribute(src.read, src.layout, addr, name);
    return to_utf8(std::string(v.c_str()));  // h5py stores no NUL; C writers may
  }
  const std::size_t size = H5Tget_size(type.id);
  if (size == 0 || size > 1 << 16) return {};
  std::string buf(size + 1, '\0');  // room for the terminator HDF5 may add
  Id mem(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(mem.id, size + 1);
  if (H5Aread(a.id, mem.id, buf.data()) < 0) return {};
  return to_utf8(std::string(buf.c_str()));
}

std::string gib(std::uint64_t bytes) {
  return num(static_cast<double>(bytes) / (1 << 30)) + " GiB";
}

// Samples per trace after resampling n samples from dt_in to dt_out (the window is kept), in
// double so that an absurd ratio cannot overflow before it is checked.
double resampled_length(double n, double dt_in, double dt_out) {
  return std::floor((n - 1) * dt_in / dt_out + 1e-9) + 1;
}

// Refuses a resampled output over kMaxBytes before anything is allocated.
void check_resampled_size(const char* where, const char* arg, double n, double n_traces,
                          double dt_in, double dt_out) {
  const double n_out = resampled_length(n, dt_in, dt_out);
  if (n_out * n_traces * sizeof(float) > static_cast<double>(kMaxBytes))
    check::fail(where, arg, dt_out,
                "a sample interval giving at most " + gib(kMaxBytes) + " of output (" + num(n) +
                    " samples at " + num(dt_in) + " ns x " + num(n_traces) + " traces would give " +
                    num(n_out) + " samples per trace)");
}

}  // namespace

Bscan resample_traces(const Bscan& b, double dt_out_ns) {
  constexpr const char* where = "resample_traces";
  check::positive(where, "dt_out_ns", dt_out_ns);
  check::non_empty(where, "b", b.view());
  const double dt_in = b.header().dt_ns;
  check::positive(where, "b.dt_ns", dt_in);
  const std::ptrdiff_t n = b.n_samples();
  check_resampled_size(where, "dt_out_ns", static_cast<double>(n),
                       static_cast<double>(b.n_traces()), dt_in, dt_out_ns);
  const auto n_out =
      static_cast<std::ptrdiff_t>(resampled_length(static_cast<double>(n), dt_in, dt_out_ns));
  Header h = b.header();
  h.dt_ns = dt_out_ns;
  h.raw["gprkit_resampled_from_dt_ns"] = num(dt_in);
  Bscan out(n_out, b.n_traces(), std::move(h));
  // Lanczos-windowed sinc, a = 8 lobes, cutoff at the lower Nyquist frequency.
  const double ratio = std::max(1.0, dt_out_ns / dt_in);  // > 1 when downsampling
  constexpr double a = 8.0;
  const double half_width = a * ratio;  // in input samples
  const std::size_t work = static_cast<std::size_t>(n_out) *
                           static_cast<std::size_t>(b.n_traces()) *
                           static_cast<std::size_t>(2 * half_width + 1);
  constexpr double pi = 3.14159265358979323846;
  auto sinc = [](double x) { return x == 0.0 ? 1.0 : std::sin(pi * x) / (pi * x); };
#pragma omp parallel for num_threads(threads_for(work)) schedule(static)
  for (std::ptrdiff_t j = 0; j < b.n_traces(); ++j) {
    const float* in = b.trace(j);
    float* o = out.trace(j);
    for (std::ptrdiff_t k = 0; k < n_out; ++k) {
      const double pos = static_cast<double>(k) * dt_out_ns / dt_in;  // in input samples
      const auto lo = static_cast<std::ptrdiff_t>(std::ceil(pos - half_width));
      const auto hi = static_cast<std::ptrdiff_t>(std::floor(pos + half_width));
      double acc = 0.0, wsum = 0.0;
      for (std::ptrdiff_t i = std::max<std::ptrdiff_t>(lo, 0); i <= std::min(hi, n - 1); ++i) {
        const double u = (static_cast<double>(i) - pos) / ratio;
        const double w = sinc(u) * sinc(u / a);
        acc += w * in[i];
        wsum += w;
      }
      // Normalise by the kernel sum so a constant stays constant (also near the ends).
      o[k] = static_cast<float>(wsum != 0.0 ? acc / wsum : 0.0);
    }
  }
  return out;
}

namespace {
struct Receiver {
  std::string group, dataset;
  std::uint64_t ns = 0, nt = 0;
};

// Checks receiver `grp`'s dataset: a numeric dataset of rank 1 or 2 whose storage in the file
// can hold its shape (an unwritten chunked dataset has none: reading it would allocate the
// whole shape of fill values). Returns its shape; allocates nothing.
Receiver check_receiver(hid_t file, const std::string& grp, const std::string& component,
                        std::uint64_t file_bytes) {
  Receiver r{grp, grp + "/" + component};
  if (!is_object(file, r.dataset, H5I_DATASET))
    fail(kFmt, "receiver " + grp + " has no dataset '" + component + "'");
  Id ds(H5Dopen2(file, r.dataset.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds.ok()) fail(kFmt, "cannot open " + r.dataset);
  Id type(H5Dget_type(ds.id), H5Tclose);
  const H5T_class_t cls = type.ok() ? H5Tget_class(type.id) : H5T_NO_CLASS;
  const std::size_t elem = type.ok() ? H5Tget_size(type.id) : 0;
  if ((cls != H5T_FLOAT && cls != H5T_INTEGER) || elem == 0 || elem > 8)
    fail(kFmt, r.dataset + " is not a dataset of integers or floats (of 1 to 8 bytes)");
  if (!standard_number_type(type.id))
    fail(kFmt, r.dataset +
                   " has a non-standard number type (not an IEEE float or a standard "
                   "integer of 1 to 8 bytes): corrupt or not written by gprMax");
  Id space(H5Dget_space(ds.id), H5Sclose);
  const int rank = space.ok() ? H5Sget_simple_extent_ndims(space.id) : -1;
  if (rank != 1 && rank != 2)
    fail(kFmt, r.dataset + " has rank " + std::to_string(rank) + "; expected 1 or 2");
  hsize_t dims[2] = {0, 1};
  if (H5Sget_simple_extent_dims(space.id, dims, nullptr) != rank)
    fail(kFmt, "cannot read the shape of " + r.dataset);
  r.ns = dims[0];
  r.nt = dims[1];
  if (r.ns < 2 || r.nt < 1)
    fail(kFmt, r.dataset + " has shape (" + std::to_string(r.ns) + ", " + std::to_string(r.nt) +
                   "); expected at least 2 samples and 1 trace");
  // Each factor is below 2^32 after this, so the products below cannot overflow.
  if (r.ns > kMaxBytes || r.nt > kMaxBytes || r.ns * r.nt > kMaxBytes / sizeof(float))
    fail(kFmt, r.dataset + " has shape (" + std::to_string(r.ns) + ", " + std::to_string(r.nt) +
                   "): more than the reader's limit of " + gib(kMaxBytes));
  const std::uint64_t need = r.ns * r.nt * elem;
  Id dcpl(H5Dget_create_plist(ds.id), H5Pclose);
  if (!dcpl.ok()) fail(kFmt, "cannot read the storage properties of " + r.dataset);
  if (H5Pget_external_count(dcpl.id) != 0)
    fail(kFmt, r.dataset + " keeps its data in external files; they are not read");
  const int filters = H5Pget_nfilters(dcpl.id);
  const std::uint64_t stored = H5Dget_storage_size(ds.id);
  const bool fits = filters == 0 ? stored >= need : stored > 0 && need / kMaxCompression <= stored;
  if (!fits || stored > file_bytes)
    fail(kFmt, r.dataset + " has shape (" + std::to_string(r.ns) + ", " + std::to_string(r.nt) +
                   ") of " + std::to_string(elem) + "-byte values (" + std::to_string(need) +
                   " bytes) but " + std::to_string(stored) + " bytes of storage in a file of " +
                   std::to_string(file_bytes) + " bytes: the dataset was never written or the " +
                   "file is truncated");
  return r;
}

using Vec3 = std::array<double, 3>;

// One model run's step (m) from gprMax's steps in cells and the cell size; zero when either is
// missing or not finite.
Vec3 step_m(const std::vector<double>& cells, const std::vector<double>& dxyz) {
  Vec3 s{0, 0, 0};
  if (cells.size() != 3 || dxyz.size() != 3) return s;
  for (int k = 0; k < 3; ++k) s[k] = cells[k] * dxyz[k];
  for (double v : s)
    if (!std::isfinite(v)) return {0, 0, 0};
  return s;
}

double norm(const Vec3& v) { return std::hypot(v[0], v[1], v[2]); }

// Trace j of a merged file is model run j: source at src + j src_step, receiver at
// rx + j rx_step. Its position is the source-receiver midpoint, measured along the direction
// the midpoint moves (model x for the usual line along x), so x_m and dx_m are the midpoint's;
// a single run, which does not move, is at its midpoint's model x. Where the source and the
// receiver move differently (a WARR or CMP gather) the offset changes with the trace:
// antenna_separation_m is the first trace's, and raw["gather"] says so.
void set_line_geometry(Header& h, const std::vector<double>& src, const Vec3& src_step,
                       const std::vector<double>& rx, const Vec3& rx_step, std::ptrdiff_t nt) {
  h.dx_m = 0.0;
  const bool both = src.size() == 3 && rx.size() == 3;
  if (both) h.antenna_separation_m = std::hypot(rx[0] - src[0], rx[1] - src[1], rx[2] - src[2]);
  if (rx.size() != 3) return;
  Vec3 m0{}, step{};
  for (int k = 0; k < 3; ++k) {
    m0[k] = both ? 0.5 * (src[k] + rx[k]) : rx[k];
    step[k] = both ? 0.5 * (src_step[k] + rx_step[k]) : rx_step[k];
  }
  if (both &&
      norm(Vec3{rx_step[0] - src_step[0], rx_step[1] - src_step[1], rx_step[2] - src_step[2]}) > 0)
    h.raw["gather"] =
        "source and receiver steps differ: the offset changes from trace to trace (WARR/CMP)";
  for (double v : m0)
    if (!std::isfinite(v)) return;
  const double d = norm(step);
  if (!(d > 0) || !std::isfinite(d)) {
    if (nt == 1) h.x_m = {m0[0]};
    return;
  }
  const double along = (m0[0] * step[0] + m0[1] * step[1] + m0[2] * step[2]) / d;
  h.dx_m = d;
  h.x_m.resize(static_cast<std::size_t>(nt));
  for (std::ptrdiff_t j = 0; j < nt; ++j)
    h.x_m[static_cast<std::size_t>(j)] = along + static_cast<double>(j) * d;
}

std::vector<Bscan> read_open_file(hid_t file_id, std::uint64_t file_bytes, ReadAt read,
                                  const GprmaxReadOptions& o) {
  if (o.component.empty() || o.component.find('/') != std::string::npos ||
      o.component.find('.') == 0)
    check::fail("read_gprmax", "component", o.component, "a dataset name such as Ez or Hy");
  if (!is_object(file_id, "/", H5I_GROUP)) fail(kFmt, "the file has no root group");
  Id root(H5Gopen2(file_id, "/", H5P_DEFAULT), H5Gclose);
  if (!root.ok()) fail(kFmt, "cannot open the root group");
  const StringSource strings = string_source(file_id, std::move(read));
  const auto dt_s = attr_numbers(root.id, "dt");
  const auto iters = attr_numbers(root.id, "Iterations");
  if (dt_s.size() != 1 || !(dt_s[0] > 0) || !(dt_s[0] < 1e-3))
    fail(kFmt, "root attribute 'dt' missing or not a time step in seconds (0 < dt < 1e-3)");
  Header base;
  base.dt_ns = dt_s[0] * 1e9;
  base.raw["format"] = "gprmax";
  for (const char* key : {"gprMax", "Title"})
    if (std::string v = attr_string(root.id, key, strings); !v.empty())
      base.raw[key] = std::move(v);
  base.raw["component"] = o.component;
  for (const char* k :
       {"dt", "Iterations", "nx_ny_nz", "dx_dy_dz", "nrx", "nsrc", "srcsteps", "rxsteps"}) {
    const auto v = attr_numbers(root.id, k);
    if (!v.empty()) base.raw[k] = join(v);
  }
  const auto dxyz = attr_numbers(root.id, "dx_dy_dz");
  const Vec3 rx_step = step_m(attr_numbers(root.id, "rxsteps"), dxyz);
  const Vec3 src_step = step_m(attr_numbers(root.id, "srcsteps"), dxyz);
  std::vector<double> src_pos;
  if (is_object(file_id, "/srcs/src1", H5I_GROUP)) {
    Id src(H5Gopen2(file_id, "/srcs/src1", H5P_DEFAULT), H5Gclose);
    if (src.ok()) src_pos = attr_numbers(src.id, "Position");
    if (src.ok())
      if (std::string v = attr_string(src.id, "Type", strings); !v.empty())
        base.raw["src_type"] = std::move(v);
  }
  if (!is_object(file_id, "/rxs", H5I_GROUP)) fail(kFmt, "no /rxs group (no receivers)");
  std::vector<Receiver> rx;
  std::uint64_t total = 0;
  const bool resample = o.dt_ns > 0;
  for (std::uint64_t r = 1; r <= file_bytes / 64; ++r) {
    const std::string grp = "/rxs/rx" + std::to_string(r);
    if (!is_object(file_id, grp, H5I_GROUP)) break;
    rx.push_back(check_receiver(file_id, grp, o.component, file_bytes));
    const Receiver& x = rx.back();
    if (resample)
      check_resampled_size("read_gprmax", "dt_ns", static_cast<double>(x.ns),
                           static_cast<double>(x.nt), base.dt_ns, o.dt_ns);
    const double out_ns = resample
                              ? resampled_length(static_cast<double>(x.ns), base.dt_ns, o.dt_ns)
                              : static_cast<double>(x.ns);
    // the Bscan, its row-major staging buffer and the resampled copy
    total +=
        sizeof(float) * x.nt * (2 * x.ns + (resample ? static_cast<std::uint64_t>(out_ns) : 0));
    if (total > kMaxBytes)
      fail(kFmt, "the receivers up to " + grp + " need " + gib(total) +
                     " of memory; the reader's limit is " + gib(kMaxBytes));
  }
  if (rx.empty()) fail(kFmt, "no receivers under /rxs (expected /rxs/rx1)");
  std::vector<Bscan> out;
  out.reserve(rx.size());
  for (const Receiver& x : rx) {
    if (!iters.empty() && static_cast<double>(x.ns) != iters[0])
      base.raw["gprkit_note"] =
          "Iterations attribute " + num(iters[0]) + " != dataset length " + std::to_string(x.ns);
    const auto ns = static_cast<std::ptrdiff_t>(x.ns), nt = static_cast<std::ptrdiff_t>(x.nt);
    Header h = base;
    Id g(H5Gopen2(file_id, x.group.c_str(), H5P_DEFAULT), H5Gclose);
    Id ds(H5Dopen2(file_id, x.dataset.c_str(), H5P_DEFAULT), H5Dclose);
    if (!g.ok() || !ds.ok()) fail(kFmt, "cannot open " + x.dataset);
    h.raw["receiver"] = x.group;
    if (std::string v = attr_string(g.id, "Name", strings); !v.empty())
      h.raw["rx_name"] = std::move(v);
    const auto rx_pos = attr_numbers(g.id, "Position");
    if (!rx_pos.empty()) h.raw["rx_position_m"] = join(rx_pos);
    if (!src_pos.empty()) h.raw["src_position_m"] = join(src_pos);
    set_line_geometry(h, src_pos, src_step, rx_pos, rx_step, nt);
    // The dataset is row-major (Iterations, n_traces): read as float and transpose.
    std::vector<float> tmp(static_cast<std::size_t>(ns) * static_cast<std::size_t>(nt));
    if (H5Dread(ds.id, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, tmp.data()) < 0)
      fail(kFmt, "cannot read " + x.dataset + " (corrupt or unreadable storage)");
    Bscan b = Bscan::uninitialized(ns, nt, std::move(h));
    for (std::ptrdiff_t i = 0; i < ns; ++i)
      for (std::ptrdiff_t j = 0; j < nt; ++j) b(i, j) = tmp[static_cast<std::size_t>(i * nt + j)];
    out.push_back(resample ? resample_traces(b, o.dt_ns) : std::move(b));
  }
  return out;
}

void check_dt(const GprmaxReadOptions& o) {
  if (!(o.dt_ns >= 0) || !std::isfinite(o.dt_ns))
    check::fail("read_gprmax", "dt_ns", o.dt_ns, ">= 0 (0 keeps gprMax's dt)");
}
}  // namespace

std::vector<Bscan> read_gprmax(const std::filesystem::path& path, const GprmaxReadOptions& o) {
  quiet_hdf5();
  check_dt(o);
  check_regular_file(path);  // a FIFO would block HDF5's open
  std::error_code ec;
  const std::uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) throw IoError("gprMax: cannot stat '" + path.string() + "': " + ec.message());
  return reader_boundary(kFmt, [&] {
    if (H5Fis_hdf5(path.c_str()) <= 0) fail(kFmt, "'" + path.string() + "' is not an HDF5 file");
    Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    if (!file.ok()) fail(kFmt, "cannot open '" + path.string() + "' as HDF5");
    const RandomAccessFile bytes(path);
    return read_open_file(
        file.id, size,
        [&bytes](std::uint64_t off, std::size_t n, std::uint8_t* out) {
          return bytes.read_at(off, n, out);
        },
        o);
  });
}

std::vector<Bscan> decode_gprmax(std::span<const std::uint8_t> bytes, const GprmaxReadOptions& o) {
  quiet_hdf5();
  check_dt(o);
  if (bytes.size() < 8 || std::memcmp(bytes.data(), "\x89HDF\r\n\x1a\n", 8) != 0)
    fail(kFmt, "not an HDF5 file (no signature at byte 0)");
  return reader_boundary(kFmt, [&] {
    // The core driver opens a copy of the image in memory, no backing file.
    Id fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
    if (!fapl.ok() || H5Pset_fapl_core(fapl.id, 1 << 16, 0) < 0 ||
        H5Pset_file_image(fapl.id, const_cast<std::uint8_t*>(bytes.data()), bytes.size()) < 0)
      throw IoError("gprMax: cannot set up an in-memory HDF5 file");
    Id file(H5Fopen("gprkit-memory.out", H5F_ACC_RDONLY, fapl.id), H5Fclose);
    if (!file.ok()) fail(kFmt, "the bytes do not open as HDF5");
    return read_open_file(
        file.id, bytes.size(),
        [bytes](std::uint64_t off, std::size_t n, std::uint8_t* out) {
          if (off > bytes.size() || n > bytes.size() - off) return false;
          std::memcpy(out, bytes.data() + off, n);
          return true;
        },
        o);
  });
}

}  // namespace gprkit::io
