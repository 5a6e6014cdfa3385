#include "hdf5_strings.h"

#include <cstring>
#include <utility>
#include <vector>

// Layouts from the HDF5 File Format Specification (version 3): object headers (IV.A.1.a/b),
// the attribute message (IV.A.2.m), the datatype message (IV.A.2.d), variable-length data
// (a 4-byte length and a global heap ID) and global heap collections (III.E).
namespace gprkit::io::detail {

namespace {
constexpr std::size_t kMaxString = std::size_t{1} << 16;
constexpr std::size_t kMaxChunks = 64;
constexpr std::uint64_t kMaxChunkBytes = std::uint64_t{1} << 20;
// Far above any real collection (4 kB by default), low enough that offsets cannot overflow.
constexpr std::uint64_t kMaxCollectionBytes = std::uint64_t{1} << 40;
constexpr unsigned kMsgContinuation = 0x10, kMsgAttribute = 0x0C;

std::uint64_t decode(const std::uint8_t* p, unsigned n) {
  std::uint64_t v = 0;
  for (unsigned i = 0; i < n; ++i) v |= std::uint64_t{p[i]} << (8 * i);
  return v;
}

class Reader {
 public:
  Reader(const ReadAt& read, const Hdf5Layout& layout) : read_(read), layout_(layout) {}
  // n bytes at HDF5 address `addr` (relative to the base address).
  bool at(std::uint64_t addr, std::size_t n, std::uint8_t* out) const {
    if (addr > UINT64_MAX - layout_.base) return false;
    return read_(layout_.base + addr, n, out);
  }
  const Hdf5Layout& layout() const { return layout_; }

