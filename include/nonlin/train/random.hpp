// nonlin/train/random.hpp: the seeded random numbers of training (initialisers, data sets, shuffling).
// The engine is MT19937 (Matsumoto and Nishimura), whose sequence the C++ standard fixes as
// std::mt19937's, written out here so that training does not include <random>; the std::
// distributions are not fixed, these conversions are, so a seed gives the same network and data
// with every compiler and library.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>

namespace nonlin {

namespace detail {

/// The 32-bit Mersenne Twister with std::mt19937's parameters: mt19937(seed)() gives the same
/// numbers (the 10000th of mt19937(5489) is 4123659995, as the standard requires).
class mersenne_twister {
 public:
  explicit mersenne_twister(std::uint32_t seed) noexcept {
    state_[0] = seed;
    for (std::uint32_t i = 1; i < n; ++i) state_[i] = 1812433253u * (state_[i - 1] ^ (state_[i - 1] >> 30)) + i;
  }
  std::uint32_t operator()() noexcept {
    if (next_ == n) twist();
    std::uint32_t y = state_[next_++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    return y ^ (y >> 18);
  }

 private:
  static constexpr std::uint32_t n = 624, m = 397;
  void twist() noexcept {
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::uint32_t y = (state_[i] & 0x80000000u) | (state_[(i + 1) % n] & 0x7fffffffu);
      state_[i] = state_[(i + m) % n] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
    }
    next_ = 0;
  }
  std::uint32_t state_[n];
  std::uint32_t next_ = n;
};

}  // namespace detail

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
  detail::mersenne_twister engine_;
};

}  // namespace nonlin
