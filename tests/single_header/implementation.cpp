// tests/single_header/implementation.cpp: the one translation unit of a program that defines
// NONLIN_IMPLEMENTATION, and so compiles nonlin's non-inline part (file formats, argument errors,
// fit's progress lines) from the single header, with nlohmann/json.hpp.
#define NONLIN_IMPLEMENTATION
#include "nonlin_single.hpp"
