include(CMakePackageConfigHelpers)
install(TARGETS gprkit EXPORT gprkitTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# The C API has its own export set: a C-only consumer loads it without the C++ library's
# dependencies (see gprkitConfig.cmake.in).
install(TARGETS gprkit_c EXPORT gprkitCTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY include/gprkit DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
set(GPRKIT_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/gprkit)
install(EXPORT gprkitTargets NAMESPACE gprkit:: DESTINATION ${GPRKIT_CMAKE_DIR})
install(EXPORT gprkitCTargets NAMESPACE gprkit:: DESTINATION ${GPRKIT_CMAKE_DIR})
configure_package_config_file(cmake/gprkitConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/gprkitConfig.cmake INSTALL_DESTINATION ${GPRKIT_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/gprkitConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/gprkitConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/gprkitConfigVersion.cmake
        DESTINATION ${GPRKIT_CMAKE_DIR})
