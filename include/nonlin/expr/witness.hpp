// nonlin/expr/witness.hpp: find_midpoint_witness(m), a search the compiler can run that proves a
// network is not affine by example: inputs x, y with f((x + y)/2) != (f(x) + f(y))/2. Every affine
// map keeps midpoints, so one such pair settles it, where is_affine_v only reads the type.
#pragma once

#include <array>
#include <cstddef>
#include <optional>

#include <nonlin/expr/collapse.hpp>

namespace nonlin {

/// Two inputs whose midpoint the network does not map to the midpoint of their outputs, and by how
/// much it misses (the largest gap over the outputs, computed in double precision).
template <std::size_t Inputs>
struct midpoint_witness {
  std::array<double, Inputs> x{};
  std::array<double, Inputs> y{};
  double gap = 0.0;
};

/// Searches pairs of points on every input axis and on the diagonal, at ±0.5, ±1, ±2, ±4 and 0, for
/// a midpoint gap above `tolerance`. The network is evaluated in double, so rounding (about 1e-16
/// of the outputs) cannot pass for a gap: an affine network yields std::nullopt, and a network
/// that bends anywhere on those lines yields a witness. Usable in static_assert.
template <class Net>
  requires is_network_v<Net>
constexpr std::optional<midpoint_witness<Net::inputs>> find_midpoint_witness(const Net& m,
                                                                                double tolerance = 1e-6) {
  constexpr std::array<double, 9> scales{-4.0, -2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 4.0};
  constexpr std::size_t n = Net::inputs;
  for (std::size_t direction = 0; direction <= n; ++direction) {  // direction == n: the diagonal
    for (std::size_t a = 0; a < scales.size(); ++a) {
      for (std::size_t b = a + 1; b < scales.size(); ++b) {
        midpoint_witness<n> w;
        std::array<double, n> mid{};
        for (std::size_t i = 0; i < n; ++i) {
          const bool on_line = direction == n || direction == i;
          w.x[i] = on_line ? scales[a] : 0.0;
          w.y[i] = on_line ? scales[b] : 0.0;
          mid[i] = (w.x[i] + w.y[i]) / 2.0;
        }
        const auto fx = m(w.x), fy = m(w.y), fm = m(mid);
        for (std::size_t o = 0; o < Net::outputs; ++o) {
          const double gap = fm[o] - (fx[o] + fy[o]) / 2.0;
          const double size = gap < 0 ? -gap : gap;
          if (size > w.gap) w.gap = size;
        }
        if (w.gap > tolerance) return w;
      }
    }
  }
  return std::nullopt;
}

}  // namespace nonlin
