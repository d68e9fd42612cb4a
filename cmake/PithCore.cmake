# The kernel's generic core as the host builds it (tests/host/caps for the
# unit tests, tests/fuzz for the fuzzer): caps/, ipc/, the invocation and
# system-call layers and the scheduler, exactly the kernel's sources.
set(PITH_CORE_SOURCES
  ${CMAKE_SOURCE_DIR}/caps/asid.c
  ${CMAKE_SOURCE_DIR}/caps/cap.c
  ${CMAKE_SOURCE_DIR}/caps/cdt.c
  ${CMAKE_SOURCE_DIR}/caps/cnode.c
  ${CMAKE_SOURCE_DIR}/caps/cspace.c
  ${CMAKE_SOURCE_DIR}/caps/debug.c
  ${CMAKE_SOURCE_DIR}/caps/ioport.c
  ${CMAKE_SOURCE_DIR}/caps/irq.c
  ${CMAKE_SOURCE_DIR}/caps/object.c
  ${CMAKE_SOURCE_DIR}/caps/tcb.c
  ${CMAKE_SOURCE_DIR}/caps/untyped.c
  ${CMAKE_SOURCE_DIR}/caps/vspace.c
  ${CMAKE_SOURCE_DIR}/ipc/endpoint.c
  ${CMAKE_SOURCE_DIR}/ipc/fastpath.c
  ${CMAKE_SOURCE_DIR}/ipc/notification.c
  ${CMAKE_SOURCE_DIR}/ipc/transfer.c
  ${CMAKE_SOURCE_DIR}/kernel/invocation.c
  ${CMAKE_SOURCE_DIR}/kernel/sched.c
  ${CMAKE_SOURCE_DIR}/kernel/syscall.c)
