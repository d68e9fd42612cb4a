# Flags and helpers for the freestanding part: the kernel and user programs.

# The kernel: top 2 GiB (-mcmodel=kernel), no red zone (interrupts use the
# stack below %rsp), no SSE or x87 (their state is the user's), frame
# pointers kept for backtraces.
set(PITH_KERNEL_FLAGS
  -mcmodel=kernel -mno-red-zone -mgeneral-regs-only
  -fno-pic -fno-pie -fno-stack-protector -fno-omit-frame-pointer
  -fno-asynchronous-unwind-tables
  "-DPITH_VERSION_STRING=\"${PROJECT_VERSION}\"")

# User programs: how they are compiled and linked (PITH_USER_FLAGS,
# pith_add_user_program, pith_add_server) is sdk/cmake/PithProgram.cmake's,
# one file shared with the installed SDK's CMake package (docs/sdk.md,
# "The installed SDK"). Here it links the tree's start-up object, linker
# scripts and SDK, and writes programs to ${PITH_OUT_DIR}/user; the
# servers among them (servers/<name>/) go into the initrd
# (cmake/PithServers.cmake), and the manifest says which init starts.
set(PITH_CRT_OBJECT $<TARGET_OBJECTS:pith-crt>)
set(PITH_LINKER_DIR ${CMAKE_SOURCE_DIR}/sdk)
set(PITH_SDK_LIBRARIES pith-sdk)
set(PITH_PROGRAM_DIR ${PITH_OUT_DIR}/user)
include(${CMAKE_SOURCE_DIR}/sdk/cmake/PithProgram.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/PithIdl.cmake)

pith_add_lib(pithlib-kernel FREESTANDING OPTIONS ${PITH_KERNEL_FLAGS})
pith_add_lib(pithlib-user FREESTANDING OPTIONS ${PITH_USER_FLAGS})
