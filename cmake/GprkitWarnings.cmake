# Warnings, sanitizers and kernel flags are private to gprkit's own targets.
function(gprkit_private_warnings target)
  target_compile_options(${target} PRIVATE
    $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Wno-unknown-pragmas>)
  if(GPRKIT_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=undefined)
    target_link_options(${target} PUBLIC -fsanitize=address,undefined)
  endif()
endfunction()

function(gprkit_kernel_flags target)
  # -O3 lets the compiler vectorize the inner loops; no fast-math so results
  # stay IEEE and reproducible across thread counts. -fno-math-errno only stops
  # sqrt() from setting errno, which would keep it out of vectorized loops.
  target_compile_options(${target} PRIVATE $<$<CONFIG:Release,RelWithDebInfo>:-O3>
                                           $<$<CXX_COMPILER_ID:GNU,Clang>:-fno-math-errno>)
  if(GPRKIT_NATIVE)
    target_compile_options(${target} PRIVATE -march=native)
  endif()
endfunction()
