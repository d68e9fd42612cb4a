# Flags and helpers for the freestanding part: the kernel and user programs.

# The kernel: top 2 GiB (-mcmodel=kernel), no red zone (interrupts use the
# stack below %rsp), no SSE or x87 (their state is the user's), frame
# pointers kept for backtraces.
set(PITH_KERNEL_FLAGS
  -mcmodel=kernel -mno-red-zone -mgeneral-regs-only
  -fno-pic -fno-pie -fno-stack-protector -fno-omit-frame-pointer
  -fno-asynchronous-unwind-tables
  "-DPITH_VERSION_STRING=\"${PROJECT_VERSION}\"")

# User programs and the SDK: compiled position-independent, so that one
# SDK serves both kinds of program: static, position-dependent ones (the
# root task, which the kernel loads at its link addresses) and static PIEs,
# which pith_process_spawn() places at random (docs/sdk.md).
set(PITH_USER_FLAGS
  -fPIE -fno-stack-protector -fno-omit-frame-pointer
  -fno-asynchronous-unwind-tables)

include(${CMAKE_CURRENT_LIST_DIR}/PithIdl.cmake)

pith_add_lib(pithlib-kernel FREESTANDING OPTIONS ${PITH_KERNEL_FLAGS})
pith_add_lib(pithlib-user FREESTANDING OPTIONS ${PITH_USER_FLAGS})

# pith_add_user_program(<name> [PIE] SOURCES <files...>)
# A user program, linked with the SDK start-up code and library, written to
# ${PITH_OUT_DIR}/user/<name>: a static executable at 0x400000 (sdk/user.ld),
# or with PIE a static position-independent one (sdk/user-pie.ld: linked at
# 0, -static-pie, no text relocations), which only pith_process_spawn()
# loads, not the kernel.
function(pith_add_user_program name)
  cmake_parse_arguments(arg "PIE" "" "SOURCES" ${ARGN})
  set(script ${CMAKE_SOURCE_DIR}/sdk/user.ld)
  set(mode)
  if(arg_PIE)
    set(script ${CMAKE_SOURCE_DIR}/sdk/user-pie.ld)
    set(mode -static-pie -Wl,-z,text)
  endif()
  add_executable(${name} ${arg_SOURCES} $<TARGET_OBJECTS:pith-crt>)
  target_compile_options(${name} PRIVATE ${PITH_WARNINGS} ${PITH_USER_FLAGS})
  target_link_libraries(${name} PRIVATE pith-sdk)
  target_link_options(${name} PRIVATE
    -T ${script} ${mode} -Wl,--no-undefined)
  set_target_properties(${name} PROPERTIES
    RUNTIME_OUTPUT_DIRECTORY ${PITH_OUT_DIR}/user
    LINK_DEPENDS ${script})
endfunction()

# pith_add_server(<name> SOURCES <files...> [IDL <files.pidl...>])
# A server of the system (servers/<name>/): a position-independent user
# program, placed at random when init starts it, with the code of its own
# protocols generated from IDL files (cmake/PithIdl.cmake). Every server
# goes into the initrd; the manifest says which init starts.
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
