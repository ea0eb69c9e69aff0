# Builds tests/cross/forward_check.cpp with a cross compiler and runs it under an emulator: the
# kernels of another target (AArch64's NEON) checked on this machine.
# cmake -DCXX=aarch64-linux-gnu-g++ -DRUNNER=qemu-aarch64 -DSYSROOT=/usr/aarch64-linux-gnu -DROOT=<nonlin>
#       -DWORK_DIR=<scratch> -P check_cross.cmake
file(MAKE_DIRECTORY ${WORK_DIR})
set(program ${WORK_DIR}/forward_check)
# -Wno-psabi: GCC notes that the ABI of vector pairs changed in GCC 10, which concerns no caller here.
execute_process(COMMAND ${CXX} -std=c++20 -O2 -Wall -Wextra -Wpedantic -Werror -Wno-psabi -I${ROOT}/include
                        ${ROOT}/tests/cross/forward_check.cpp ${ROOT}/src/argument_errors.cpp -o ${program}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${CXX} failed:\n${out}")
endif()
execute_process(COMMAND ${RUNNER} -L ${SYSROOT} ${program} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
message(STATUS "${out}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the ${CXX} build of forward_check failed under ${RUNNER}")
endif()
if(NOT out MATCHES "vectorised path: neon, 4 floats a vector")
  message(FATAL_ERROR "the AArch64 build did not take the NEON path")
endif()
