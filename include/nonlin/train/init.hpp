// nonlin/train/init.hpp: seeded weight initialisers: torch.nn.Linear's default, Glorot/Xavier
// uniform (Keras' default), He (Kaiming) uniform and normal; plus the two knobs the lecture's
// trade-off experiments turn: scaling the weights and setting every bias.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <utility>

#include <nonlin/train/random.hpp>

namespace nonlin::init {

namespace detail {

// Calls f(layer, rng) on every layer of m in order, with one random stream for the whole network.
template <class Net, class F>
void each_layer(Net& m, std::uint32_t seed, F f) {
  random_source rng(seed);
  [&]<std::size_t... K>(std::index_sequence<K...>) { (f(m.template layer<K>(), rng), ...); }(
      std::make_index_sequence<Net::depth>{});
}

}  // namespace detail

/// torch.nn.Linear's reset_parameters: kaiming_uniform(a = √5) gives U(−1/√fan_in, 1/√fan_in) for the
/// weights, and the bias is drawn from the same interval.
template <class Net>
void torch_default(Net& m, std::uint32_t seed) {
  detail::each_layer(m, seed, [](auto& l, random_source& rng) {
    const float bound = 1.0f / std::sqrt(static_cast<float>(l.inputs));
    for (auto& w : l.weight) w = rng.uniform(-bound, bound);
    for (auto& b : l.bias) b = rng.uniform(-bound, bound);
  });
}

/// Glorot (Xavier) uniform, Keras' Dense default: U(±√(6 / (fan_in + fan_out))), zero bias.
template <class Net>
void glorot_uniform(Net& m, std::uint32_t seed) {
  detail::each_layer(m, seed, [](auto& l, random_source& rng) {
    const float bound = std::sqrt(6.0f / static_cast<float>(l.inputs + l.outputs));
    for (auto& w : l.weight) w = rng.uniform(-bound, bound);
    l.bias.fill(0.0f);
  });
}

/// He (Kaiming) uniform for ReLU layers: U(±√(6 / fan_in)), zero bias.
template <class Net>
void he_uniform(Net& m, std::uint32_t seed) {
  detail::each_layer(m, seed, [](auto& l, random_source& rng) {
    const float bound = std::sqrt(6.0f / static_cast<float>(l.inputs));
    for (auto& w : l.weight) w = rng.uniform(-bound, bound);
    l.bias.fill(0.0f);
  });
}

/// He (Kaiming) normal: N(0, 2 / fan_in), zero bias.
template <class Net>
void he_normal(Net& m, std::uint32_t seed) {
  detail::each_layer(m, seed, [](auto& l, random_source& rng) {
    const float stddev = std::sqrt(2.0f / static_cast<float>(l.inputs));
    for (auto& w : l.weight) w = rng.normal(0.0f, stddev);
    l.bias.fill(0.0f);
  });
}

/// Multiplies every weight (not the biases) by k: a large k drives sigmoid and tanh into saturation.
template <class Net>
void scale_weights(Net& m, float k) {
  detail::each_layer(m, 0, [k](auto& l, random_source&) {
    for (auto& w : l.weight) w *= k;
  });
}

/// Sets every bias of the hidden layers (all but the last) to b: a negative b kills ReLU units.
template <class Net>
void set_hidden_biases(Net& m, float b) {
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    ((K + 1 < Net::depth ? m.template layer<K>().bias.fill(b) : void()), ...);
  }(std::make_index_sequence<Net::depth>{});
}

}  // namespace nonlin::init
