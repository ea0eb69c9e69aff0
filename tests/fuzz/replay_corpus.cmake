# Runs the fuzz target once on every file of the committed corpus (libFuzzer runs files given by
# name once each and writes nothing), and fails with the input that broke the contract.
file(GLOB inputs ${CORPUS}/*)
list(LENGTH inputs count)
if(count EQUAL 0)
  message(FATAL_ERROR "no corpus in ${CORPUS}")
endif()
execute_process(COMMAND ${FUZZER} ${inputs} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "an input of the corpus broke the reader:\n${out}")
endif()
message(STATUS "${count} corpus inputs: each loaded or was refused with nl::format_error")
