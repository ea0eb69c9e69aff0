// nonlin/train/diagnostics.hpp: what the lecture's trade-offs look like inside a network: dead units
// (ReLU units whose pre-activation is ≤ 0 on every sample), the share of saturated units (|σ'| tiny),
// gradient norms per layer, and how often a unit's weight gradient has a single sign (zig-zag).
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <tuple>
#include <type_traits>
#include <utility>

#include <nonlin/eval/residual.hpp>
#include <nonlin/network_traits.hpp>

namespace nonlin {

/// Per-layer statistics of a network on a set of inputs.
template <class Net>
struct unit_report {
  std::array<std::size_t, Net::depth> units{};       // units per layer
  std::array<std::size_t, Net::depth> dead{};        // pre-activation ≤ 0 on every sample
  std::array<double, Net::depth> saturated_share{};  // share of (unit, sample) pairs with |σ'(z)| < threshold
  // The same among pairs with z > 0 only: ReLU's flat side (z ≤ 0) is switched off, not saturated.
  std::array<double, Net::depth> saturated_active_share{};

  std::size_t hidden_dead() const noexcept {
    std::size_t d = 0;
    for (std::size_t k = 0; k + 1 < Net::depth; ++k) d += dead[k];
    return d;
  }
  std::size_t hidden_units() const noexcept {
    std::size_t u = 0;
    for (std::size_t k = 0; k + 1 < Net::depth; ++k) u += units[k];
    return u;
  }
  /// Saturated share over all hidden units.
  double hidden_saturated_share() const noexcept {
    double s = 0.0;
    for (std::size_t k = 0; k + 1 < Net::depth; ++k) s += saturated_share[k] * static_cast<double>(units[k]);
    return hidden_units() ? s / static_cast<double>(hidden_units()) : 0.0;
  }
  /// Over all hidden (unit, sample) pairs with z > 0, the share with |σ'(z)| < threshold.
  double hidden_saturated_active_share() const noexcept {
    std::size_t s = 0, a = 0;
    for (std::size_t k = 0; k + 1 < Net::depth; ++k) {
      s += saturated_active[k];
      a += active[k];
    }
    return a ? static_cast<double>(s) / static_cast<double>(a) : 0.0;
  }
  std::array<std::size_t, Net::depth> active{};            // (unit, sample) pairs with z > 0
  std::array<std::size_t, Net::depth> saturated_active{};  // of which |σ'(z)| < threshold
};

/// Evaluates m sample by sample and records, per layer, the dead units and the saturated share.
/// "Dead" is about the pre-activation, whatever the activation: for ReLU such a unit outputs 0 and
/// passes back exactly zero gradient on the whole data set, so gradient descent cannot revive it.
/// Softmax layers (not elementwise) count no saturation.
template <class Net>
unit_report<Net> inspect_units(const Net& m, std::span<const float> x, float saturation_threshold = 1e-3f) {
  unit_report<Net> r;
  const std::size_t n = x.size() / Net::inputs;
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    ((r.units[K] = Net::template layer_type<K>::outputs), ...);
  }(std::make_index_sequence<Net::depth>{});
  std::array<std::size_t, Net::depth> saturated{};
  // alive[k][o]: unit o of layer k had a positive pre-activation on some sample.
  auto alive = [&]<std::size_t... K>(std::index_sequence<K...>) {
    return std::tuple<std::array<bool, Net::template layer_type<K>::outputs>...>{};
  }(std::make_index_sequence<Net::depth>{});
  for (std::size_t s = 0; s < n; ++s) {
    std::array<float, Net::inputs> in;
    for (std::size_t i = 0; i < Net::inputs; ++i) in[i] = x[s * Net::inputs + i];
    auto layer = [&]<std::size_t Idx>(const auto& prev) {
      using L = typename Net::template layer_type<Idx>;
      using A = typename L::activation_type;
      auto z = m.template layer<Idx>().affine(prev);
      for (std::size_t o = 0; o < L::outputs; ++o) {
        if (z[o] > 0.0f) {
          std::get<Idx>(alive)[o] = true;
          ++r.active[Idx];
        }
        if constexpr (A::is_elementwise)
          if (std::abs(A::derivative(z[o])) < saturation_threshold) {
            ++saturated[Idx];
            if (z[o] > 0.0f) ++r.saturated_active[Idx];
          }
      }
      L::activate(z);
      return z;
    };
    // Threads the activations through the layers: each step consumes the previous layer's output,
    // and the last layer of a residual block adds the block's input, `skip`.
    auto run = [&]<std::size_t Idx>(auto& self, const auto& prev, const auto& skip) -> void {
      constexpr auto blocks = network_traits<Net>::blocks;
      auto next = layer.template operator()<Idx>(prev);
      if constexpr (blocks.ends[Idx] && blocks.begins[Idx])
        detail::add_skip(next, prev);
      else if constexpr (blocks.ends[Idx])
        detail::add_skip(next, skip);
      if constexpr (Idx + 1 < Net::depth) {
        if constexpr (blocks.begins[Idx])
          self.template operator()<Idx + 1>(self, next, prev);
        else
          self.template operator()<Idx + 1>(self, next, skip);
      }
    };
    run.template operator()<0>(run, in, in);
  }
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    auto count = [&]<std::size_t Idx>() {
      std::size_t d = 0;
      for (bool a : std::get<Idx>(alive)) d += !a;
      r.dead[Idx] = n ? d : 0;
      r.saturated_share[Idx] =
          n ? static_cast<double>(saturated[Idx]) / static_cast<double>(n * r.units[Idx]) : 0.0;
      r.saturated_active_share[Idx] =
          r.active[Idx] ? static_cast<double>(r.saturated_active[Idx]) / static_cast<double>(r.active[Idx]) : 0.0;
    };
    (count.template operator()<K>(), ...);
  }(std::make_index_sequence<Net::depth>{});
  return r;
}

