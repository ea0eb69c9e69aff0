# nonlin_add_listing(<name> SOURCES <file>... [COMPILE_OPTIONS <option>...] [LINK_LIBRARIES <target>...])
#
# A target <name> that compiles the sources to assembly, with nonlin's usage requirements and the
# given options (e.g. -O3 -march=native), and writes <name>.txt in the build folder: every nonlin
# kernel in them (the marked regions of include/nonlin/detail/asm_marker.hpp), its inner loop and the
# loop's instruction mix, as tools/inspect/listing.py prints them. Not built by default:
#     cmake --build build --target <name> && cat build/<name>.txt
include_guard(GLOBAL)
# The script lies beside this file once installed, in tools/inspect/ of a source tree. A global
# property, so that the function finds it from any directory (nonlin added with add_subdirectory).
if(EXISTS ${CMAKE_CURRENT_LIST_DIR}/nonlin-listing.py)
  set_property(GLOBAL PROPERTY nonlin_listing_script ${CMAKE_CURRENT_LIST_DIR}/nonlin-listing.py)
else()
  set_property(GLOBAL PROPERTY nonlin_listing_script ${CMAKE_CURRENT_LIST_DIR}/../tools/inspect/listing.py)
endif()

function(nonlin_add_listing name)
  cmake_parse_arguments(arg "" "" "SOURCES;COMPILE_OPTIONS;LINK_LIBRARIES" ${ARGN})
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "nonlin_add_listing(${name}): no SOURCES given")
  endif()
  find_package(Python3 COMPONENTS Interpreter REQUIRED)
  get_property(nonlin_listing_script GLOBAL PROPERTY nonlin_listing_script)
  # An object library compiled with -S: its "objects" are the assembly files, built with exactly
  # the flags the sources would get in a program.
  add_library(${name}_assembly OBJECT EXCLUDE_FROM_ALL ${arg_SOURCES})
  target_link_libraries(${name}_assembly PRIVATE nonlin::nonlin ${arg_LINK_LIBRARIES})
  target_compile_options(${name}_assembly PRIVATE ${arg_COMPILE_OPTIONS} -S -g0 -fno-asynchronous-unwind-tables)
  set(report ${CMAKE_CURRENT_BINARY_DIR}/${name}.txt)
  add_custom_command(OUTPUT ${report}
    COMMAND ${Python3_EXECUTABLE} ${nonlin_listing_script} --output ${report} $<TARGET_OBJECTS:${name}_assembly>
    DEPENDS ${name}_assembly $<TARGET_OBJECTS:${name}_assembly> ${nonlin_listing_script}
    COMMAND_EXPAND_LISTS VERBATIM
    COMMENT "nonlin: the kernels of ${name} in ${report}")
  add_custom_target(${name} DEPENDS ${report})
endfunction()
