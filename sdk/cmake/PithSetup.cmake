# The second half of find_package(Pith) (PithConfig.cmake), once the
# project's C compiler is known: at the end of project() if the package
# was found before it, else at once. Checks the compiler, defines the
# SDK's imported targets and the functions that build programs.
include_guard(GLOBAL)

if(PITH_PROJECT_INCLUDE)
  include("${PITH_PROJECT_INCLUDE}") # the project's own, kept
endif()

get_property(_pith_languages GLOBAL PROPERTY ENABLED_LANGUAGES)
if(NOT "C" IN_LIST _pith_languages)
  message(FATAL_ERROR "Pith: the project has no C compiler: declare it "
    "with project(<name> C)")
endif()
if(NOT CMAKE_C_COMPILER_ID STREQUAL "Clang" OR
   NOT CMAKE_C_COMPILER_TARGET STREQUAL "x86_64-unknown-none-elf")
  message(FATAL_ERROR "Pith: this project's C compiler is "
    "${CMAKE_C_COMPILER_ID} ${CMAKE_C_COMPILER} for "
    "'${CMAKE_C_COMPILER_TARGET}', not Pith's toolchain (Clang for "
    "x86_64-unknown-none-elf). Call find_package(Pith) before project(), "
    "or configure a fresh build directory with "
    "-DCMAKE_TOOLCHAIN_FILE=${CMAKE_CURRENT_LIST_DIR}/PithToolchain.cmake")
endif()
unset(_pith_languages)

# The libraries, in link order; the linker (LLD) finds what they need of
# each other in any order.
foreach(_pith_lib sdk libc lib)
  if(NOT TARGET Pith::${_pith_lib})
    add_library(Pith::${_pith_lib} STATIC IMPORTED GLOBAL)
  endif()
endforeach()
set_target_properties(Pith::lib PROPERTIES
  IMPORTED_LOCATION "${PITH_LIBRARY_DIR}/libpithlib-user.a")
set_target_properties(Pith::libc PROPERTIES
  IMPORTED_LOCATION "${PITH_LIBRARY_DIR}/libpith-libc.a"
  INTERFACE_LINK_LIBRARIES "Pith::sdk;Pith::lib")
set_target_properties(Pith::sdk PROPERTIES
  IMPORTED_LOCATION "${PITH_LIBRARY_DIR}/libpith-sdk.a"
  INTERFACE_INCLUDE_DIRECTORIES "${PITH_INCLUDE_DIR}"
  INTERFACE_LINK_LIBRARIES "Pith::libc;Pith::lib")
unset(_pith_lib)

include("${CMAKE_CURRENT_LIST_DIR}/PithProgram.cmake")
if(EXISTS "${PITH_IDL_GENERATOR}")
  include("${CMAKE_CURRENT_LIST_DIR}/PithIdl.cmake")
else()
  function(pith_idl target)
    message(FATAL_ERROR "pith_idl(${target}): this SDK was installed "
      "without the IDL generator (${PITH_IDL_GENERATOR})")
  endfunction()
endif()