/// The Euclidean norm of each layer's gradient (weights and bias together).
template <class Net>
std::array<float, Net::depth> gradient_norms(const Net& g) {
  std::array<float, Net::depth> norms{};
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    auto one = [&](std::size_t k, const auto& l) {
      double s = 0.0;
      for (float w : l.weight) s += static_cast<double>(w) * w;
      for (float b : l.bias) s += static_cast<double>(b) * b;
      norms[k] = static_cast<float>(std::sqrt(s));
    };
    (one(K, g.template layer<K>()), ...);
  }(std::make_index_sequence<Net::depth>{});
  return norms;
}

/// Per layer, the units whose whole gradient (bias and every incoming weight) is exactly zero: on the
/// batch the gradient came from, gradient descent cannot move them. A dead ReLU unit is one.
template <class Net>
std::array<std::size_t, Net::depth> zero_gradient_units(const Net& g) {
  std::array<std::size_t, Net::depth> zero{};
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    auto one = [&](std::size_t k, const auto& l) {
      constexpr std::size_t in = std::remove_cvref_t<decltype(l)>::inputs;
      for (std::size_t o = 0; o < l.bias.size(); ++o) {
        bool all_zero = l.bias[o] == 0.0f;
        for (std::size_t i = 0; i < in; ++i) all_zero = all_zero && l.weight[o * in + i] == 0.0f;
        zero[k] += all_zero;
      }
    };
    (one(K, g.template layer<K>()), ...);
  }(std::make_index_sequence<Net::depth>{});
  return zero;
}

/// The share of layer K's units whose incoming weight gradients (one row of the gradient) are all
/// of one sign (ignoring exact zeros; a row of zeros does not count). When the inputs of the layer
/// are all positive, as sigmoid's outputs are, a single sample's gradient always has this form:
/// every weight of the unit must move the same way, and reaching a mixed target takes a zig-zag.
template <std::size_t K, class Net>
double same_sign_share(const Net& g) {
  using L = typename Net::template layer_type<K>;
  const auto& l = g.template layer<K>();
  std::size_t same = 0;
  for (std::size_t o = 0; o < L::outputs; ++o) {
    bool pos = false, neg = false;
    for (std::size_t i = 0; i < L::inputs; ++i) {
      pos = pos || l.weight[o * L::inputs + i] > 0.0f;
      neg = neg || l.weight[o * L::inputs + i] < 0.0f;
    }
    same += pos != neg;
  }
  return static_cast<double>(same) / static_cast<double>(L::outputs);
}

}  // namespace nonlin