 private:
  const ReadAt& read_;
  Hdf5Layout layout_;
};

// Object `index` of the global heap collection at `collection`, of `length` bytes.
bool heap_object(const Reader& r, std::uint64_t collection, std::uint32_t index,
                 std::uint32_t length, std::string& out) {
  const unsigned ss = r.layout().sizeof_size;
  if (index == 0 || length > kMaxString) return false;  // index 0 is the free space
  std::uint8_t h[16];
  const std::size_t head = 8 + ss;  // "GCOL", version, 3 reserved, collection size
  if (!r.at(collection, head, h) || std::memcmp(h, "GCOL", 4) != 0 || h[4] != 1) return false;
  const std::uint64_t size = decode(h + 8, ss);  // of the whole collection, header included
  if (size < head || size > kMaxCollectionBytes) return false;
  const std::size_t obj_head = 8 + ss;  // index, reference count, 4 reserved, object size
  std::uint64_t p = head;
  // Every object takes at least obj_head bytes, and indices are 16-bit: both bound the walk.
  for (int n = 0; n < 65536 && obj_head <= size - p; ++n) {
    std::uint8_t o[16];
    if (!r.at(collection + p, obj_head, o)) return false;
    const unsigned idx = o[0] | (unsigned{o[1]} << 8);
    const std::uint64_t obj_size = decode(o + 8, ss);
    if (idx == 0 || obj_size > size - p - obj_head) return false;
    if (idx == index) {
      if (length > obj_size) return false;
      out.assign(length, '\0');
      return length == 0 ||
             r.at(collection + p + obj_head, length, reinterpret_cast<std::uint8_t*>(out.data()));
    }
    const std::uint64_t step = obj_head + ((obj_size + 7) & ~std::uint64_t{7});
    if (step > size - p) return false;
    p += step;
  }
  return false;
}

// The value when attribute message `a` is the variable-length string attribute `name`.
bool attribute_value(const Reader& r, const std::uint8_t* a, std::size_t n, std::string_view name,
                     std::string& out) {
  if (n < 8) return false;
  const unsigned version = a[0];
  if (version < 1 || version > 3) return false;
  if (version >= 2 && (a[1] & 0x03) != 0) return false;           // shared datatype or dataspace
  const std::size_t name_size = a[2] | (std::size_t{a[3]} << 8);  // with its NUL
  const std::size_t type_size = a[4] | (std::size_t{a[5]} << 8);
  const std::size_t space_size = a[6] | (std::size_t{a[7]} << 8);
  // Version 1 pads each field to 8 bytes; version 3 adds the name's character set.
  const auto field = [&](std::size_t s) { return version == 1 ? (s + 7) & ~std::size_t{7} : s; };
  std::size_t off = version == 3 ? 9 : 8;
  if (name_size != name.size() + 1 || off > n || name_size > n - off) return false;
  if (std::memcmp(a + off, name.data(), name.size()) != 0 || a[off + name.size()] != 0)
    return false;
  off += field(name_size);
  if (off > n || type_size < 8 || type_size > n - off) return false;
  // Class 9 (variable-length) of type 1 (string).
  if ((a[off] & 0x0F) != 9 || (a[off + 1] & 0x0F) != 1) return false;
  off += field(type_size);
  if (off > n || space_size > n - off) return false;
  off += field(space_size);
  const unsigned sa = r.layout().sizeof_addr;
  if (off > n || 8 + sa > n - off) return false;
  const auto length = static_cast<std::uint32_t>(decode(a + off, 4));
  const std::uint64_t collection = decode(a + off + 4, sa);
  const auto index = static_cast<std::uint32_t>(decode(a + off + 4 + sa, 4));
  return heap_object(r, collection, index, length, out);
}
}  // namespace

std::string vlen_string_attribute(const ReadAt& read, const Hdf5Layout& layout,
                                  std::uint64_t header_addr, std::string_view name) {
  const unsigned sa = layout.sizeof_addr, ss = layout.sizeof_size;
  if ((sa != 2 && sa != 4 && sa != 8) || (ss != 2 && ss != 4 && ss != 8)) return {};
  const Reader r(read, layout);
  std::uint8_t h[40];
  if (!r.at(header_addr, 16, h)) return {};
  // Chunks of messages still to read: (address, length).
  std::vector<std::pair<std::uint64_t, std::uint64_t>> chunks;
  int version = 0;
  bool creation_order = false;
  if (h[0] == 1) {  // version 1: 16-byte prefix, then the first chunk
    version = 1;
    chunks.emplace_back(header_addr + 16, decode(h + 8, 4));
  } else if (std::memcmp(h, "OHDR", 4) == 0 && h[4] == 2) {
    version = 2;
    const unsigned flags = h[5];
    creation_order = (flags & 0x04) != 0;
    std::size_t off = 6 + ((flags & 0x20) != 0 ? 16 : 0) + ((flags & 0x10) != 0 ? 4 : 0);
    const unsigned width = 1u << (flags & 0x03);
    if (!r.at(header_addr, off + width, h)) return {};
    chunks.emplace_back(header_addr + off + width, decode(h + off, width));
  } else {
    return {};
  }
  const std::size_t msg_head = version == 1 ? 8 : (creation_order ? 6 : 4);
  std::vector<std::uint8_t> c;
  for (std::size_t k = 0; k < chunks.size() && k < kMaxChunks; ++k) {
    const auto [addr, len] = chunks[k];
    if (len > kMaxChunkBytes) return {};
    c.resize(static_cast<std::size_t>(len));
    if (!r.at(addr, c.size(), c.data())) return {};
    std::size_t p = 0, end = c.size();
    if (version == 2 && k > 0) {  // "OCHK", messages, checksum
      if (end < 8 || std::memcmp(c.data(), "OCHK", 4) != 0) return {};
      p = 4;
      end -= 4;
    }
    while (msg_head <= end - p) {
      const unsigned type = version == 1 ? c[p] | (unsigned{c[p + 1]} << 8) : c[p];
      const std::size_t size = version == 1 ? c[p + 2] | (std::size_t{c[p + 3]} << 8)
                                            : c[p + 1] | (std::size_t{c[p + 2]} << 8);
      const unsigned flags = version == 1 ? c[p + 4] : c[p + 3];
      const std::size_t d = p + msg_head;
      if (size > end - d) return {};
      if (type == kMsgContinuation && size >= sa + ss) {
        chunks.emplace_back(decode(&c[d], sa), decode(&c[d + sa], ss));
      } else if (type == kMsgAttribute && (flags & 0x02) == 0) {
        std::string out;
        if (attribute_value(r, &c[d], size, name, out)) return out;
      }
      p = d + size;
    }
  }
  return {};
}

}  // namespace gprkit::io::detail
