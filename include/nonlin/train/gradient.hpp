// nonlin/train/gradient.hpp: backpropagation derived from the network type. nl::gradient(m, in,
// dloss_dout) returns a network whose weights are the gradients (like torch's .grad), summed over the
// batch; nl::loss_and_gradient fuses a loss into the same pass. Both reuse a gradient_workspace.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <nonlin/network.hpp>
#include <nonlin/network_traits.hpp>
#include <nonlin/simd/pack.hpp>
#include <nonlin/simd/reduce.hpp>
#include <nonlin/train/detail/blocked_kernels.hpp>

namespace nonlin {

/// What the seed of backpropagation is the gradient of: the network's output (after the last
/// activation), or the last layer's pre-activation (the logits), which lets a loss supply the
/// well-conditioned fused gradient (p − y) of sigmoid + BCE or softmax + cross-entropy.
enum class wrt { output, logits };

namespace detail {

// Widths of the activations a backward pass keeps: the input, then every layer's output.
template <class Net>
consteval auto activation_widths() {
  return network_traits<Net>::widths;
}

template <class Net>
consteval std::size_t activation_packs_per_tile() {
  std::size_t n = 0;
  for (std::size_t w : activation_widths<Net>()) n += w;
  return n;
}

// Tiles of 16 samples per block: as many as fit a budget that stays in a core's L2 cache (the
// weight gradient reduces over the samples of a block, so larger blocks amortise its reduction),
// at most 16 (a block then holds 256 samples; a larger one would only add padding to small batches).
template <class Net>
consteval std::size_t block_tiles() {
  constexpr std::size_t budget_bytes = 512 * 1024;
  const std::size_t per_tile = activation_packs_per_tile<Net>() * sizeof(lane_pack);
  return std::clamp<std::size_t>(budget_bytes / per_tile, 1, 16);
}

}  // namespace detail

/// Scratch memory for backpropagation through Net: the activations of one block of samples (a few
/// hundred at most), never of the whole batch. Allocated once; reuse it across calls to make
/// gradient and loss_and_gradient allocation-free. Not shareable between threads.
template <class Net>
class gradient_workspace {
 public:
  static constexpr std::size_t lanes = simd::lanes_v<detail::lane_pack>;
  static constexpr std::size_t tiles = detail::block_tiles<Net>();
  static constexpr std::size_t block_samples = lanes * tiles;

  gradient_workspace()
      : packs_((detail::activation_packs_per_tile<Net>() + 2 * Net::outputs + residual_packs_) * tiles) {}

  /// Activation k of the block: k = 0 is the input, k = K + 1 the output of layer K; layout
  /// [feature][tile], one sample per lane.
  detail::lane_pack* activation(std::size_t k) noexcept { return packs_.data() + offsets_[k] * tiles; }
  /// Two scratch blocks of the output's shape: a copy of the output, and the targets of a loss.
  detail::lane_pack* output_copy() noexcept { return activation(Net::depth + 1); }
  detail::lane_pack* targets() noexcept { return output_copy() + Net::outputs * tiles; }
  /// For the last layer K of a residual block with an activation: its activation's output before the
  /// block's input is added (activation(K + 1) holds the sum, which the next layer reads).
  detail::lane_pack* block_output(std::size_t k) noexcept {
    return targets() + (Net::outputs + inner_offsets_[k]) * tiles;
  }
  /// The gradient with respect to the output of the residual block being gone through backwards,
  /// kept for its input, where the skip adds it.
  detail::lane_pack* block_gradient() noexcept { return block_output(Net::depth); }

