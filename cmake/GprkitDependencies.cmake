# Every dependency comes from Debian's packages (or pip for pybind11).
include(GNUInstallDirs)
find_package(Eigen3 3.4 REQUIRED NO_MODULE)
find_package(OpenMP REQUIRED COMPONENTS CXX)
find_package(PkgConfig REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
# Debian's FFTW3 CMake config does not cover the float library; pkg-config does.
pkg_check_modules(FFTWF REQUIRED IMPORTED_TARGET GLOBAL fftw3f)
