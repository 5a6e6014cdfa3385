// Internal: runtime SIMD dispatch for the hot kernels (see docs/DEVELOPING.md, "SIMD").
//
// GPRKIT_SIMD_CLONES before a function definition makes GCC or Clang compile it three times,
// for x86-64-v4 (AVX-512), x86-64-v3 (AVX2 + FMA) and the baseline, and pick one when the
// library loads from what the CPU has (an ELF ifunc). The kernels are written as plain loops
// (or GCC vector extensions) that each clone vectorizes at its own width. The library builds
// with -ffp-contract=off, so no clone fuses a multiply and an add the baseline does not: every
// clone returns the same bits. Empty where dispatch is off (GPRKIT_NATIVE builds, other
// architectures, sanitizer builds): the function is then compiled once for the build's target.
#pragma once

#if defined(GPRKIT_SIMD_DISPATCH) && GPRKIT_SIMD_DISPATCH && defined(__x86_64__) && \
    defined(__ELF__) && (defined(__GNUC__) || defined(__clang__))
#define GPRKIT_SIMD_CLONES \
  __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define GPRKIT_SIMD_CLONES
#endif
