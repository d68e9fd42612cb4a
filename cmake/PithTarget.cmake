# Flags and helpers for the freestanding part: the kernel and user programs.

# The kernel: top 2 GiB (-mcmodel=kernel), no red zone (interrupts use the
# stack below %rsp), no SSE or x87 (their state is the user's), frame
# pointers kept for backtraces.
set(PITH_KERNEL_FLAGS
  -mcmodel=kernel -mno-red-zone -mgeneral-regs-only
  -fno-pic -fno-pie -fno-stack-protector -fno-omit-frame-pointer
  -fno-asynchronous-unwind-tables
  "-DPITH_VERSION_STRING=\"${PROJECT_VERSION}\"")

# User programs: static, position-dependent executables for now.
set(PITH_USER_FLAGS
  -fno-pic -fno-pie -fno-stack-protector -fno-omit-frame-pointer
  -fno-asynchronous-unwind-tables)

pith_add_lib(pithlib-kernel FREESTANDING OPTIONS ${PITH_KERNEL_FLAGS})
pith_add_lib(pithlib-user FREESTANDING OPTIONS ${PITH_USER_FLAGS})

# pith_add_user_program(<name> SOURCES <files...>)
# A user program, linked with the SDK start-up code and library, written to
# ${PITH_OUT_DIR}/user/<name>.
function(pith_add_user_program name)
  cmake_parse_arguments(arg "" "" "SOURCES" ${ARGN})
  add_executable(${name} ${arg_SOURCES} $<TARGET_OBJECTS:pith-crt>)
  target_compile_options(${name} PRIVATE ${PITH_WARNINGS} ${PITH_USER_FLAGS})
  target_link_libraries(${name} PRIVATE pith-sdk)
  target_link_options(${name} PRIVATE
    -T ${CMAKE_SOURCE_DIR}/sdk/user.ld -Wl,--no-undefined)
  set_target_properties(${name} PROPERTIES
    RUNTIME_OUTPUT_DIRECTORY ${PITH_OUT_DIR}/user
    LINK_DEPENDS ${CMAKE_SOURCE_DIR}/sdk/user.ld)
endfunction()
