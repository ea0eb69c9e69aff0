// nonlin/simd/reduce.hpp: the sum and the maximum of a lane type's lanes. Packs are reduced by
// halving (lane j + lane j + lanes/2, then + lanes/4, ...), the same pairwise order reduce_packs
// (simd/transpose.hpp) uses for many packs at once; scalars are their own reduction.
#pragma once

#include <bit>
#include <cstddef>
#include <type_traits>
#include <utility>

#include <nonlin/simd/arithmetic.hpp>
#include <nonlin/simd/pack.hpp>
#include <nonlin/simd/shuffle.hpp>

namespace nonlin::simd {

namespace detail {

template <class V, class Combine>
constexpr element_t<V> reduce(V v, Combine combine) noexcept {
  if constexpr (!is_pack_v<V>) {
    return v;
  } else {
    if (std::is_constant_evaluated()) {
      for (std::size_t half = lanes_v<V> / 2; half > 0; half /= 2)
        for (std::size_t j = 0; j < half; ++j) v[j] = combine(v[j], v[j + half]);
      return v[0];
    }
    [&]<std::size_t... S>(std::index_sequence<S...>) {
      ((v = combine(v, swap_lanes<(lanes_v<V> >> (S + 1))>(v))), ...);
    }(std::make_index_sequence<std::bit_width(lanes_v<V>) - 1>{});
    return v[0];
  }
}

}  // namespace detail

/// The sum of v's lanes, added pairwise.
template <class V>
constexpr element_t<V> reduce_add(V v) noexcept {
  return detail::reduce(v, [](auto a, auto b) { return a + b; });
}

/// The largest of v's lanes (a NaN lane may or may not win, as with max).
template <class V>
constexpr element_t<V> reduce_max(V v) noexcept {
  return detail::reduce(v, [](auto a, auto b) { return max(a, b); });
}

}  // namespace nonlin::simd
