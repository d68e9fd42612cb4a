# The system's servers: every servers/<name>/ with a CMakeLists.txt is one
# (it calls pith_add_server(<name> ...)). Both the freestanding part, which
# builds them, and the host part, which puts them in the initrd, read the
# list from here; a new directory is picked up at the next configure.
file(GLOB pith_server_lists CONFIGURE_DEPENDS
     ${CMAKE_SOURCE_DIR}/servers/*/CMakeLists.txt)
set(PITH_SERVERS)
foreach(list ${pith_server_lists})
  get_filename_component(dir ${list} DIRECTORY)
  get_filename_component(name ${dir} NAME)
  list(APPEND PITH_SERVERS ${name})
endforeach()
list(SORT PITH_SERVERS)
set(PITH_SERVER_OUTPUTS)
foreach(name ${PITH_SERVERS})
  list(APPEND PITH_SERVER_OUTPUTS ${PITH_OUT_DIR}/user/${name})
endforeach()
