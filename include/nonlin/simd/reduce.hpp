// nonlin/simd/reduce.hpp: the sum and the maximum of a lane type's lanes, and the sums of 16 packs at
// once. Packs are reduced by halving (lane j + lane j + lanes/2, then + lanes/4, ...), the same
// pairwise order reduce_packs (simd/transpose.hpp) uses; scalars are their own reduction.
#pragma once

#include <array>
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

// Sums of 16 packs of 16 lanes at once, each lane of the result holding one pack's sum (see lane_of_pack16).
// A transposing add tree: 15 adds and 30 two-source shuffles for 16 sums, against 4 dependent
// shuffle-add pairs per reduce_add.
template <class P = float_pack>
  requires(lanes_v<P> == 16)
inline P sums_of_16_packs(const P (&p)[16]) noexcept {
  P r8[8];
  for (int k = 0; k < 8; ++k) {  // 256-bit halves: a.lo+a.hi | b.lo+b.hi
    const P a = p[k], b = p[k + 8];
    r8[k] = __builtin_shufflevector(a, b, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23) +
            __builtin_shufflevector(a, b, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
  }
  P r4[4];
  for (int k = 0; k < 4; ++k) {  // 128-bit quarters
    const P a = r8[k], b = r8[k + 4];
    r4[k] = __builtin_shufflevector(a, b, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27) +
            __builtin_shufflevector(a, b, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
  }
  P r2[2];
  for (int k = 0; k < 2; ++k) {  // 64-bit halves of each 128-bit quarter
    const P a = r4[k], b = r4[k + 2];
    r2[k] = __builtin_shufflevector(a, b, 0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29) +
            __builtin_shufflevector(a, b, 2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31);
  }
  const P a = r2[0], b = r2[1];
  return __builtin_shufflevector(a, b, 0, 2, 16, 18, 4, 6, 20, 22, 8, 10, 24, 26, 12, 14, 28, 30) +
         __builtin_shufflevector(a, b, 1, 3, 17, 19, 5, 7, 21, 23, 9, 11, 25, 27, 13, 15, 29, 31);
}

// The tree does not keep the packs in order: pack p's sum lands in lane lane_of_pack16[p]. In
// 128-bit quarter q and position e of the result sit pack {0,2,1,3}[e] + {0,8,4,12}[q].
inline constexpr std::array<int, 16> lane_of_pack16 = [] {
  std::array<int, 16> lane{};
  constexpr int by_position[4] = {0, 2, 1, 3}, by_quarter[4] = {0, 8, 4, 12};
  for (int q = 0; q < 4; ++q)
    for (int e = 0; e < 4; ++e) lane[by_position[e] + by_quarter[q]] = 4 * q + e;
  return lane;
}();

}  // namespace nonlin::simd
