// tests/static/bend.hpp: the non-linear activations the static suites insert into linear stacks.
#pragma once

#include <string_view>

namespace nonlin_static {

// A constexpr stand-in for tanh with the same shape (odd, bounded, bending at 0): x / (1 + |x|).
// The suites need only some non-linearity the compiler can evaluate.
struct bend {
  static constexpr std::string_view name = "tanh";
  static constexpr bool is_elementwise = true;
  template <class V>
  static constexpr V value(V x) noexcept {
    return x / (V(1) + (x < V(0) ? -x : x));
  }
};

// A constexpr stand-in for relu, max(0, x): non-linear, yet it rounds nothing, so a network with
// dyadic weights stays exact through it (tanh's outputs would make the next sums round).
struct kink {
  static constexpr std::string_view name = "relu";
  static constexpr bool is_elementwise = true;
  template <class V>
  static constexpr V value(V x) noexcept {
    return x > V(0) ? x : V(0);
  }
};

}  // namespace nonlin_static
