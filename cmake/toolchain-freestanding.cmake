# Toolchain for freestanding x86-64 ELF code: the kernel and the user
# programs (root task, servers, in-QEMU tests). No C library, no host headers;
# each target adds its own code model and ABI flags (cmake/PithTarget.cmake).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER clang)
set(CMAKE_ASM_COMPILER clang)
set(CMAKE_C_COMPILER_TARGET x86_64-unknown-none-elf)
set(CMAKE_ASM_COMPILER_TARGET x86_64-unknown-none-elf)
set(CMAKE_AR llvm-ar)
set(CMAKE_RANLIB llvm-ranlib)
# Only the compiler's own freestanding headers (stdint.h, stddef.h, stdarg.h,
# stdbool.h): never the host's /usr/include.
execute_process(COMMAND clang -print-resource-dir
                OUTPUT_VARIABLE _pith_clang_resource OUTPUT_STRIP_TRAILING_WHITESPACE)
set(CMAKE_C_FLAGS_INIT "-ffreestanding -fno-builtin -nostdinc -isystem ${_pith_clang_resource}/include")
set(CMAKE_ASM_FLAGS_INIT "-nostdinc")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wno-unused-command-line-argument -fuse-ld=lld -nostdlib -static -Wl,--build-id=none -Wl,-z,max-page-size=4096")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
