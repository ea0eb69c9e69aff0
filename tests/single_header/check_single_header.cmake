# The single header works alone: tools/single_header.py writes it into WORK_DIR, then the compiler
# builds, with nothing on the include path but WORK_DIR, (a) uses_network.cpp, a network declared and
# evaluated as in a Compiler Explorer paste, with -Werror; (b) implementation.cpp, which defines
# NONLIN_IMPLEMENTATION and so compiles the src/ part with nlohmann-json; (c) round_trip.cpp, and links
# the three into a program that saves, loads and evaluates a network (run unless RUN is false).
#   cmake -DROOT=<repo> -DPYTHON=python3 -DCXX=g++ -DWORK_DIR=<dir> -P check_single_header.cmake
# Optional: JSON_INCLUDE_DIRS and IMPLICIT_INCLUDE_DIRS ('|'-separated; the implicit ones, such as
# /usr/include, are never passed: -isystem /usr/include breaks libstdc++'s #include_next), CXX_FLAGS
# (e.g. -march=x86-64-v4, to check a target by hand), RUN.
cmake_minimum_required(VERSION 3.25)
foreach(required ROOT PYTHON CXX WORK_DIR)
  if(NOT DEFINED ${required})
    message(FATAL_ERROR "check_single_header.cmake: pass -D${required}=...")
  endif()
endforeach()
if(NOT DEFINED RUN)
  set(RUN TRUE)
endif()
if(NOT DEFINED IMPLICIT_INCLUDE_DIRS)
  set(IMPLICIT_INCLUDE_DIRS "/usr/include|/usr/local/include")
endif()
set(sources ${CMAKE_CURRENT_LIST_DIR})
set(header ${WORK_DIR}/nonlin_single.hpp)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

execute_process(COMMAND ${PYTHON} ${ROOT}/tools/single_header.py --root ${ROOT} --output ${header}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc)
  message(FATAL_ERROR "tools/single_header.py failed:\n${out}")
endif()

string(REPLACE "|" ";" json_dirs "${JSON_INCLUDE_DIRS}")
string(REPLACE "|" ";" implicit_dirs "${IMPLICIT_INCLUDE_DIRS}")
list(REMOVE_DUPLICATES json_dirs)
set(json_flags "")
foreach(dir IN LISTS json_dirs)
  if(dir AND NOT dir IN_LIST implicit_dirs)
    list(APPEND json_flags -isystem ${dir})
  endif()
endforeach()
separate_arguments(extra_flags UNIX_COMMAND "${CXX_FLAGS}")
set(flags -std=c++20 -O2 -Wall -Wextra -Wpedantic -Werror ${extra_flags} -I${WORK_DIR})

# Runs one step; on failure, stops the test with the command and everything it printed.
function(run_step what)
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY ${WORK_DIR}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(rc)
    list(JOIN ARGN " " command)
    message(FATAL_ERROR "${what} failed (${rc}):\n${command}\n${out}")
  endif()
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

run_step("the header alone (uses_network.cpp)"
         ${CXX} ${flags} -c ${sources}/uses_network.cpp -o ${WORK_DIR}/uses_network.o)
run_step("the implementation (implementation.cpp, NONLIN_IMPLEMENTATION)"
         ${CXX} ${flags} ${json_flags} -c ${sources}/implementation.cpp -o ${WORK_DIR}/implementation.o)
run_step("round_trip.cpp"
         ${CXX} ${flags} -c ${sources}/round_trip.cpp -o ${WORK_DIR}/round_trip.o)
run_step("linking three translation units that include the single header"
         ${CXX} ${extra_flags} ${WORK_DIR}/uses_network.o ${WORK_DIR}/implementation.o ${WORK_DIR}/round_trip.o
         -o ${WORK_DIR}/round_trip)
if(RUN)
  run_step("the round trip (save_safetensors, load_safetensors, forward)"
           ${WORK_DIR}/round_trip ${WORK_DIR}/round_trip.safetensors)
  string(STRIP "${step_output}" step_output)
  message(STATUS "${step_output}")
endif()
message(STATUS "the single header compiles alone, with and without NONLIN_IMPLEMENTATION")
