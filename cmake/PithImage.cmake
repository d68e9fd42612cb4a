# The initrds and the bootable disk image, from the parts' outputs.

set(PITH_BOOT_CFG ${CMAKE_SOURCE_DIR}/kernel/boot.cfg)
set(out ${PITH_OUT_DIR})

# The initrd: the root task and the programs it starts.
add_custom_command(OUTPUT ${out}/initrd
  COMMAND mkinitrd -o ${out}/initrd ${out}/user/init
  DEPENDS mkinitrd ${out}/user/init
  COMMENT "Writing initrd"
  VERBATIM)

# The test initrd: the same, plus the in-QEMU test programs (ktest, and
# child and tasks, which ktest spawns).
add_custom_command(OUTPUT ${out}/initrd-test
  COMMAND mkinitrd -o ${out}/initrd-test ${out}/user/init ${out}/user/ktest
          ${out}/user/child ${out}/user/tasks ${out}/user/bench
  DEPENDS mkinitrd ${out}/user/init ${out}/user/ktest ${out}/user/child
          ${out}/user/tasks ${out}/user/bench
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
