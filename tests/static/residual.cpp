// Residual blocks in the algebra and in the collapse. A block computes h + f(h); when f is affine,
// F·h + c, the block is the affine map (I + F)·h + c, so a network of linear layers and linear
// blocks is still one affine map. The derivation for one block, line by line, as static_asserts;
// then blocks in the middle, n blocks in a row (the product (I + Wn)···(I + W1), expanded), one
// activation inside a block, collapse_t, and collapse(m) with weights that make every operation
// exact, so that the compiler checks collapse(m)(x) == m(x) bit for bit.
#include <array>
#include <cstddef>
#include <optional>
#include <type_traits>
#include <utility>

#include <boost/hana/for_each.hpp>
#include <boost/hana/range.hpp>

#include <nonlin/activation/softmax.hpp>
#include <nonlin/expr/affine.hpp>
#include <nonlin/expr/collapse.hpp>
#include <nonlin/expr/witness.hpp>
#include <nonlin/network.hpp>
#include <nonlin/symbolic/network_expression.hpp>
#include <nonlin/symbolic/normal_form.hpp>
#include <nonlin/symbolic/print.hpp>

#include "bend.hpp"

namespace {

namespace nl = nonlin;
namespace hana = boost::hana;
using namespace nonlin::symbolic;
using nl::dense;
using nl::input;
using nl::network;
using nl::residual;
using nonlin_static::bend;
using nonlin_static::kink;

// ---- the symbol I ---------------------------------------------------------------------------------

// I is the identity of the product and nothing else: I·A = A·I = A, I·x = x, but I + A is not A.
static_assert(equivalent(I * W<1>, W<1>));
static_assert(equivalent(W<1> * I, W<1>));
static_assert(equivalent(I * I * x, x));
static_assert(equivalent((I + W<1>) * x, x + W<1> * x));
static_assert(!equivalent((I + W<1>) * x, W<1> * x));
static_assert(to_string(I * x + b<1>) == "I·x + b1");
static_assert(to_normal_string(I * x + b<1>) == "x + b1");

// ---- the derivation for one block: network<input<2>, residual<dense<3>, dense<2>>> ------------------

using one_block = network<input<2>, residual<dense<3>, dense<2>>>;
using y_t = network_expression_t<one_block>;

// Line 1: y = h + f(h), the block's input h = x plus its chain f(h) = W2·(W1·h + b1) + b2 ...
constexpr auto h = x;
constexpr auto f = W<2> * (W<1> * h + b<1>) + b<2>;
constexpr auto y = h + f;
// ... which is what the network type reads as.
static_assert(std::is_same_v<y_t, std::remove_cv_t<decltype(y)>>);
static_assert(to_string<y_t>() == "x + (W2·(W1·x + b1) + b2)");
// Line 1 -> 2: expanding the product of the chain over its sum.
static_assert(equivalent(y, x + (W<2> * W<1> * x + W<2> * b<1> + b<2>)));
static_assert(to_normal_string(y) == "x + W2W1·x + W2·b1 + b2");
// Line 2 -> 3: x = I·x, so both terms in x are a matrix times x ...
static_assert(equivalent(x, I * x));
static_assert(equivalent(y, I * x + W<2> * W<1> * x + (W<2> * b<1> + b<2>)));
// Line 3 -> 4: ... and distributivity, read backwards, gathers them: (I + W2W1)·x + (W2·b1 + b2).
static_assert(equivalent(y, (I + W<2> * W<1>) * x + (W<2> * b<1> + b<2>)));
static_assert(to_affine_string(y) == "(I + W2W1)·x + (W2·b1 + b2)");
static_assert(to_affine_string<y_t>() == "(I + W2W1)·x + (W2·b1 + b2)");
// ... in which neither A = I + W2W1 nor c = W2·b1 + b2 mentions x:
static_assert(is_affine_in_x(y));
static_assert(std::is_same_v<linear_part_t<y_t>, terms<chain<>, chain<W_t<2>, W_t<1>>>>);
static_assert(std::is_same_v<constant_part_t<y_t>, terms<term<chain<W_t<2>>, b_t<1>>, term<chain<>, b_t<2>>>>);
// Line 4 -> 5: with W' = I + W2W1 and b' = W2·b1 + b2, y = W'x + b'.
constexpr auto W_merged = I + W<2> * W<1>;
constexpr auto b_merged = W<2> * b<1> + b<2>;
static_assert(equivalent(y, W_merged * x + b_merged));
// The skip is what I accounts for: without it the block would be the plain stack W2W1·x + ...
static_assert(!equivalent(y, W<2> * W<1> * x + b_merged));
static_assert(nl::is_affine_v<one_block>);

// ---- a block between layers -----------------------------------------------------------------------

// y = W4·(h + (W3·(W2·h + b2) + b3)) + b4 with h = W1·x + b1: W' = W4(I + W3W2)W1, the block's
// I + W3W2 between the layers around it.
using middle = network<input<8>, dense<16>, residual<dense<32>, dense<16>>, dense<3>>;
using middle_t = network_expression_t<middle>;
constexpr auto h1 = W<1> * x + b<1>;
static_assert(std::is_same_v<middle_t, std::remove_cv_t<decltype(W<4> * (h1 + (W<3> * (W<2> * h1 + b<2>) + b<3>)) + b<4>)>>);
static_assert(to_string<middle_t>() == "W4·(W1·x + b1 + (W3·(W2·(W1·x + b1) + b2) + b3)) + b4");
static_assert(to_affine_string<middle_t>() == "(W4W1 + W4W3W2W1)·x + (W4·b1 + W4W3W2·b1 + W4W3·b2 + W4·b3 + b4)");
static_assert(equivalent(middle_t{}, W<4> * (I + W<3> * W<2>) * W<1> * x +
                                         (W<4> * (I + W<3> * W<2>) * b<1> + W<4> * W<3> * b<2> + W<4> * b<3> + b<4>)));
static_assert(is_affine_in_x_v<middle_t> && nl::is_affine_v<middle>);

// ---- n blocks in a row: (I + Wn)···(I + W1)·x + Σk (I + Wn)···(I + W(k+1))·bk ---------------------------

template <std::size_t>
using one_layer_block = residual<dense<2>>;
template <std::size_t N, class = std::make_index_sequence<N>>
struct blocks_in_a_row;
template <std::size_t N, std::size_t... K>
struct blocks_in_a_row<N, std::index_sequence<K...>> {
  using type = network<input<2>, one_layer_block<K>...>;
};

// (I + WN)···(I + W(K+1)), written factor by factor (I when K == N), without the network's help.
template <std::size_t N, std::size_t K, std::size_t... J>
constexpr auto factors_above(std::index_sequence<J...>) {
  return (I * ... * (I + W<N - J>));
}
template <std::size_t N, std::size_t K>
constexpr auto factors_above() {
  return factors_above<N, K>(std::make_index_sequence<N - K>{});
}
template <std::size_t N, std::size_t... K>
constexpr auto expected_blocks(std::index_sequence<K...>) {
  return factors_above<N, 0>() * x + (... + (factors_above<N, K + 1>() * b<K + 1>));
}

constexpr bool every_row_of_linear_blocks_is_the_product_of_i_plus_w = [] {
  hana::for_each(hana::range_c<std::size_t, 1, 6>, [](auto blocks) {
    constexpr std::size_t n = decltype(blocks)::value;
    using net = typename blocks_in_a_row<n>::type;
    using e = network_expression_t<net>;
    static_assert(net::depth == n && nl::network_traits<net>::residual_blocks == n);
    static_assert(is_affine_in_x_v<e> && nl::is_affine_v<net>);
    static_assert(equivalent_v<e, decltype(expected_blocks<n>(std::make_index_sequence<n>{}))>);
    // Expanded, the linear part has one chain per subset of the blocks' matrices: 2^n of them.
    static_assert([]<class... C>(terms<C...>) { return sizeof...(C); }(linear_part_t<e>{}) == std::size_t{1} << n);
    static_assert(std::is_same_v<nl::collapse_t<net>, network<input<2>, dense<2>>>);
  });
  return true;
}();
static_assert(every_row_of_linear_blocks_is_the_product_of_i_plus_w);
static_assert(to_affine_string<network_expression_t<blocks_in_a_row<2>::type>>() ==
              "(I + W1 + W2 + W2W1)·x + (b1 + W2·b1 + b2)");

// ---- one activation inside a block ------------------------------------------------------------------

// f(h) = W2·tanh(W1·h + b1) + b2 keeps x inside tanh: h + f(h) is not affine in x, and the skip does
// not bring affinity back.
using bent_block = network<input<2>, residual<dense<3, bend>, dense<2>>>;
static_assert(to_string<network_expression_t<bent_block>>() == "x + (W2·tanh(W1·x + b1) + b2)");
static_assert(to_affine_string<network_expression_t<bent_block>>() == "x + W2·tanh(W1·x + b1) + b2");
static_assert(!is_affine_in_x_v<network_expression_t<bent_block>> && !nl::is_affine_v<bent_block>);
// A block ending in its activation: h + tanh(W1·h + b1).
using bent_end = network<input<2>, residual<dense<2, bend>>>;
static_assert(to_string<network_expression_t<bent_end>>() == "x + tanh(W1·x + b1)");
static_assert(!is_affine_in_x_v<network_expression_t<bent_end>> && !nl::is_affine_v<bent_end>);

// At any of the three layers of a block between two linear layers, and after the block.
template <std::size_t P, std::size_t Layer>
using at = std::conditional_t<P == Layer, bend, nl::identity>;
template <std::size_t P>
using bent_at = network<input<2>, dense<3, at<P, 0>>, residual<dense<4, at<P, 1>>, dense<4, at<P, 2>>, dense<3, at<P, 3>>>,
                        dense<2, at<P, 4>>>;
constexpr bool one_activation_in_or_around_a_block_breaks_affinity = [] {
  hana::for_each(hana::range_c<std::size_t, 0, 5>, [](auto p) {
    using net = bent_at<decltype(p)::value>;
    static_assert(!is_affine_in_x_v<network_expression_t<net>>);
    static_assert(!nl::is_affine_v<net>);
    static_assert(std::is_same_v<nl::collapse_t<net>, net>);  // and nothing merges
  });
  return true;
}();
static_assert(one_activation_in_or_around_a_block_breaks_affinity);
static_assert(is_affine_in_x_v<network_expression_t<bent_at<5>>> && nl::is_affine_v<bent_at<5>>);  // no tanh
static_assert(to_string<network_expression_t<bent_at<2>>>() ==
              "W5·(W1·x + b1 + (W4·tanh(W3·(W2·(W1·x + b1) + b2) + b3) + b4)) + b5");

// ---- collapse_t -------------------------------------------------------------------------------------

// Linear layers and linear blocks: one dense layer from the inputs to the outputs.
static_assert(std::is_same_v<nl::collapse_t<one_block>, network<input<2>, dense<2>>>);
static_assert(std::is_same_v<nl::collapse_t<middle>, network<input<8>, dense<3>>>);
static_assert(std::is_same_v<nl::collapse_t<bent_at<5>>, network<input<2>, dense<2>>>);
static_assert(std::is_same_v<nl::collapse_t<network<input<4>, dense<3>, residual<dense<3>>>>, network<input<4>, dense<3>>>);
static_assert(std::is_same_v<nl::collapse_t<nl::collapse_t<middle>>, nl::collapse_t<middle>>);  // idempotent
// With a non-linearity anywhere, a network with blocks is its own collapse: not even the identity
// run 1–2 beside the block merges.
using lecture_shape = network<input<8>, dense<16, nl::tanh>, residual<dense<32, nl::relu>, dense<16>>, dense<3, nl::softmax<>>>;
static_assert(std::is_same_v<nl::collapse_t<lecture_shape>, lecture_shape>);
using run_beside = network<input<2>, dense<4>, dense<4, bend>, residual<dense<4>, dense<4>>, dense<2>>;
static_assert(std::is_same_v<nl::collapse_t<run_beside>, run_beside>);
static_assert(!nl::is_affine_v<lecture_shape> && !nl::is_affine_v<run_beside>);
// The types and the algebra agree.
static_assert(is_affine_in_x_v<network_expression_t<lecture_shape>> == nl::is_affine_v<lecture_shape>);
static_assert(is_affine_in_x_v<network_expression_t<run_beside>> == nl::is_affine_v<run_beside>);

// ---- collapse(m), with numbers ---------------------------------------------------------------------

// Weights from a small integer pattern times a power of two, biases in quarters: every product and
// sum below is exact in float, so m(x) and collapse(m)(x) must agree bit for bit.
template <class Layer>
constexpr void fill(Layer& layer, int seed, float scale) {
  for (std::size_t k = 0; k < layer.weight.size(); ++k)
    layer.weight[k] = static_cast<float>(static_cast<int>((k * 7 + static_cast<std::size_t>(seed) * 3) % 5) - 2) * scale;
  for (std::size_t k = 0; k < layer.bias.size(); ++k)
    layer.bias[k] = static_cast<float>(static_cast<int>((k * 3 + static_cast<std::size_t>(seed)) % 7) - 3) * 0.25f;
}

template <std::size_t N>
constexpr std::array<std::array<float, N>, 5> samples_of_width() {
  constexpr std::array<float, 8> values{0.0f, 1.0f, -2.0f, 0.5f, 3.0f, -0.25f, 8.0f, -1.5f};
  std::array<std::array<float, N>, 5> s{};
  for (std::size_t j = 1; j < s.size(); ++j)
    for (std::size_t i = 0; i < N; ++i) s[j][i] = values[(i * 3 + j * 5) % values.size()];
  return s;  // s[0] is 0, where m(0) = b'
}

template <class A, class B>
constexpr bool agree_on_samples(const A& a, const B& b) {
  for (const auto& x : samples_of_width<A::inputs>())
    if (a(x) != b(x)) return false;
  return true;
}

// One block: W' = I + W2W1 and b' = W2·b1 + b2, entry by entry, the long way.
constexpr one_block make_one_block() {
  one_block m;
  fill(m.layer<0>(), 1, 0.5f);
  fill(m.layer<1>(), 2, 0.25f);
  return m;
}
constexpr one_block block_m = make_one_block();
constexpr auto block_collapsed = nl::collapse(block_m);
constexpr bool merged_block_is_i_plus_w2w1 = [] {
  const auto& [w1, b1] = block_m.layer<0>();
  const auto& [w2, b2] = block_m.layer<1>();
  for (std::size_t o = 0; o < 2; ++o) {
    float bias = b2[o];
    for (std::size_t j = 0; j < 3; ++j) bias += w2[o * 3 + j] * b1[j];
    if (block_collapsed.layer<0>().bias[o] != bias) return false;
    for (std::size_t i = 0; i < 2; ++i) {
      float w = o == i ? 1.0f : 0.0f;
      for (std::size_t j = 0; j < 3; ++j) w += w2[o * 3 + j] * w1[j * 2 + i];
      if (block_collapsed.layer<0>().weight[o * 2 + i] != w) return false;
    }
  }
  return true;
}();
static_assert(merged_block_is_i_plus_w2w1);
static_assert(agree_on_samples(block_m, block_collapsed));
static_assert(block_m(std::array{0.0f, 0.0f}) == block_collapsed.layer<0>().bias);  // b' = m(0)

// Layers and blocks mixed: a layer, a two-layer block, a one-layer block, a layer.
using deep = network<input<4>, dense<4>, residual<dense<6>, dense<4>>, residual<dense<4>>, dense<2>>;
constexpr deep make_deep() {
  deep m;
  fill(m.layer<0>(), 1, 0.5f);
  fill(m.layer<1>(), 2, 0.25f);
  fill(m.layer<2>(), 3, 0.5f);
  fill(m.layer<3>(), 4, 0.25f);
  fill(m.layer<4>(), 5, 0.5f);
  return m;
}
constexpr deep deep_m = make_deep();
constexpr auto deep_collapsed = nl::collapse(deep_m);
static_assert(decltype(deep_collapsed)::depth == 1 && std::is_same_v<decltype(deep_collapsed), const network<input<4>, dense<2>>>);
static_assert(agree_on_samples(deep_m, deep_collapsed));
static_assert(deep_m(samples_of_width<4>()[2]) == deep_collapsed(samples_of_width<4>()[2]));
// affine_map(m) is that layer, and no midpoint escapes it.
constexpr auto deep_map = nl::affine_map(deep_m);
static_assert(agree_on_samples(deep_m, deep_map));
static_assert(!nl::find_midpoint_witness(deep_m).has_value());

// A relu inside a block: collapse copies every layer, and the two still agree; a tanh in the same
// place bends the network, and the compiler finds the pair that shows it.
using kinked = network<input<4>, dense<4>, residual<dense<6, kink>, dense<4>>, residual<dense<4>>, dense<2>>;
constexpr kinked make_kinked() {
  kinked m;
  fill(m.layer<0>(), 1, 0.5f);
  fill(m.layer<1>(), 2, 0.25f);
  fill(m.layer<2>(), 3, 0.5f);
  fill(m.layer<3>(), 4, 0.25f);
  fill(m.layer<4>(), 5, 0.5f);
  return m;
}
constexpr kinked kinked_m = make_kinked();
static_assert(std::is_same_v<nl::collapse_t<kinked>, kinked>);
static_assert(agree_on_samples(kinked_m, nl::collapse(kinked_m)));
static_assert(nl::collapse(kinked_m).layer<1>().weight == kinked_m.layer<1>().weight);

using bent_deep = network<input<4>, dense<4>, residual<dense<6, bend>, dense<4>>, residual<dense<4>>, dense<2>>;
constexpr bent_deep make_bent_deep() {
  bent_deep m;
  m.layer<0>() = deep_m.layer<0>();
  m.layer<1>() = {deep_m.layer<1>().weight, deep_m.layer<1>().bias};
  m.layer<2>() = deep_m.layer<2>();
  m.layer<3>() = deep_m.layer<3>();
  m.layer<4>() = deep_m.layer<4>();
  return m;
}
constexpr bent_deep bent_deep_m = make_bent_deep();
static_assert(nl::find_midpoint_witness(bent_deep_m).has_value());

}  // namespace
