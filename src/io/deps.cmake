# io folder: gprMax output is HDF5 (Debian's libhdf5-dev, C library only).
# FindHDF5 test-compiles a C file: the project itself is CXX only.
enable_language(C)
find_package(HDF5 REQUIRED COMPONENTS C)
if(TARGET HDF5::HDF5)
  target_link_libraries(gprkit PRIVATE HDF5::HDF5)
else()
  target_include_directories(gprkit SYSTEM PRIVATE ${HDF5_INCLUDE_DIRS})
  target_link_libraries(gprkit PRIVATE ${HDF5_LIBRARIES})
  target_compile_definitions(gprkit PRIVATE ${HDF5_DEFINITIONS})
endif()
# cmake/gprkitConfig.cmake.in finds HDF5 again for consumers of the static library.
# include() runs in the top-level scope, so this is seen by GprkitInstall.cmake.
set(GPRKIT_WITH_HDF5 ON)
