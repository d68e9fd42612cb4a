# Settings shared by all three parts of the build.

set(CMAKE_C_STANDARD 11)
set(CMAKE_C_STANDARD_REQUIRED ON)
set(CMAKE_C_EXTENSIONS OFF)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)

# Where finished artifacts land: the top build directory, for every part.
if(NOT PITH_OUT_DIR)
  set(PITH_OUT_DIR ${CMAKE_BINARY_DIR})
endif()

set(PITH_WARNINGS
  -Wall -Wextra -Werror
  -Wstrict-prototypes -Wmissing-prototypes
  -Wshadow -Wvla -Wpointer-arith -Wimplicit-fallthrough)

# Debug builds keep invariant checks (KASSERT) on; release builds drop them.
# Freestanding code is optimised even in debug builds: -O0 kernel code is
# slow under emulation and uses far more stack.
if(PITH_PART STREQUAL "host")
  set(CMAKE_C_FLAGS_DEBUG "-O0 -g -DPITH_DEBUG=1")
else()
  set(CMAKE_C_FLAGS_DEBUG "-Og -g -DPITH_DEBUG=1")
endif()
set(CMAKE_C_FLAGS_RELEASE "-O2 -g -DNDEBUG")
set(CMAKE_ASM_FLAGS_DEBUG "-g")
set(CMAKE_ASM_FLAGS_RELEASE "-g")

# Pure, host-testable code shared by loader, kernel and host tools.
set(PITH_LIB_SOURCES
  ${CMAKE_SOURCE_DIR}/lib/acpi.c
  ${CMAKE_SOURCE_DIR}/lib/boot_info.c
  ${CMAKE_SOURCE_DIR}/lib/cmdline.c
  ${CMAKE_SOURCE_DIR}/lib/cpio.c
  ${CMAKE_SOURCE_DIR}/lib/elf.c
  ${CMAKE_SOURCE_DIR}/lib/format.c
  ${CMAKE_SOURCE_DIR}/lib/memmap.c)
# Freestanding builds have no C library: they add these.
set(PITH_LIBC_SOURCES ${CMAKE_SOURCE_DIR}/lib/string.c)

# pith_add_lib(<name> [FREESTANDING] [OPTIONS flags...])
# A static library of lib/ compiled with the given flags.
function(pith_add_lib name)
  cmake_parse_arguments(arg "FREESTANDING" "" "OPTIONS" ${ARGN})
  set(sources ${PITH_LIB_SOURCES})
  if(arg_FREESTANDING)
    list(APPEND sources ${PITH_LIBC_SOURCES})
  endif()
  add_library(${name} STATIC ${sources})
  target_include_directories(${name} PUBLIC ${CMAKE_SOURCE_DIR}/include)
  target_compile_options(${name} PRIVATE ${PITH_WARNINGS} ${arg_OPTIONS})
endfunction()

# The ABI, generated from sdk/abi/pith.toml (sdk/abi/gen.py) into
# ${CMAKE_BINARY_DIR}/gen: pith/abi.h, pith/invocations.h,
# kernel/invocation_table.h and docs/api.md. Targets that use the headers
# link the interface library pith-abi.
function(pith_generate_abi)
  find_package(Python3 3.11 REQUIRED COMPONENTS Interpreter)
  set(gen ${CMAKE_BINARY_DIR}/gen)
  set(outputs
    ${gen}/include/pith/abi.h
    ${gen}/include/pith/invocations.h
    ${gen}/include/kernel/invocation_table.h
    ${gen}/docs/api.md)
  add_custom_command(OUTPUT ${outputs}
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/sdk/abi/gen.py
            ${CMAKE_SOURCE_DIR}/sdk/abi/pith.toml ${gen}
    DEPENDS ${CMAKE_SOURCE_DIR}/sdk/abi/gen.py ${CMAKE_SOURCE_DIR}/sdk/abi/pith.toml
    COMMENT "Generating the ABI from sdk/abi/pith.toml"
    VERBATIM)
  add_custom_target(pith-abi-gen ALL DEPENDS ${outputs})
  add_library(pith-abi INTERFACE)
  target_include_directories(pith-abi INTERFACE ${gen}/include
    ${CMAKE_SOURCE_DIR}/sdk/include)
  add_dependencies(pith-abi pith-abi-gen)
endfunction()
