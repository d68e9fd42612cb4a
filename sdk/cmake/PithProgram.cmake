# How a Pith user program is compiled and linked. One file for the
# in-tree build (cmake/PithTarget.cmake includes it) and the installed
# CMake package (PithConfig.cmake), so that a program built out of tree
# gets exactly the flags and the link line of one built in the tree. The
# target and freestanding flags (clang --target=x86_64-unknown-none-elf,
# -ffreestanding -nostdinc, lld -nostdlib -static) are the toolchain
# file's: cmake/toolchain-freestanding.cmake, installed as
# PithToolchain.cmake. Protocols come from PithIdl.cmake (pith_idl), which
# the includer includes too.
#
# The includer says where the SDK's parts are:
#   PITH_CRT_OBJECT      the start-up object (a file, or $<TARGET_OBJECTS:...>)
#   PITH_LINKER_DIR      the directory of user.ld and user-pie.ld
#   PITH_SDK_LIBRARIES   what every program links: the SDK and its C library
#   PITH_PROGRAM_DIR     where programs are written (empty: the build
#                        directory of the CMakeLists.txt that adds them)
#   PITH_WARNINGS        warning options for every program (the tree's:
#                        -Wall -Wextra -Werror ...; the package: none,
#                        unless the project sets them)

# User programs and the SDK are compiled position-independent, so that
# one SDK serves both kinds of program: static, position-dependent ones
# (the root task, which the kernel loads at its link addresses) and static
# PIEs, which pith_process_spawn() places at random (docs/sdk.md). Frame
# pointers are kept for backtraces; nothing unwinds.
set(PITH_USER_FLAGS
  -fPIE -fno-stack-protector -fno-omit-frame-pointer
  -fno-asynchronous-unwind-tables)

# pith_add_user_program(<name> [PIE] SOURCES <files...>)
# A user program, linked with the SDK's start-up code and libraries: a
# static executable at 0x400000 (user.ld), or with PIE a static
# position-independent one (user-pie.ld: linked at 0, -static-pie, no text
# relocations), which only pith_process_spawn() loads, not the kernel.
function(pith_add_user_program name)
  cmake_parse_arguments(arg "PIE" "" "SOURCES" ${ARGN})
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "pith_add_user_program(${name}): no SOURCES")
  endif()
  set(script ${PITH_LINKER_DIR}/user.ld)
  set(mode)
  if(arg_PIE)
    set(script ${PITH_LINKER_DIR}/user-pie.ld)
    set(mode -static-pie -Wl,-z,text)
  endif()
  add_executable(${name} ${arg_SOURCES} ${PITH_CRT_OBJECT})
  target_compile_options(${name} PRIVATE ${PITH_WARNINGS} ${PITH_USER_FLAGS})
  target_link_libraries(${name} PRIVATE ${PITH_SDK_LIBRARIES})
  target_link_options(${name} PRIVATE
    -T ${script} ${mode} -Wl,--no-undefined)
  set_target_properties(${name} PROPERTIES LINK_DEPENDS ${script})
  if(PITH_PROGRAM_DIR)
    set_target_properties(${name} PROPERTIES
      RUNTIME_OUTPUT_DIRECTORY ${PITH_PROGRAM_DIR})
  endif()
endfunction()

# pith_add_server(<name> SOURCES <files...> [IDL <files.pidl...>])
# A server (or any program init starts from the manifest): a
# position-independent user program, placed at random when init starts
# it, with the code of its own protocols generated from IDL files
# (PithIdl.cmake: the sources include "<protocol>.h"). init itself, the
# root task, is position-dependent: the kernel loads it.
function(pith_add_server name)
  cmake_parse_arguments(arg "" "" "SOURCES;IDL" ${ARGN})
  if(name STREQUAL "init")
    pith_add_user_program(${name} SOURCES ${arg_SOURCES})
  else()
    pith_add_user_program(${name} PIE SOURCES ${arg_SOURCES})
  endif()
  if(arg_IDL)
    pith_idl(${name} ${arg_IDL})
  endif()
endfunction()
