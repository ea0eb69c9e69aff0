// nonlin/viz/projection.hpp: spaces of more than two dimensions on a flat picture. A point of a
// layer's space is lifted into three dimensions (a plane at z = 0, three dimensions as they are, more
// projected orthogonally along the diagonal (1, ..., 1)), and an orthographic camera that turns about
// the vertical axis and tilts down from overhead maps it onto the page.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <nonlin/viz/svg.hpp>

namespace nonlin::viz {

struct vec3 {
  double x = 0, y = 0, z = 0;
};

constexpr vec3 operator+(vec3 a, vec3 b) noexcept { return {a.x + b.x, a.y + b.y, a.z + b.z}; }
constexpr vec3 operator-(vec3 a, vec3 b) noexcept { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
constexpr vec3 operator*(double s, vec3 a) noexcept { return {s * a.x, s * a.y, s * a.z}; }
inline double length(vec3 a) noexcept { return std::sqrt(a.x * a.x + a.y * a.y + a.z * a.z); }

/// The point of the segment from a to b a share t of the way along.
constexpr vec3 lerp(vec3 a, vec3 b, double t) noexcept { return a + t * (b - a); }

/// A point of an N-dimensional space in three: (x, 0, 0), (x, y, 0), itself, or for N ≥ 4 its
/// coordinates along three fixed orthonormal directions that are orthogonal to (1, ..., 1) (the first
/// rows of Helmert's matrix), so that no coordinate axis is favoured and the unit cube's diagonal is
/// seen end on.
///
///   nl::viz::lift(std::array<double, 4>{1, 0, 0, 0})   // (0.71, 0.41, 0.29)
template <class T, std::size_t N>
vec3 lift(const std::array<T, N>& v) noexcept {
  static_assert(N > 0, "nonlin::viz::lift: a space needs at least one dimension");
  auto at = [&](std::size_t i) { return static_cast<double>(v[i]); };
  if constexpr (N <= 3) {
    return {at(0), N > 1 ? at(1) : 0.0, N > 2 ? at(2) : 0.0};
  } else {
    // Row k of Helmert's matrix: (1, ..., 1, −k, 0, ...) / sqrt(k (k + 1)) with k ones.
    std::array<double, 3> c{};
    for (std::size_t k = 1; k <= 3; ++k) {
      double s = 0;
      for (std::size_t i = 0; i < k; ++i) s += at(i);
      s -= static_cast<double>(k) * at(k);
      c[k - 1] = s / std::sqrt(static_cast<double>(k * (k + 1)));
    }
    return {c[0], c[1], c[2]};
  }
}

/// An orthographic camera: the scene turned by `azimuth` degrees about the z axis, then seen from
/// `elevation` degrees above the xy plane (90: straight down, the plane as a flat picture with x to
/// the right and y up; 0: edge on, z up). project gives page coordinates with y up, in scene units.
struct camera {
  double azimuth = 0, elevation = 90;

  point project(vec3 v) const noexcept {
    constexpr double degree = 3.14159265358979323846 / 180;
    const double a = azimuth * degree, e = elevation * degree;
    const double x = v.x * std::cos(a) - v.y * std::sin(a), y = v.x * std::sin(a) + v.y * std::cos(a);
    return {x, y * std::sin(e) + v.z * std::cos(e)};
  }
};

}  // namespace nonlin::viz
