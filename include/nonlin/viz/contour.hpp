// nonlin/viz/contour.hpp: the level set {f = level} of a sampled field as straight segments, by
// marching squares over the cell centres: for a classifier's probability at level 0.5, the decision
// boundary as a line.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <nonlin/viz/field.hpp>
#include <nonlin/viz/svg.hpp>
#include <vector>

namespace nonlin::viz {

/// Segments in data coordinates. Each square of four neighbouring centres that the level crosses
/// contributes one segment (two at a saddle), with its ends interpolated linearly along the edges.
/// Squares with a NaN corner are skipped.
inline std::vector<std::array<point, 2>> contour(const field& f, double level) {
  std::vector<std::array<point, 2>> out;
  if (f.columns < 2 || f.rows < 2) return out;
  for (std::size_t r = 0; r + 1 < f.rows; ++r)
    for (std::size_t c = 0; c + 1 < f.columns; ++c) {
      // Corners counter-clockwise from the bottom left.
      const std::array<point, 4> p{point{f.x_at(c), f.y_at(r)}, point{f.x_at(c + 1), f.y_at(r)},
                                   point{f.x_at(c + 1), f.y_at(r + 1)}, point{f.x_at(c), f.y_at(r + 1)}};
      const std::array<double, 4> v{f.at(c, r), f.at(c + 1, r), f.at(c + 1, r + 1), f.at(c, r + 1)};
      if (!(std::isfinite(v[0]) && std::isfinite(v[1]) && std::isfinite(v[2]) && std::isfinite(v[3]))) continue;
      // Edge e joins corners e and e+1; it is crossed when exactly one of its ends is above.
      auto crossing = [&](int e) {
        const int a = e, b = (e + 1) % 4;
        const double t = (level - v[a]) / (v[b] - v[a]);
        return point{p[a].x + t * (p[b].x - p[a].x), p[a].y + t * (p[b].y - p[a].y)};
      };
      std::array<bool, 4> above{};
      for (int k = 0; k < 4; ++k) above[k] = v[k] > level;
      std::array<int, 4> crossed{};
      int n = 0;
      for (int e = 0; e < 4; ++e)
        if (above[e] != above[(e + 1) % 4]) crossed[n++] = e;
      if (n == 2) {
        out.push_back({crossing(crossed[0]), crossing(crossed[1])});
      } else if (n == 4) {
        // A saddle: the mean of the corners decides which pair of opposite corners is joined.
        const bool centre_above = (v[0] + v[1] + v[2] + v[3]) / 4 > level;
        if (centre_above == above[0]) {
          out.push_back({crossing(0), crossing(1)});
          out.push_back({crossing(2), crossing(3)});
        } else {
          out.push_back({crossing(3), crossing(0)});
          out.push_back({crossing(1), crossing(2)});
        }
      }
    }
  return out;
}

}  // namespace nonlin::viz
