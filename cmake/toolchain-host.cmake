# Toolchain for host-side code: unit tests, the initrd tool, and (later)
# fuzzers. Clang and LLD, as for the other parts.
set(CMAKE_C_COMPILER clang)
set(CMAKE_EXE_LINKER_FLAGS_INIT "-fuse-ld=lld")
