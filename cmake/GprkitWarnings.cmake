# Warnings, sanitizers and kernel flags are private to gprkit's own targets.
function(gprkit_private_warnings target)
  target_compile_options(${target} PRIVATE
    $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Wno-unknown-pragmas>)
  if(GPRKIT_SANITIZE)
    # -O1 -g1 (line tables): what ASan recommends, and Eigen-heavy files (svd, rpca) compile
    # minutes faster than at -O3 -g, which keeps the CI run inside its time.
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=undefined -O1 -g1)
    target_link_options(${target} PUBLIC -fsanitize=address,undefined)
  endif()
endfunction()

function(gprkit_kernel_flags target)
  # -O3 lets the compiler vectorize the inner loops; no fast-math so results
  # stay IEEE and reproducible across thread counts. -fno-math-errno only stops
  # sqrt() from setting errno, which would keep it out of vectorized loops.
  # Sanitizer and fuzz builds keep their own -O1 (see gprkit_private_warnings, fuzz/).
  if(NOT GPRKIT_SANITIZE AND NOT GPRKIT_BUILD_FUZZ)
    target_compile_options(${target} PRIVATE $<$<CONFIG:Release,RelWithDebInfo>:-O3>)
  endif()
  # -ffp-contract=off: no multiply-add is fused unless the source says so, so the AVX2 and
  # AVX-512 builds of a kernel (GPRKIT_SIMD_CLONES, src/core/simd.h) give the baseline's bits.
  # -fno-trapping-math: nothing here unmasks floating-point exceptions, and without it GCC
  # keeps a loop whose comparisons or conversions could trap out of if-conversion, hence
  # unvectorised (the select of interpolate.cpp's keys_stream_at). It changes no value.
  target_compile_options(${target} PRIVATE
                         $<$<CXX_COMPILER_ID:GNU,Clang>:-fno-math-errno -ffp-contract=off -fno-trapping-math>)
  if(GPRKIT_NATIVE)
    target_compile_options(${target} PRIVATE -march=native)
  elseif(GPRKIT_SIMD_DISPATCH AND NOT GPRKIT_SANITIZE AND NOT GPRKIT_BUILD_FUZZ
         AND CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
    target_compile_definitions(${target} PRIVATE GPRKIT_SIMD_DISPATCH=1)
  endif()
endfunction()
