# Protocols in the SDK's interface definition language (sdk/idl/pidl.py,
# docs/sdk.md "Protocols"): C client stubs and server skeletons generated
# from .pidl files at build time. Used in-tree and by the installed SDK.
#
# PITH_IDL_GENERATOR is the generator script; it defaults to the tree's.
find_package(Python3 3.11 REQUIRED COMPONENTS Interpreter)
if(NOT PITH_IDL_GENERATOR)
  set(PITH_IDL_GENERATOR ${CMAKE_CURRENT_LIST_DIR}/../sdk/idl/pidl.py)
endif()

# pith_idl_generate(<out-var> HEADER_DIR <dir> SOURCE_DIR <dir>
#                   [INCLUDE_PREFIX <prefix>] FILES <a.pidl>...)
# Generates <dir>/<prefix><protocol>.h and <source-dir>/<protocol>.c for
# each file; <out-var> gets the list of sources.
function(pith_idl_generate out_var)
  cmake_parse_arguments(arg "" "HEADER_DIR;SOURCE_DIR;INCLUDE_PREFIX" "FILES"
                        ${ARGN})
  set(sources)
  foreach(file ${arg_FILES})
    get_filename_component(abs ${file} ABSOLUTE)
    get_filename_component(base ${file} NAME_WE)
    set(header ${arg_HEADER_DIR}/${arg_INCLUDE_PREFIX}${base}.h)
    set(source ${arg_SOURCE_DIR}/${base}.c)
    get_filename_component(header_dir ${header} DIRECTORY)
    add_custom_command(OUTPUT ${header} ${source}
      COMMAND ${Python3_EXECUTABLE} ${PITH_IDL_GENERATOR}
              --out-dir ${arg_SOURCE_DIR} --header-dir ${header_dir}
              --include-prefix "${arg_INCLUDE_PREFIX}" ${abs}
      DEPENDS ${abs} ${PITH_IDL_GENERATOR}
      COMMENT "Generating the ${base} protocol from ${file}"
      VERBATIM)
    list(APPEND sources ${source})
  endforeach()
  set(${out_var} ${sources} PARENT_SCOPE)
endfunction()

# pith_idl(<target> <a.pidl>...)
# A program's own protocols: their code is compiled into <target>, which
# includes them as "<protocol>.h".
function(pith_idl target)
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/${target}-idl)
  pith_idl_generate(sources HEADER_DIR ${dir} SOURCE_DIR ${dir} FILES ${ARGN})
  target_sources(${target} PRIVATE ${sources})
  target_include_directories(${target} PRIVATE ${dir})
endfunction()
