// The numeric half: collapse(m) computes W' = W2·W1 and b' = W2·b1 + b2 for every run, and with
// weights that are small integers or dyadic fractions every product and sum is exact in float, so
// the compiler can check m(x) == collapse(m)(x) bit for bit. A tanh network, by contrast, has a
// midpoint witness the compiler finds.
#include <array>
#include <cstddef>
#include <optional>

#include <nonlin/activation/softmax.hpp>
#include <nonlin/expr/affine.hpp>
#include <nonlin/expr/collapse.hpp>
#include <nonlin/expr/witness.hpp>
#include <nonlin/network.hpp>

#include "bend.hpp"

namespace {

namespace nl = nonlin;
using nonlin_static::bend;
using nl::dense;
using nl::input;
using nl::network;

// Weights from a small integer pattern times a power of two: exact in float, and so are the
// products and sums below (all stay far under 2^24 in units of the smallest fraction).
template <class Layer>
constexpr void fill(Layer& layer, int seed, float scale) {
  for (std::size_t k = 0; k < layer.weight.size(); ++k)
    layer.weight[k] = static_cast<float>(static_cast<int>((k * 7 + static_cast<std::size_t>(seed) * 3) % 5) - 2) * scale;
  for (std::size_t k = 0; k < layer.bias.size(); ++k)
    layer.bias[k] = static_cast<float>(static_cast<int>((k * 3 + static_cast<std::size_t>(seed)) % 7) - 3) * 0.25f;
}

using linear = network<input<4>, dense<4>, dense<4>, dense<2>>;
constexpr linear make_linear() {
  linear m;
  fill(m.layer<0>(), 1, 1.0f);
  fill(m.layer<1>(), 2, 0.5f);
  fill(m.layer<2>(), 3, 0.25f);
  return m;
}
constexpr linear lin = make_linear();
constexpr auto lin_collapsed = nl::collapse(lin);

constexpr std::array<std::array<float, 4>, 5> samples{{{0.0f, 0.0f, 0.0f, 0.0f},
                                                       {1.0f, 2.0f, 3.0f, 4.0f},
                                                       {-1.5f, 0.25f, 8.0f, -3.0f},
                                                       {100.0f, -64.0f, 0.125f, 7.0f},
                                                       {-0.75f, -0.5f, -0.25f, 1024.0f}}};

template <class A, class B>
constexpr bool agree_on_samples(const A& a, const B& b) {
  for (const auto& x : samples)
    if (a(x) != b(x)) return false;
  return true;
}

// Claim 1: the merged weights are the products the lecture writes down (W' = W3W2W1, b' = W3W2b1 +
// W3b2 + b3), entry by entry, computed here the long way.
constexpr bool merged_weights_are_the_matrix_products = [] {
  const auto& [w1, b1] = lin.layer<0>();
  const auto& [w2, b2] = lin.layer<1>();
  const auto& [w3, b3] = lin.layer<2>();
  for (std::size_t o = 0; o < 2; ++o) {
    float bias = b3[o];
    for (std::size_t j = 0; j < 4; ++j) {
      bias += w3[o * 4 + j] * b2[j];
      for (std::size_t k = 0; k < 4; ++k) bias += w3[o * 4 + j] * w2[j * 4 + k] * b1[k];
    }
    if (lin_collapsed.layer<0>().bias[o] != bias) return false;
    for (std::size_t i = 0; i < 4; ++i) {
      float w = 0.0f;
      for (std::size_t j = 0; j < 4; ++j)
        for (std::size_t k = 0; k < 4; ++k) w += w3[o * 4 + j] * w2[j * 4 + k] * w1[k * 4 + i];
      if (lin_collapsed.layer<0>().weight[o * 4 + i] != w) return false;
    }
  }
  return true;
}();
static_assert(merged_weights_are_the_matrix_products);

// Claim 2: the three-layer linear network and its one-layer collapse agree exactly.
static_assert(decltype(lin_collapsed)::depth == 1);
static_assert(agree_on_samples(lin, lin_collapsed));
static_assert(lin(samples[1]) == std::array{lin_collapsed(samples[1])[0], lin_collapsed(samples[1])[1]});

// Claim 3: affine_map(m) is that one layer, W'x + b'.
constexpr auto lin_map = nl::affine_map(lin);
static_assert(agree_on_samples(lin, lin_map));
static_assert(lin_map.weight == lin_collapsed.layer<0>().weight && lin_map.bias == lin_collapsed.layer<0>().bias);

// Claim 4: a run ending in a non-linear layer merges into it, σ(W2(W1x + b1) + b2) = σ(W'x + b'),
// and the layers around other runs are copied untouched. (relu, since it rounds nothing.)
using nonlin_static::kink;
using mixed = network<input<3>, dense<4>, dense<3, kink>, dense<4, kink>, dense<4>, dense<4>, dense<2>>;
constexpr mixed make_mixed() {
  mixed m;
  fill(m.layer<0>(), 1, 0.5f);
  fill(m.layer<1>(), 2, 0.25f);
  fill(m.layer<2>(), 3, 1.0f);
  fill(m.layer<3>(), 4, 0.5f);
  fill(m.layer<4>(), 5, 0.5f);
  fill(m.layer<5>(), 6, 0.25f);
  return m;
}
constexpr mixed mix = make_mixed();
constexpr auto mix_collapsed = nl::collapse(mix);
static_assert(decltype(mix_collapsed)::depth == 3);
static_assert(mix_collapsed.layer<1>().weight == mix.layer<2>().weight);
static_assert(agree_on_samples(
    [](const auto& x) { return mix(std::array{x[0], x[1], x[2]}); },
    [](const auto& x) { return mix_collapsed(std::array{x[0], x[1], x[2]}); }));

// ... and with tanh too: the merged pre-activation is exact, so tanh sees the very same numbers.
using into_tanh = network<input<4>, dense<4>, dense<4>, dense<2, bend>>;
constexpr into_tanh make_into_tanh() {
  into_tanh m;
  m.layer<0>() = lin.layer<0>();
  m.layer<1>() = lin.layer<1>();
  m.layer<2>() = {lin.layer<2>().weight, lin.layer<2>().bias};
  return m;
}
constexpr into_tanh into_tanh_net = make_into_tanh();
static_assert(decltype(nl::collapse(into_tanh_net))::depth == 1);
static_assert(agree_on_samples(into_tanh_net, nl::collapse(into_tanh_net)));

// Claim 5: the same for a softmax output layer: the merged logits are exact, so are the probabilities.
using classifier = network<input<2>, dense<4>, dense<4>, dense<3, nl::softmax<>>>;
constexpr classifier make_classifier() {
  classifier m;
  fill(m.layer<0>(), 7, 0.5f);
  fill(m.layer<1>(), 8, 0.5f);
  fill(m.layer<2>(), 9, 0.25f);
  return m;
}
constexpr classifier cls = make_classifier();
static_assert(decltype(nl::collapse(cls))::depth == 1);
static_assert(cls(std::array{1.0f, -2.0f}) == nl::collapse(cls)(std::array{1.0f, -2.0f}));
static_assert(cls(std::array{0.5f, 3.0f}) == nl::collapse(cls)(std::array{0.5f, 3.0f}));

// Claim 6: an affine network keeps every midpoint, so the search finds no witness ...
static_assert(!nl::find_midpoint_witness(lin).has_value());
static_assert(!nl::find_midpoint_witness(lin_collapsed).has_value());

// ... while one tanh layer bends it: the compiler finds x, y with f((x + y)/2) != (f(x) + f(y))/2.
using bent = network<input<4>, dense<4>, dense<4, bend>, dense<2>>;
constexpr bent make_bent() {
  bent m;
  m.layer<0>() = lin.layer<0>();
  m.layer<1>() = {lin.layer<1>().weight, lin.layer<1>().bias};
  m.layer<2>() = lin.layer<2>();
  return m;
}
constexpr bent tanh_net = make_bent();
constexpr auto witness = nl::find_midpoint_witness(tanh_net);
static_assert(witness.has_value());
static_assert(witness->gap > 1e-3);
// Checked again by hand, in float, from the pair the search returned.
constexpr bool witness_breaks_midpoints = [] {
  std::array<float, 4> x{}, y{}, mid{};
  for (std::size_t i = 0; i < 4; ++i) {
    x[i] = static_cast<float>(witness->x[i]);
    y[i] = static_cast<float>(witness->y[i]);
    mid[i] = (x[i] + y[i]) / 2.0f;
  }
  const auto fx = tanh_net(x), fy = tanh_net(y), fm = tanh_net(mid);
  return fm[0] != (fx[0] + fy[0]) / 2.0f || fm[1] != (fx[1] + fy[1]) / 2.0f;
}();
static_assert(witness_breaks_midpoints);

}  // namespace
