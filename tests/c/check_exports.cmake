# Fails unless the shared library LIBRARY exports the C API alone: every defined dynamic
# symbol is gprkit_* (or one the linker always adds), and the API's entry points are there.
# Usage: cmake -DNM=nm -DLIBRARY=libgprkit_c.so -P check_exports.cmake
cmake_minimum_required(VERSION 3.25)
execute_process(COMMAND ${NM} -D --defined-only ${LIBRARY} OUTPUT_VARIABLE out
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc)
  message(FATAL_ERROR "${NM} failed on ${LIBRARY}: ${err}")
endif()
string(REPLACE "\n" ";" lines "${out}")
set(linker_symbols _init _fini __bss_start _edata _end)
set(bad "")
set(n_api 0)
foreach(line IN LISTS lines)
  if(line STREQUAL "")
    continue()
  endif()
  # "address type name[@version]"
  string(REGEX REPLACE "^.* ([^ ]+)$" "\\1" name "${line}")
  string(REGEX REPLACE "@.*$" "" name "${name}")
  if(name MATCHES "^gprkit_")
    math(EXPR n_api "${n_api} + 1")
  elseif(NOT name IN_LIST linker_symbols)
    list(APPEND bad "${line}")
  endif()
endforeach()
if(bad)
  string(REPLACE ";" "\n  " bad "${bad}")
  message(FATAL_ERROR "${LIBRARY} exports symbols outside the C API:\n  ${bad}")
endif()
foreach(required gprkit_version gprkit_abi_version gprkit_last_error gprkit_read
                 gprkit_bscan_info gprkit_bscan_data gprkit_bscan_destroy gprkit_stream_create
                 gprkit_stream_create_ex gprkit_stream_push gprkit_stream_alarms
                 gprkit_stream_reset gprkit_stream_destroy)
  if(NOT out MATCHES " T ${required}\n")
    message(FATAL_ERROR "${LIBRARY} does not export ${required}")
  endif()
endforeach()
message(STATUS "${LIBRARY}: ${n_api} gprkit_* symbols exported, nothing else")
