# Where `cmake --install` puts the SDK and the system, relative to the
# prefix; every part of the build includes this, so each installs its
# own outputs (docs/sdk.md, "The installed SDK"). The target's headers and
# libraries sit in a directory of their own, so that the C library's
# string.h never shadows the host's in <prefix>/include.
set(PITH_INSTALL_BINDIR bin)                     # pith-image, pith-run, ...
set(PITH_INSTALL_INCLUDEDIR x86_64-pith/include) # headers of the SDK
set(PITH_INSTALL_LIBDIR x86_64-pith/lib)         # libraries, crt0.o, *.ld
set(PITH_INSTALL_CMAKEDIR lib/cmake/Pith)        # the CMake package
set(PITH_INSTALL_DATADIR share/pith)             # the prebuilt system
