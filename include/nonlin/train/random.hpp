// nonlin/train/random.hpp: the seeded random numbers of training (initialisers, data sets, shuffling).
// std::mt19937's sequence is fixed by the standard, but the std:: distributions are not; these
// conversions are, so a seed gives the same network and data with every compiler and library.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <random>

namespace nonlin {

/// A reproducible source of uniform, normal and index draws.
class random_source {
 public:
  explicit random_source(std::uint32_t seed) : engine_(seed) {}

  /// Uniform in [0, 1) with 24 random bits: every value a float can hold exactly.
  float uniform() noexcept { return static_cast<float>(engine_() >> 8) * 0x1p-24f; }
  float uniform(float lo, float hi) noexcept { return lo + (hi - lo) * uniform(); }

  /// Standard normal by Box–Muller (in double, then rounded).
  float normal() noexcept {
    const double u1 = (static_cast<double>(engine_() >> 5) + 1.0) * 0x1p-27;  // (0, 1]
    const double u2 = static_cast<double>(engine_() >> 5) * 0x1p-27;
    return static_cast<float>(std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2));
  }
  float normal(float mean, float stddev) noexcept { return mean + stddev * normal(); }

  /// Uniform integer in [0, n), by Lemire's multiply-shift (bias below 2^-32 · n, irrelevant here).
  std::size_t index(std::size_t n) noexcept {
    return static_cast<std::size_t>((static_cast<std::uint64_t>(engine_()) * n) >> 32);
  }

 private:
  std::mt19937 engine_;
};

}  // namespace nonlin
