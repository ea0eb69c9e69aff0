// src/train/report.cpp: fit's progress lines, compiled once.
#include <cstddef>
#include <iostream>

#include <nonlin/train/fit.hpp>

namespace nonlin::detail {

void print_epoch(std::ostream* out, std::size_t epoch, std::size_t epochs, float loss) {
  (out ? *out : std::clog) << "epoch " << epoch << "/" << epochs << "  loss " << loss << "\n";
}

void print_epoch(std::ostream* out, const epoch_report& report, std::size_t epochs) {
  auto& to = out ? *out : std::clog;
  to << "epoch " << report.epoch << "/" << epochs << "  loss " << report.loss << "  validation loss "
     << report.validation_loss;
  if (report.validation_accuracy == report.validation_accuracy) to << "  accuracy " << report.validation_accuracy;
  to << "\n";
}

}  // namespace nonlin::detail
