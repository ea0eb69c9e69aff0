# Every optional peer of the benchmarks is found or skipped with one line, never an error. The project
# is configured (benchmarks on, nothing built) as the machine has it, then once per peer with that peer
# made absent, and with broken or hanging package configs first on CMAKE_PREFIX_PATH; each configure
# must succeed, without a CMake warning, and say of every peer, once, whether it is used.
# cmake -DSOURCE_DIR=<nonlin> -DWORK_DIR=<scratch> -DCXX=<compiler> -P check_peers.cmake
set(peers OpenMP Eigen oneDNN libtorch SLEEF libmvec)
file(REMOVE_RECURSE ${WORK_DIR})

# configure(<case> <peer> <expected> [cmake arguments...]): <peer>'s line is "not used", or "as found" for
# the same line as the machine's own configure printed; with no <peer>, every peer's line is shown.
function(configure case peer expected)
  string(TIMESTAMP start "%s")
  execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/${case} -DCMAKE_CXX_COMPILER=${CXX}
                          -DNONLIN_BUILD_TESTS=OFF -DNONLIN_BUILD_EXAMPLES=OFF -DNONLIN_BUILD_BENCHMARKS=ON
                          ${ARGN}
                  RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
  string(TIMESTAMP end "%s")
  math(EXPR seconds "${end} - ${start}")
  if(NOT result EQUAL 0 OR output MATCHES "CMake (Error|Warning)")
    message(FATAL_ERROR "${case}: the configure failed or warned (${result}):\n${output}")
  endif()
  foreach(each IN LISTS peers)
    string(REGEX MATCHALL "-- nonlin benchmarks: ${each} (found|not used) \\(" lines "${output}")
    list(LENGTH lines count)
    if(NOT count EQUAL 1)
      message(FATAL_ERROR "${case}: ${count} lines for ${each}, not one:\n${output}")
    endif()
  endforeach()
  set(output "${output}" PARENT_SCOPE)
  if(peer STREQUAL "")
    string(REGEX MATCHALL "-- nonlin benchmarks: [^\n]*" lines "${output}")
    list(JOIN lines "\n  " lines)
    message(STATUS "${case} (${seconds} s):\n  ${lines}")
    return()
  endif()
  string(REGEX MATCH "-- nonlin benchmarks: ${peer} [^\n]*" line "${output}")
  if(expected STREQUAL "as found")
    if(NOT line STREQUAL as_found_${peer})
      message(FATAL_ERROR "${case}: '${line}', not as the machine has it: '${as_found_${peer}}'")
    endif()
  elseif(NOT line MATCHES "^-- nonlin benchmarks: ${peer} not used \\(")
    message(FATAL_ERROR "${case}: '${line}', not 'not used':\n${output}")
  endif()
  message(STATUS "${case} (${seconds} s): ${line}")
endfunction()

# The machine as it is: whatever it has, each peer's line, which the broken configs below must not change.
configure(as_installed "" "")
foreach(peer IN LISTS peers)
  string(REGEX MATCH "-- nonlin benchmarks: ${peer} [^\n]*" as_found_${peer} "${output}")
endforeach()

# Each peer absent, the way its probe allows: find_package-based ones disabled, the others at a bogus path.
configure(openmp_absent OpenMP "not used" -DCMAKE_DISABLE_FIND_PACKAGE_OpenMP=ON)
configure(eigen_absent Eigen "not used" -DCMAKE_DISABLE_FIND_PACKAGE_Eigen3=ON)
configure(onednn_absent oneDNN "not used" -DNONLIN_DNNL_LIBRARY=${WORK_DIR}/nowhere/libdnnl.so)
configure(libtorch_absent libtorch "not used" -DCMAKE_DISABLE_FIND_PACKAGE_Torch=ON)
configure(sleef_absent SLEEF "not used" -DNONLIN_SLEEF_LIBRARY=${WORK_DIR}/nowhere/libsleef.so)
configure(libmvec_absent libmvec "not used" -DNONLIN_MVEC_LIBRARY=${WORK_DIR}/nowhere/libmvec.so)

# Broken package configs, as Debian's dnnl-config.cmake is without the OpenCL headers: each requires a
# package that does not exist. oneDNN is found by its library and header, so its broken config is never
# read (the configure would stop if it were) and its line stays as the machine's; libtorch's is skipped.
set(broken ${WORK_DIR}/broken-prefix)
file(WRITE ${broken}/lib/cmake/dnnl/dnnl-config.cmake
     "find_package(OpenCL_nonlin_never_installed REQUIRED)\nadd_library(DNNL::dnnl INTERFACE IMPORTED)\n")
file(WRITE ${broken}/lib/cmake/Torch/TorchConfig.cmake
     "find_package(Caffe2_nonlin_never_installed REQUIRED)\nset(Torch_FOUND TRUE)\n")
configure(onednn_broken_config oneDNN "as found" -DCMAKE_PREFIX_PATH=${broken})
configure(libtorch_broken_config libtorch "not used" -DCMAKE_PREFIX_PATH=${broken})
if(NOT output MATCHES "libtorch not used \\(its CMake config in ${broken}/lib/cmake/Torch fails: ")
  message(FATAL_ERROR "libtorch_broken_config: the line does not name the broken config:\n${output}")
endif()

# A config that never returns is given NONLIN_BENCH_PEER_TIMEOUT seconds, then skipped.
set(hanging ${WORK_DIR}/hanging-prefix)
file(WRITE ${hanging}/lib/cmake/Torch/TorchConfig.cmake "while(TRUE)\nendwhile()\n")
configure(libtorch_hanging_config libtorch "not used" -DCMAKE_PREFIX_PATH=${hanging} -DNONLIN_BENCH_PEER_TIMEOUT=2)
if(NOT output MATCHES "libtorch not used \\(its CMake config did not finish in 2 s")
  message(FATAL_ERROR "libtorch_hanging_config: the line does not say the config timed out:\n${output}")
endif()
message(STATUS "every optional peer is found or skipped with one line")
