// Variable-length string attributes of an HDF5 file read from its bytes, not by libhdf5 (not
// installed). h5py stores every Python str attribute (gprMax's Title, version and receiver
// names) as a variable-length string whose characters live in a global heap collection.
// Debian's libhdf5 1.10 loops without end on a global heap object of size zero and copies a
// heap object into a buffer sized by the attribute's own length field without comparing
// them (both found by fuzzing): this reader walks the object header and the heap itself with
// every offset, size and count bounded, so a corrupted file gives "" rather than a hang.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace gprkit::io::detail {

/// Reads n bytes at absolute file offset `offset` into out; false when they are not all in the
/// file.
using ReadAt = std::function<bool(std::uint64_t offset, std::size_t n, std::uint8_t* out)>;

/// Where HDF5 addresses point: base address (the user block's size) and the superblock's
/// sizes of offsets and lengths (2, 4 or 8 bytes).
struct Hdf5Layout {
  std::uint64_t base = 0;
  unsigned sizeof_addr = 8;
  unsigned sizeof_size = 8;
};

/// The raw bytes of the scalar variable-length string attribute `name` of the object whose
/// header is at `header_addr` (relative to base), from the header's compact attribute messages
/// (version 1 and 2 object headers, continuation chunks followed). "" when the attribute is
/// not there in that form (dense attribute storage, shared datatype) or anything in its way is
/// malformed. At most 64 kB of string and 64 header chunks are read.
std::string vlen_string_attribute(const ReadAt& read, const Hdf5Layout& layout,
                                  std::uint64_t header_addr, std::string_view name);

}  // namespace gprkit::io::detail
