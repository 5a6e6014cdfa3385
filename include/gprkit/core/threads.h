// Thread control: one process-wide setting, read by every OpenMP region.
#pragma once
#include <cstddef>

namespace gprkit {

/// Sets the number of threads every kernel uses (n >= 1). 0 restores the default:
/// GPRKIT_NUM_THREADS from the environment if set, else OpenMP's maximum.
void set_num_threads(int n);
/// The current setting (>= 1).
int get_num_threads();
/// Threads to use for `work` units (e.g. samples) of work: 1 below a size where
/// spawning threads costs more than it saves, else get_num_threads().
int threads_for(std::size_t work);

}  // namespace gprkit
