// nonlin/activation/identity.hpp: the identity activation, y = x. A dense layer without an
// activation (dense<N>) uses it, and runs of such layers are what collapse_t merges.
#pragma once

#include <string_view>

#include <nonlin/activation/detail/apply.hpp>
#include <nonlin/simd/pack.hpp>

namespace nonlin {

struct identity : detail::span_kernels<identity> {
  static constexpr std::string_view name = "identity";
  static constexpr bool is_elementwise = true;

  template <class V>
  static constexpr V value(V x) noexcept {
    return x;
  }
  template <class V>
  static constexpr V derivative(V) noexcept {
    return simd::broadcast<V>(1);
  }
  /// The derivative expressed through the output y = value(x): what backward uses.
  template <class V>
  static constexpr V derivative_from_output(V) noexcept {
    return simd::broadcast<V>(1);
  }
};

}  // namespace nonlin
