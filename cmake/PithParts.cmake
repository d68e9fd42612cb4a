find_package(Python3 3.9 REQUIRED COMPONENTS Interpreter)

# Configure the UEFI and freestanding parts of the tree as separate build
# trees, at the host configure, and build them from the host build.

# pith_add_part(<part> TOOLCHAIN <file> OUTPUTS <files...>)
function(pith_add_part part)
  cmake_parse_arguments(arg "" "TOOLCHAIN" "OUTPUTS" ${ARGN})
  set(dir ${CMAKE_BINARY_DIR}/${part})
  set(args
    -S ${CMAKE_SOURCE_DIR} -B ${dir} -G ${CMAKE_GENERATOR}
    -DPITH_PART=${part}
    -DCMAKE_TOOLCHAIN_FILE=${arg_TOOLCHAIN}
    -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE}
    -DPITH_OUT_DIR=${PITH_OUT_DIR})
  message(STATUS "Configuring the ${part} part in ${dir}")
  execute_process(COMMAND ${CMAKE_COMMAND} ${args}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "Configuring the ${part} part failed:\n${out}")
  endif()
  # The sub-build decides what is out of date; ninja's restat on the
  # byproducts lets targets here rebuild only when an output changed.
  add_custom_target(pith-${part} ALL
    COMMAND ${CMAKE_COMMAND} --build ${dir}
    BYPRODUCTS ${arg_OUTPUTS}
    USES_TERMINAL
    COMMENT "Building the ${part} part")
  set_property(GLOBAL APPEND PROPERTY PITH_PART_DIRS ${dir})
endfunction()

# One compile_commands.json for all three parts, for clangd and clang-tidy.
function(pith_merge_compile_commands)
  get_property(dirs GLOBAL PROPERTY PITH_PART_DIRS)
  # The host's own file is an input too: CMake rewrites it (host entries
  # only) at each generate, and this target merges the parts back in.
  set(inputs ${CMAKE_BINARY_DIR}/compile_commands.json)
  foreach(d ${dirs})
    list(APPEND inputs ${d}/compile_commands.json)
  endforeach()
  add_custom_target(compile-commands ALL
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/merge-compile-commands
            ${CMAKE_BINARY_DIR}/compile_commands.json ${inputs}
    COMMENT "Merging compile_commands.json of all parts"
    VERBATIM)
endfunction()