 private:
  static constexpr auto widths_ = detail::activation_widths<Net>();
  using traits_ = network_traits<Net>;
  // Offsets of block_output(k) (zero-width for the other layers), then block_gradient's.
  static constexpr auto inner_offsets_ = [] {
    std::array<std::size_t, Net::depth + 1> off{};
    for (std::size_t k = 0; k < Net::depth; ++k)
      off[k + 1] = off[k] + (traits_::blocks.ends[k] && !traits_::is_identity[k] ? traits_::widths[k + 1] : 0);
    return off;
  }();
  static constexpr std::size_t residual_packs_ =
      traits_::has_residual ? inner_offsets_[Net::depth] + traits_::max_width : 0;
  static constexpr auto offsets_ = [] {
    std::array<std::size_t, Net::depth + 2> off{};
    for (std::size_t k = 1; k <= Net::depth + 1; ++k) off[k] = off[k - 1] + widths_[k - 1];
    return off;
  }();
  std::vector<detail::lane_pack> packs_;
};

namespace detail {

template <class Net>
void check_gradient_spans(const char* who, std::span<const float> in, std::span<const float> out_like) {
  constexpr std::size_t ni = Net::inputs, no = Net::outputs;
  const std::size_t rows = in.size() / ni;
  if (in.size() % ni != 0 || out_like.size() != rows * no)
    throw std::invalid_argument(std::string(who) + ": expected the input to hold n rows of " +
                                std::to_string(ni) + " floats and the output gradient (or target) n rows of " +
                                std::to_string(no) + " floats; got " + std::to_string(in.size()) + " and " +
                                std::to_string(out_like.size()) + " floats");
}

// Rows [first, first + count) of a row-major [n][width] span, into lanes; padding lanes get 0.
template <std::size_t Width, std::size_t Tiles>
inline void load_rows_into_lanes(const float* rows, std::size_t count, std::size_t tiles, lane_pack* dst) noexcept {
  constexpr std::size_t lanes = simd::lanes_v<lane_pack>;
  for (std::size_t t = 0; t < tiles; ++t) {
    std::array<lane_pack, Width> tile;
    tile.fill(simd::broadcast<lane_pack>(0.0f));
    const std::size_t in_tile = std::min(lanes, count - t * lanes);
    const float* r = rows + t * lanes * Width;
    for (std::size_t l = 0; l < in_tile; ++l)
      for (std::size_t f = 0; f < Width; ++f) tile[f][l] = r[l * Width + f];
    for (std::size_t f = 0; f < Width; ++f) dst[f * Tiles + t] = tile[f];
  }
}

template <class Layer, std::size_t Tiles>
inline void forward_layer(const Layer& layer, const lane_pack* x, lane_pack* y, std::size_t tiles) noexcept {
  using Act = typename Layer::activation_type;
  constexpr std::size_t In = Layer::inputs, Out = Layer::outputs;
  const float* w = layer.weight.data();
  const float* b = layer.bias.data();
  for_blocks<Out, training_block_rows, training_block_tiles>(tiles, [&]<std::size_t RO, std::size_t RT>(std::size_t o, std::size_t t) {
    affine_kernel<In, Tiles, RO, RT>(w, b, x, y, o, t, [](lane_pack z) {
      if constexpr (Act::is_elementwise) return Act::value(z);
      else return z;
    });
  });
  if constexpr (!Act::is_elementwise) {
    for (std::size_t t = 0; t < tiles; ++t) {
      std::array<lane_pack, Out> z;
      for (std::size_t o = 0; o < Out; ++o) z[o] = y[o * Tiles + t];
      Act::apply_lanes(z);
      for (std::size_t o = 0; o < Out; ++o) y[o * Tiles + t] = z[o];
    }
  }
}

// Turns the gradient with respect to the output (held in `y`'s place as g, next to the output y
// itself) into the delta of the last layer: g ⊙ f'(y), or softmax's vector-Jacobian product.
template <class Act, std::size_t Out, std::size_t Tiles>
inline void output_delta(const lane_pack* y, lane_pack* g, std::size_t tiles) noexcept {
  for (std::size_t t = 0; t < tiles; ++t) {
    if constexpr (Act::is_elementwise) {
      for (std::size_t o = 0; o < Out; ++o)
        g[o * Tiles + t] = g[o * Tiles + t] * Act::derivative_from_output(y[o * Tiles + t]);
    } else {
      std::array<lane_pack, Out> p, go;
      for (std::size_t o = 0; o < Out; ++o) {
        p[o] = y[o * Tiles + t];
        go[o] = g[o * Tiles + t];
      }
      const auto d = Act::vjp(p, go);
      for (std::size_t o = 0; o < Out; ++o) g[o * Tiles + t] = d[o];
    }
  }
}

// Compile-time 2-D blocking of a rows x cols grid (both known), remainders as blocks of their own.
template <std::size_t Rows, std::size_t Cols, std::size_t RO, std::size_t RI, class Kernel>
inline void for_static_blocks(Kernel kernel) noexcept {
  constexpr std::size_t ro = RO < Rows ? RO : Rows, ri = RI < Cols ? RI : Cols;
  constexpr std::size_t rem_o = Rows % ro, rem_i = Cols % ri;
  auto row = [&]<std::size_t R>(std::size_t o) {
    std::size_t i = 0;
    for (; i + ri <= Cols; i += ri) kernel.template operator()<R, ri>(o, i);
    if constexpr (rem_i > 0) kernel.template operator()<R, rem_i>(o, i);
  };
  std::size_t o = 0;
  for (; o + ro <= Rows; o += ro) row.template operator()<ro>(o);
  if constexpr (rem_o > 0) row.template operator()<rem_o>(o);
}

// Layer K's share of backward: its weight and bias gradients, then (unless K = 0) the delta of
// layer K − 1, written over that layer's stored output `x`, which nothing needs any more. The
// derivative of layer K − 1 reads its activation's output from `y` (x itself, except after a
// residual block). With residual blocks, `block_gradient` carries the gradient with respect to a
// block's output to its input: added there when layer K begins a block (AddBlock), and recorded
// when layer K − 1 ends one (KeepBlock), before the derivative.
template <class Layer, class PrevAct, bool HasPrev, bool AddBlock, bool KeepBlock, std::size_t Tiles>
inline void backward_layer(const Layer& layer, Layer& grad, const lane_pack* delta, lane_pack* x,
                           const lane_pack* y, lane_pack* block_gradient, std::size_t tiles) noexcept {
  constexpr std::size_t In = Layer::inputs, Out = Layer::outputs;
  for (std::size_t o = 0; o < Out; ++o) {
    lane_pack s = simd::broadcast<lane_pack>(0.0f);
    for (std::size_t t = 0; t < tiles; ++t) s += delta[o * Tiles + t];
    grad.bias[o] += simd::reduce_add(s);
  }
  float* gw = grad.weight.data();
  for_static_blocks<Out, In, 4, 4>([&]<std::size_t RO, std::size_t RI>(std::size_t o, std::size_t i) {
    weight_gradient_kernel<In, Tiles, RO, RI>(delta, x, gw, o, i, tiles);
  });
  if constexpr (HasPrev) {
    const float* w = layer.weight.data();
    for_blocks<In, training_block_rows, training_block_tiles>(tiles, [&]<std::size_t RI, std::size_t RT>(std::size_t i, std::size_t t) {
      input_gradient_kernel<In, Out, Tiles, RI, RT>(w, delta, x, i, t, [&](lane_pack g, std::size_t at) {
        if constexpr (AddBlock) g = g + block_gradient[at];
        if constexpr (KeepBlock) block_gradient[at] = g;
        return g * PrevAct::derivative_from_output(y[at]);
      });
    });
  }
}

template <class Net>
void zero(Net& net) noexcept {
  for_each_layer(net, [](auto& l) {
    l.weight.fill(0.0f);
    l.bias.fill(0.0f);
  });
}

// Layer K forward on a block of samples: activation(K) → activation(K + 1). The last layer of a
// residual block keeps its activation's output apart when the derivative needs it, then adds the
// block's input.
template <std::size_t K, class Net>
inline void forward_step(const Net& m, gradient_workspace<Net>& ws, std::size_t tiles) noexcept {
  using traits = network_traits<Net>;
  using L = typename Net::template layer_type<K>;
  constexpr std::size_t T = gradient_workspace<Net>::tiles;
  lane_pack* y = ws.activation(K + 1);
  forward_layer<L, T>(m.template layer<K>(), ws.activation(K), y, tiles);
  if constexpr (traits::blocks.ends[K]) {
    const lane_pack* skip = ws.activation(traits::blocks.source[K]);
    lane_pack* inner = ws.block_output(K);
    for (std::size_t o = 0; o < L::outputs; ++o)
      for (std::size_t t = 0; t < tiles; ++t) {
        if constexpr (!traits::is_identity[K]) inner[o * T + t] = y[o * T + t];
        y[o * T + t] = y[o * T + t] + skip[o * T + t];
      }
  }
}

// Layer K backward: its gradients, and the delta of layer K − 1 (see backward_layer).
template <std::size_t K, class Net>
inline void backward_step(const Net& m, Net& grad, gradient_workspace<Net>& ws, std::size_t tiles) noexcept {
  using traits = network_traits<Net>;
  using L = typename Net::template layer_type<K>;
  constexpr std::size_t T = gradient_workspace<Net>::tiles;
  lane_pack* delta = ws.activation(K + 1);
  lane_pack* x = ws.activation(K);
  if constexpr (K > 0) {
    using Prev = typename Net::template layer_type<K - 1>;
    constexpr bool after_block = traits::blocks.ends[K - 1];
    const lane_pack* y = after_block && !traits::is_identity[K - 1] ? ws.block_output(K - 1) : x;
    backward_layer<L, typename Prev::activation_type, true, traits::blocks.begins[K], after_block, T>(
        m.template layer<K>(), grad.template layer<K>(), delta, x, y, ws.block_gradient(), tiles);
  } else {
    backward_layer<L, identity, false, false, false, T>(m.template layer<K>(), grad.template layer<K>(), delta, x,
                                                        x, ws.block_gradient(), tiles);
  }
}

// The driver: blocks of samples go forward through every layer, get their seed, and go back.
// `seed(first, count, tiles, y)` overwrites the block's output y with the gradient at `At`.
template <class Net, class Seed>
void backpropagate(const Net& m, std::span<const float> in, Net& grad, gradient_workspace<Net>& ws, wrt at,
                   Seed seed) {
  using W = gradient_workspace<Net>;
  using traits = network_traits<Net>;
  constexpr std::size_t D = Net::depth, T = W::tiles, lanes = W::lanes;
  zero(grad);
  const std::size_t n = in.size() / Net::inputs;
  for (std::size_t first = 0; first < n; first += W::block_samples) {
    const std::size_t count = std::min(W::block_samples, n - first);
    const std::size_t tiles = (count + lanes - 1) / lanes;
    load_rows_into_lanes<Net::inputs, T>(in.data() + first * Net::inputs, count, tiles, ws.activation(0));
    [&]<std::size_t... K>(std::index_sequence<K...>) {
      (forward_step<K>(m, ws, tiles), ...);
    }(std::make_index_sequence<D>{});

    using Last = typename Net::template layer_type<D - 1>;
    constexpr bool last_ends_block = traits::blocks.ends[D - 1];
    lane_pack* y = ws.activation(D);
    if (at == wrt::output) {
      // The seed needs y and overwrites it: keep y for the activation's derivative in a tile copy
      // (after a residual block, the activation's own output is kept already).
      const lane_pack* activated = ws.output_copy();
      if constexpr (last_ends_block && !traits::is_identity[D - 1])
        activated = ws.block_output(D - 1);
      else
        for (std::size_t o = 0; o < Last::outputs; ++o)
          for (std::size_t t = 0; t < tiles; ++t) ws.output_copy()[o * T + t] = y[o * T + t];
      seed(first, count, tiles, y);
      if constexpr (last_ends_block)
        for (std::size_t o = 0; o < Last::outputs; ++o)
          for (std::size_t t = 0; t < tiles; ++t) ws.block_gradient()[o * T + t] = y[o * T + t];
      output_delta<typename Last::activation_type, Last::outputs, T>(activated, y, tiles);
    } else {
      if constexpr (last_ends_block)
        throw std::invalid_argument(
            "nonlin::gradient: a gradient with respect to the logits needs a last layer outside residual "
            "blocks (the block's output adds its input to the logits' activation)");
      seed(first, count, tiles, y);
    }

    [&]<std::size_t... R>(std::index_sequence<R...>) {
      (backward_step<D - 1 - R>(m, grad, ws, tiles), ...);
    }(std::make_index_sequence<D>{});
  }
}

}  // namespace detail

/// The gradient of a loss with respect to every weight and bias of m, summed over the batch
/// (a loss that is a mean carries its 1/n in dloss). in: [n][inputs]; dloss: [n][outputs], the
/// loss's gradient with respect to the output (at = wrt::output) or to the last layer's
/// pre-activation (at = wrt::logits). Writes into grad (overwritten, not accumulated).
template <class Net>
void gradient(const Net& m, std::span<const float> in, std::span<const float> dloss, Net& grad,
              gradient_workspace<Net>& ws, wrt at = wrt::output) {
  detail::check_gradient_spans<Net>("nonlin::gradient", in, dloss);
  constexpr std::size_t T = gradient_workspace<Net>::tiles;
  detail::backpropagate(m, in, grad, ws, at,
                        [&](std::size_t first, std::size_t count, std::size_t tiles, detail::lane_pack* y) {
                          detail::load_rows_into_lanes<Net::outputs, T>(dloss.data() + first * Net::outputs,
                                                                         count, tiles, y);
                        });
}

/// The same, returning a fresh gradient network (allocates a workspace per call).
template <class Net>
Net gradient(const Net& m, std::span<const float> in, std::span<const float> dloss, wrt at = wrt::output) {
  Net grad;
  gradient_workspace<Net> ws;
  gradient(m, in, dloss, grad, ws, at);
  return grad;
}

/// One fused pass for training: the loss of m on (in, target) and its gradient in grad, with a single
/// forward. Loss is nl::mse, nl::bce or nl::cross_entropy (see loss.hpp); it is a mean over the batch.
template <class Net, class Loss>
float loss_and_gradient(const Net& m, std::span<const float> in, std::span<const float> target, const Loss&,
                        Net& grad, gradient_workspace<Net>& ws) {
  detail::check_gradient_spans<Net>("nonlin::loss_and_gradient", in, target);
  using V = detail::lane_pack;
  using W = gradient_workspace<Net>;
  using Act = typename Net::template layer_type<Net::depth - 1>::activation_type;
  constexpr std::size_t No = Net::outputs, T = W::tiles;
  Loss::template check_output_activation<Act>();
  static_assert(Loss::seed_at == wrt::output || !network_traits<Net>::blocks.ends[Net::depth - 1],
                "nonlin::loss_and_gradient: this loss takes the gradient at the logits, which needs the last "
                "layer outside a residual block");
  const std::size_t n = in.size() / Net::inputs;
  if (n == 0) {
    detail::zero(grad);
    return 0.0f;
  }
  const float scale = Loss::template scale<No>(n);
  double total = 0.0;
  V* targets = ws.targets();
  detail::backpropagate(m, in, grad, ws, Loss::seed_at, [&](std::size_t first, std::size_t count, std::size_t tiles, V* y) {
    detail::load_rows_into_lanes<No, T>(target.data() + first * No, count, tiles, targets);
    for (std::size_t t = 0; t < tiles; ++t) {
      std::array<V, No> yt, tt, g;
      for (std::size_t o = 0; o < No; ++o) {
        yt[o] = y[o * T + t];
        tt[o] = targets[o * T + t];
      }
      V lane_loss = Loss::template tile<Act>(yt, tt, g, scale);
      // Padding lanes past the batch's end must contribute neither loss nor gradient.
      const std::size_t live = std::min(W::lanes, count - t * W::lanes);
      V mask = simd::broadcast<V>(0.0f);
      for (std::size_t l = 0; l < live; ++l) mask[l] = 1.0f;
      total += static_cast<double>(simd::reduce_add(lane_loss * mask));
      for (std::size_t o = 0; o < No; ++o) y[o * T + t] = g[o] * mask;
    }
  });
  return static_cast<float>(total * static_cast<double>(scale));
}

}  // namespace nonlin
