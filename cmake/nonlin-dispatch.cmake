# nonlin_add_dispatch(<target> SOURCES <file>... [COMPILE_OPTIONS <option>...])
#
# Compiles the sources, which hold NONLIN_DISPATCH_DEFINE (nonlin/dispatch.hpp), once per instruction
# set and adds the objects to <target>: on x86-64 a baseline variant (-march=x86-64, runs everywhere),
# an avx2 one (-march=x86-64-v3) and an avx512 one (-march=x86-64-v4); on other processors one
# variant, "native", with the compiler's flags (AArch64's NEON is in every core). nonlin::dispatched<Net>
# in the program picks the best the CPU runs.
#
# Each variant is compiled with the word `nonlin` defined as nonlin_dispatch_<variant>, so that the
# three copies of nonlin's inline code do not meet at link time. What the sources share with every
# translation unit is the standard library's inline code: the linker keeps the first copy of such a
# function it meets, and every caller of a copy compiled that copy itself. The objects are therefore
# linked lowest variant first, after the target's own sources: a function the program and the avx512
# variant both compile runs as the program compiled it, never with instructions the CPU may lack.
# (Link-time optimisation would merge the copies before that choice: do not enable it for <target>.)
include_guard(GLOBAL)

function(nonlin_add_dispatch target)
  cmake_parse_arguments(arg "" "" "SOURCES;COMPILE_OPTIONS" ${ARGN})
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "nonlin_add_dispatch(${target}): no SOURCES given")
  endif()
  if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
    set(variants baseline avx2 avx512)
    set(flags_baseline -march=x86-64)
    set(flags_avx2 -march=x86-64-v3)
    set(flags_avx512 -march=x86-64-v4)
  else()
    set(variants native)
    set(flags_native)
  endif()
  set(level_native 0)
  set(level_baseline 1)
  set(level_avx2 2)
  set(level_avx512 3)
  foreach(variant IN LISTS variants)
    set(objects ${target}_dispatch_${variant})
    add_library(${objects} OBJECT ${arg_SOURCES})
    target_link_libraries(${objects} PRIVATE nonlin::nonlin)
    target_compile_options(${objects} PRIVATE ${arg_COMPILE_OPTIONS} ${flags_${variant}})
    target_compile_definitions(${objects} PRIVATE nonlin=nonlin_dispatch_${variant}
                               NONLIN_DISPATCH_TARGET=${variant} NONLIN_DISPATCH_LEVEL=${level_${variant}})
    set_target_properties(${objects} PROPERTIES INTERPROCEDURAL_OPTIMIZATION OFF)
    target_sources(${target} PRIVATE $<TARGET_OBJECTS:${objects}>)
  endforeach()
  target_link_libraries(${target} PRIVATE nonlin::nonlin)
endfunction()
