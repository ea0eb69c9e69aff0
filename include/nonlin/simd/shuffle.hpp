// nonlin/simd/shuffle.hpp: shuffle<Index>(a, b), lane j of the result is lane Index::value[j] of the
// concatenation a:b, for an index table the compiler knows (a type with a static constexpr array:
// GCC 12 confuses distinct std::array template arguments of one template, so tables travel as types). One spelling for GCC and Clang
// (__builtin_shufflevector takes constant indices), from which every permute, transpose and
// reduction across lanes in nonlin is built.
#pragma once

#include <array>
#include <cstddef>
#include <utility>

#include <nonlin/simd/pack.hpp>

namespace nonlin::simd {

template <class Index, class V>
  requires(is_pack_v<V> && Index::value.size() == lanes_v<V>)
inline V shuffle(V a, V b) noexcept {
  return [&]<std::size_t... J>(std::index_sequence<J...>) {
    return __builtin_shufflevector(a, b, Index::value[J]...);
  }(std::make_index_sequence<lanes_v<V>>{});
}

/// Lane j of the result is lane j XOR Distance of v: the butterfly of a halving reduction.
template <std::size_t Lanes, std::size_t Distance>
struct butterfly_index {
  static constexpr auto value = [] {
    std::array<int, Lanes> idx{};
    for (std::size_t j = 0; j < Lanes; ++j) idx[j] = static_cast<int>(j ^ Distance);
    return idx;
  }();
};
template <std::size_t Distance, class V>
inline V swap_lanes(V v) noexcept {
  return shuffle<butterfly_index<lanes_v<V>, Distance>>(v, v);
}

}  // namespace nonlin::simd
