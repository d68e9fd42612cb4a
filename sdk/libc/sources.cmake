# The C library's sources that build for the host as well as for user
# programs: the freestanding build (sdk/libc/CMakeLists.txt) adds pages.c,
# the heap's pages from the SDK; the host's tests (tests/host/libc) give
# the heap pages of their own.
set(PITH_LIBC_PORTABLE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/assert.c
  ${CMAKE_CURRENT_LIST_DIR}/ctype.c
  ${CMAKE_CURRENT_LIST_DIR}/errno.c
  ${CMAKE_CURRENT_LIST_DIR}/heap.c
  ${CMAKE_CURRENT_LIST_DIR}/malloc.c
  ${CMAKE_CURRENT_LIST_DIR}/stdio.c
  ${CMAKE_CURRENT_LIST_DIR}/stdlib.c
  ${CMAKE_CURRENT_LIST_DIR}/string.c)
