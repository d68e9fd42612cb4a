# The initrds and the bootable disk image, from the parts' outputs.

set(PITH_BOOT_CFG ${CMAKE_SOURCE_DIR}/kernel/boot.cfg)
set(out ${PITH_OUT_DIR})

# The initrds hold the programs without their debug information: the
# initrd stays in RAM for as long as the system runs, and only debuggers
# read it, from the build's own files (user/). pith_initrd_strip(<var>
# <files>...) sets <var> to the files with each program of user/ replaced
# by its copy in initrd-files/, less its debug sections.
find_program(PITH_OBJCOPY NAMES llvm-objcopy REQUIRED)
function(pith_initrd_strip var)
  set(files)
  foreach(file ${ARGN})
    get_filename_component(dir ${file} DIRECTORY)
    get_filename_component(name ${file} NAME)
    if(NOT dir STREQUAL "${out}/user")
      list(APPEND files ${file})
      continue()
    endif()
    set(copy ${out}/initrd-files/${name})
    get_property(made GLOBAL PROPERTY PITH_INITRD_STRIPPED_${name} SET)
    if(NOT made)
      set_property(GLOBAL PROPERTY PITH_INITRD_STRIPPED_${name} 1)
      add_custom_command(OUTPUT ${copy}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${out}/initrd-files
        COMMAND ${PITH_OBJCOPY} --strip-debug ${file} ${copy}
        DEPENDS ${file}
        COMMENT "Stripping ${name} for the initrd"
        VERBATIM)
    endif()
    list(APPEND files ${copy})
  endforeach()
  set(${var} ${files} PARENT_SCOPE)
endfunction()

# The initrd: the root task, the servers it starts from the manifest
# (cmake/PithServers.cmake lists them) and the programs they run (the
# benchmark program, which procmgr starts for the shell's `bench`).
set(PITH_MANIFEST ${CMAKE_SOURCE_DIR}/servers/manifest)
pith_initrd_strip(PITH_INITRD_FILES ${PITH_SERVER_OUTPUTS} ${PITH_MANIFEST}
    ${out}/user/bench)
add_custom_command(OUTPUT ${out}/initrd
  COMMAND mkinitrd -o ${out}/initrd ${PITH_INITRD_FILES}
  DEPENDS mkinitrd ${PITH_INITRD_FILES}
  COMMENT "Writing initrd"
  VERBATIM)

# The test initrd: the same, plus the in-QEMU test programs (ktest, and
# child and tasks, which ktest spawns; hello, which the shell's case runs;
# the supervision test's programs and manifest).
pith_initrd_strip(PITH_TEST_INITRD_FILES ${PITH_INITRD_FILES}
    ${out}/user/ktest ${out}/user/child ${out}/user/tasks ${out}/user/hello
    ${out}/user/crashy ${out}/user/nocap ${out}/user/svtest
    ${out}/user/lender
    ${CMAKE_SOURCE_DIR}/tests/qemu/user/systest/systest.manifest)
add_custom_command(OUTPUT ${out}/initrd-test
  COMMAND mkinitrd -o ${out}/initrd-test ${PITH_TEST_INITRD_FILES}
  DEPENDS mkinitrd ${PITH_TEST_INITRD_FILES}
  COMMENT "Writing initrd-test"
  VERBATIM)

add_custom_command(OUTPUT ${out}/pith.img
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/mkimage
          --out ${out}/pith.img
          --file EFI/BOOT/BOOTX64.EFI=${out}/BOOTX64.EFI
          --file pith/kernel.elf=${out}/kernel.elf
          --file pith/initrd=${out}/initrd
          --file pith/boot.cfg=${PITH_BOOT_CFG}
  DEPENDS ${out}/BOOTX64.EFI ${out}/kernel.elf ${out}/initrd ${PITH_BOOT_CFG}
          ${CMAKE_SOURCE_DIR}/tools/mkimage
  COMMENT "Writing pith.img (GPT, EFI System Partition)"
  VERBATIM)

add_custom_target(image ALL DEPENDS ${out}/pith.img ${out}/initrd-test)
add_dependencies(image pith-uefi pith-freestanding)

# cmake --build --preset default --target run | debug
add_custom_target(run
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/run --image ${out}/pith.img
  DEPENDS image USES_TERMINAL VERBATIM)
add_custom_target(debug
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/debug
          --image ${out}/pith.img --kernel ${out}/kernel.elf
  DEPENDS image USES_TERMINAL VERBATIM)
