# Configures tests/install/subdirectory_consumer (nonlin added with add_subdirectory), builds its
# listing target only, and checks that the listing holds nonlin's kernels.
file(REMOVE_RECURSE ${WORK_DIR})
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/install/subdirectory_consumer -B ${WORK_DIR}
                        -DNONLIN_SOURCE_DIR=${SOURCE_DIR} -DCMAKE_CXX_COMPILER=${CXX} -DNONLIN_BUILD_TESTS=OFF
                        -DNONLIN_BUILD_BENCHMARKS=OFF -DNONLIN_BUILD_EXAMPLES=OFF
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc)
  message(FATAL_ERROR "configuring the add_subdirectory consumer failed:\n${out}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR} --target consumer_listing
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc)
  message(FATAL_ERROR "nonlin_add_listing() under add_subdirectory failed:\n${out}")
endif()
file(READ ${WORK_DIR}/consumer_listing.txt listing)
if(NOT listing MATCHES "== nonlin (register tiles|dense loop)")
  message(FATAL_ERROR "nonlin_add_listing() wrote no kernel:\n${listing}")
endif()
message(STATUS "nonlin_add_listing() works with nonlin added by add_subdirectory")
