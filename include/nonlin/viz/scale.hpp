// nonlin/viz/scale.hpp: the linear map from a data interval to pixels, and "nice" tick values for
// an axis (1, 2 or 5 times a power of ten, as a person would label it) with their labels.
#pragma once

#include <charconv>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

namespace nonlin::viz {

/// A closed interval of data values.
struct range {
  double lo = 0, hi = 1;
  double width() const noexcept { return hi - lo; }
  bool contains(double v) const noexcept { return lo <= v && v <= hi; }
};

/// Maps [data.lo, data.hi] linearly onto [from, to] (from > to for a y axis, whose pixels grow
/// downwards). A degenerate interval maps everything to the middle.
struct scale {
  range data;
  double from = 0, to = 1;
  double operator()(double v) const noexcept {
    const double w = data.width();
    return w == 0 ? (from + to) / 2 : from + (v - data.lo) / w * (to - from);
  }
};

/// About `count` evenly spaced values inside r, at a step of 1, 2 or 5 × 10^k. Empty for an
/// empty, reversed or non-finite interval.
inline std::vector<double> ticks(range r, std::size_t count = 5) {
  std::vector<double> t;
  if (!(std::isfinite(r.lo) && std::isfinite(r.hi) && r.hi > r.lo) || count == 0) return t;
  const double rough = r.width() / static_cast<double>(count);
  const double power = std::pow(10.0, std::floor(std::log10(rough)));
  const double fraction = rough / power;
  const double step = (fraction < 1.5 ? 1 : fraction < 3.5 ? 2 : fraction < 7.5 ? 5 : 10) * power;
  // Counting in whole steps keeps 0.1 + 0.2 from drifting into 0.30000000000000004.
  const double first = std::ceil(r.lo / step - 1e-9), last = std::floor(r.hi / step + 1e-9);
  for (double k = first; k <= last; ++k) t.push_back(k * step == 0 ? 0.0 : k * step);
  return t;
}

/// A tick value written with as many decimals as the step between ticks needs ("0.25", "-1", "20").
inline std::string tick_label(double value, double step) {
  int decimals = 0;
  if (step > 0 && std::isfinite(step))
    while (decimals < 6 &&
           std::fabs(step * std::pow(10.0, decimals) - std::round(step * std::pow(10.0, decimals))) > 1e-6)
      ++decimals;
  char text[64];
  auto [end, ec] = std::to_chars(text, text + sizeof text, value, std::chars_format::fixed, decimals);
  if (ec != std::errc{}) return "?";
  std::string s(text, end);
  if (s.find_first_not_of("-0.") == std::string::npos) s = "0";  // no "-0"
  return s;
}

}  // namespace nonlin::viz
