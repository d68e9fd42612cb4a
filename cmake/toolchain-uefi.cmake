# Toolchain for the UEFI loader: Clang emitting PE/COFF directly, linked by
# lld-link as an EFI application. gnu-efi supplies headers only.
#
# With --target=x86_64-unknown-windows Clang defines _MSC_VER, so CMake takes
# it for an MSVC-like compiler: it would drop CMAKE_C_COMPILER_TARGET and the
# gcc-style depfile flags, and link through link.exe conventions. Hence the
# target goes in the flags, and loader/CMakeLists.txt restores depfiles and
# sets a link rule that calls lld-link (see pith_uefi_fixups below).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER clang)
set(CMAKE_LINKER lld-link)
set(CMAKE_AR llvm-ar)
set(CMAKE_RANLIB llvm-ranlib)
set(CMAKE_C_FLAGS_INIT
    "--target=x86_64-unknown-windows -ffreestanding -fno-builtin -fshort-wchar -mno-red-zone -fno-stack-protector -fno-stack-check -mno-stack-arg-probe")
# The compiler check must not try to link a Windows program.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
