# host.libc_names: every global symbol the C library defines, compiled for
# the host, is prefixed (names.h) or is the library's or the SDK's own
# (heap_, libc_, pith_). An unprefixed strchr would take the place of the
# host's for the whole test binary, sanitizers included.
#   cmake -DNM=<nm> -DLIB=<libpithc-host.a> -P check_names.cmake
execute_process(COMMAND ${NM} --defined-only --extern-only --format=just-symbols ${LIB}
  OUTPUT_VARIABLE symbols RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} ${LIB} failed")
endif()
string(REGEX REPLACE "\n" ";" symbols "${symbols}")
set(bad)
set(count 0)
foreach(sym ${symbols})
  if(sym STREQUAL "" OR sym MATCHES ":$")
    continue()
  endif()
  math(EXPR count "${count} + 1")
  if(NOT sym MATCHES "^(pithc_|heap_|libc_|pith_)")
    list(APPEND bad ${sym})
  endif()
endforeach()
if(count EQUAL 0)
  message(FATAL_ERROR "no symbols in ${LIB}")
endif()
if(bad)
  message(FATAL_ERROR "symbols without a prefix (add them to names.h): ${bad}")
endif()
message(STATUS "${count} symbols, all prefixed")
