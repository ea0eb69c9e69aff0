// nonlin/train/datasets.hpp: the lecture's two-dimensional classification problems, seeded: two
// concentric circles, XOR clusters, two moons and two spirals (as scikit-learn's make_circles and
// make_moons draw them), with labels 0 and 1, and the accuracy of a network on them.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

#include <nonlin/train/random.hpp>

namespace nonlin::datasets {

/// Samples row-major: x holds [n][2] coordinates, y holds [n][1] labels (0 or 1). Classes alternate,
/// so any prefix is balanced.
struct dataset {
  std::vector<float> x;
  std::vector<float> y;
  std::size_t size() const noexcept { return y.size(); }
};

namespace detail {

template <class Point>
dataset generate(std::size_t n, std::uint32_t seed, float noise, Point point) {
  random_source rng(seed);
  dataset d;
  d.x.reserve(2 * n);
  d.y.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const int label = static_cast<int>(i % 2);
    auto [px, py] = point(label, rng);
    d.x.push_back(px + noise * rng.normal());
    d.x.push_back(py + noise * rng.normal());
    d.y.push_back(static_cast<float>(label));
  }
  return d;
}

}  // namespace detail

/// Two concentric circles: label 0 on the unit circle, label 1 on the circle of radius `factor`
/// (make_circles(factor=0.5)). No line separates them.
inline dataset circles(std::size_t n, std::uint32_t seed, float noise = 0.05f, float factor = 0.5f) {
  return detail::generate(n, seed, noise, [factor](int label, random_source& rng) {
    const float a = rng.uniform(0.0f, 2.0f * std::numbers::pi_v<float>);
    const float r = label == 0 ? 1.0f : factor;
    return std::pair{r * std::cos(a), r * std::sin(a)};
  });
}

/// XOR: four clusters at (±1, ±1), label 1 where the signs of x and y differ.
inline dataset xor_clusters(std::size_t n, std::uint32_t seed, float noise = 0.25f) {
  return detail::generate(n, seed, noise, [](int label, random_source& rng) {
    const float sx = rng.uniform() < 0.5f ? -1.0f : 1.0f;
    const float sy = label == 1 ? -sx : sx;
    return std::pair{sx, sy};
  });
}

/// Two interleaving half circles (make_moons): label 0 the upper moon, label 1 the lower one.
inline dataset moons(std::size_t n, std::uint32_t seed, float noise = 0.1f) {
  return detail::generate(n, seed, noise, [](int label, random_source& rng) {
    const float a = rng.uniform(0.0f, std::numbers::pi_v<float>);
    if (label == 0) return std::pair{std::cos(a), std::sin(a)};
    return std::pair{1.0f - std::cos(a), 0.5f - std::sin(a)};
  });
}

/// Two interleaved spirals of `turns` turns each, radius growing to 1; label 1 is label 0 rotated by π.
inline dataset spirals(std::size_t n, std::uint32_t seed, float noise = 0.03f, float turns = 1.0f) {
  return detail::generate(n, seed, noise, [turns](int label, random_source& rng) {
    const float t = std::sqrt(rng.uniform()) * 0.95f + 0.05f;  // uniform in area, away from the centre
    const float a = 2.0f * std::numbers::pi_v<float> * turns * t + (label == 1 ? std::numbers::pi_v<float> : 0.0f);
    return std::pair{t * std::cos(a), t * std::sin(a)};
  });
}

/// Share of samples classified right: output > 0.5 means label 1 for one output; argmax otherwise
/// (targets one-hot).
template <class Net>
float accuracy(const Net& m, std::span<const float> x, std::span<const float> y) {
  const std::size_t n = x.size() / Net::inputs;
  if (y.size() != n * Net::outputs)
    throw std::invalid_argument("nonlin::datasets::accuracy: expected one target row per input row");
  std::vector<float> out(n * Net::outputs);
  m.forward(x, out);
  std::size_t right = 0;
  for (std::size_t s = 0; s < n; ++s) {
    if constexpr (Net::outputs == 1) {
      right += (out[s] > 0.5f) == (y[s] > 0.5f);
    } else {
      std::size_t best = 0, truth = 0;
      for (std::size_t o = 1; o < Net::outputs; ++o) {
        if (out[s * Net::outputs + o] > out[s * Net::outputs + best]) best = o;
        if (y[s * Net::outputs + o] > y[s * Net::outputs + truth]) truth = o;
      }
      right += best == truth;
    }
  }
  return n ? static_cast<float>(right) / static_cast<float>(n) : 0.0f;
}

template <class Net>
float accuracy(const Net& m, const dataset& d) {
  return accuracy(m, d.x, d.y);
}

}  // namespace nonlin::datasets
