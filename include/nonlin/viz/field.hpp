// nonlin/viz/field.hpp: a scalar function of the plane sampled at the centres of a grid of cells,
// from any callable f(x, y) or from a network with two inputs (one batch forward for the whole
// grid). A plot draws a field as coloured cells and its level sets as contours.
#pragma once

#include <cstddef>
#include <nonlin/viz/scale.hpp>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace nonlin::viz {

/// values[r * columns + c] is the function at the centre of cell (c, r); row 0 is the bottom row
/// (smallest y), as in a plot, not as in an image.
struct field {
  range x, y;
  std::size_t columns = 0, rows = 0;
  std::vector<float> values;

  double cell_width() const noexcept { return x.width() / static_cast<double>(columns); }
  double cell_height() const noexcept { return y.width() / static_cast<double>(rows); }
  double x_at(std::size_t c) const noexcept { return x.lo + (static_cast<double>(c) + 0.5) * cell_width(); }
  double y_at(std::size_t r) const noexcept { return y.lo + (static_cast<double>(r) + 0.5) * cell_height(); }
  float at(std::size_t c, std::size_t r) const noexcept { return values[r * columns + c]; }
};

namespace detail {
inline field empty_field(range x, range y, std::size_t columns, std::size_t rows, const char* who) {
  if (columns == 0 || rows == 0)
    throw std::invalid_argument(std::string(who) + ": a field needs at least one column and one row");
  if (!(x.hi > x.lo) || !(y.hi > y.lo))
    throw std::invalid_argument(std::string(who) + ": the ranges must have lo < hi");
  return field{x, y, columns, rows, std::vector<float>(columns * rows)};
}
}  // namespace detail

/// f(x, y) (both double) at every cell centre.
///
///   auto f = nl::viz::sample([](double x, double y) { return x * x + y * y; }, {-1, 1}, {-1, 1}, 40, 40);
template <class F>
field sample(F&& f, range x, range y, std::size_t columns, std::size_t rows) {
  field out = detail::empty_field(x, y, columns, rows, "nonlin::viz::sample");
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < columns; ++c)
      out.values[r * columns + c] = static_cast<float>(f(out.x_at(c), out.y_at(r)));
  return out;
}

/// Output `output` of a two-input network at every cell centre: for a sigmoid output, the
/// probability of class 1, whose 0.5 contour is the decision boundary.
template <class Net>
requires(Net::inputs == 2) field
    sample_network(const Net& m, range x, range y, std::size_t columns, std::size_t rows, std::size_t output = 0) {
  if (output >= Net::outputs)
    throw std::invalid_argument("nonlin::viz::sample_network: the network has no output " + std::to_string(output));
  field out = detail::empty_field(x, y, columns, rows, "nonlin::viz::sample_network");
  std::vector<float> in(2 * columns * rows), result(Net::outputs * columns * rows);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < columns; ++c) {
      in[2 * (r * columns + c)] = static_cast<float>(out.x_at(c));
      in[2 * (r * columns + c) + 1] = static_cast<float>(out.y_at(r));
    }
  m.forward(in, result);
  for (std::size_t i = 0; i < columns * rows; ++i) out.values[i] = result[i * Net::outputs + output];
  return out;
}

}  // namespace nonlin::viz
