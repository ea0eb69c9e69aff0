// nonlin/eval/residual.hpp: what the evaluators share about residual blocks: the addition of a
// block's input to its output (h + f(h), one rounding, as torch's x + block(x)), and where the
// blocked kernel keeps a tile's activations so that a block's input outlives the block.
#pragma once

#include <array>
#include <cstddef>

#include <nonlin/network_traits.hpp>

namespace nonlin::detail {

/// What an evaluator carries as the skip outside residual blocks: nothing.
struct no_open_block {};

/// out = out + skip, element by element (V = float, double or a pack).
template <class V, std::size_t N>
[[gnu::always_inline]] constexpr void add_skip(std::array<V, N>& out, const std::array<V, N>& skip) noexcept {
  for (std::size_t i = 0; i < N; ++i) out[i] = out[i] + skip[i];
}

/// The buffer of a tile's workspace that holds activation k (k = 0 the input, k + 1 the output of
/// layer k). Without residual blocks two buffers alternate; with them a block's input keeps its
/// buffer until the block's last layer has added it, and the layers inside use the other two.
template <class Net>
consteval auto activation_buffers() {
  using traits = network_traits<Net>;
  std::array<std::size_t, traits::depth + 1> buffer{};
  std::size_t kept = 3;  // the buffer of the open block's input; 3: none is open
  for (std::size_t k = 0; k < traits::depth; ++k) {
    if (traits::blocks.begins[k]) kept = buffer[k];
    std::size_t next = 0;
    while (next == buffer[k] || next == kept) ++next;
    buffer[k + 1] = next;
    if (traits::blocks.ends[k]) kept = 3;
  }
  return buffer;
}

/// How many buffers activation_buffers uses: 2, or 3 with residual blocks.
template <class Net>
inline constexpr std::size_t activation_buffer_count = network_traits<Net>::has_residual ? 3 : 2;

}  // namespace nonlin::detail
