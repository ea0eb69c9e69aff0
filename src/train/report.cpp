// src/train/report.cpp: fit's progress lines, compiled once.
#include <cstddef>
#include <iostream>

#include <nonlin/train/fit.hpp>

namespace nonlin::detail {

void print_epoch(std::ostream* out, std::size_t epoch, std::size_t epochs, float loss) {
  (out ? *out : std::clog) << "epoch " << epoch << "/" << epochs << "  loss " << loss << "\n";
}

}  // namespace nonlin::detail
