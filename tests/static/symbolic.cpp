// The symbolic half: the lecture's derivation, line by line, as static_asserts on a type-level
// algebra that expands products over sums, then the same claim for every depth from 1 to 8, and
// the other side: one activation anywhere leaves x inside a function the algebra cannot open.
#include <cstddef>
#include <type_traits>
#include <utility>

#include <boost/hana/for_each.hpp>
#include <boost/hana/range.hpp>

#include <nonlin/activation/identity.hpp>
#include <nonlin/activation/softmax.hpp>
#include <nonlin/expr/affine.hpp>
#include <nonlin/symbolic/network_expression.hpp>
#include <nonlin/symbolic/normal_form.hpp>
#include <nonlin/symbolic/print.hpp>
#include <nonlin/symbolic/expression.hpp>
#include <nonlin/network.hpp>

#include "bend.hpp"

namespace {

namespace nl = nonlin;
namespace hana = boost::hana;
using namespace nonlin::symbolic;
using nonlin_static::bend;

// The lecture's slide, from the top: y = W3h2 + b3 with h2 = W2h1 + b2 and h1 = W1x + b1.
constexpr auto h1 = W<1> * x + b<1>;
constexpr auto h2 = W<2> * h1 + b<2>;
constexpr auto y = W<3> * h2 + b<3>;

// Line 1 -> 2: substituting h2 changes nothing.
static_assert(equivalent(y, W<3> * (W<2> * h1 + b<2>) + b<3>));
// Line 2 -> 3: substituting h1 gives the nested expression.
static_assert(equivalent(y, W<3> * (W<2> * (W<1> * x + b<1>) + b<2>) + b<3>));
static_assert(to_string(y) == "W3·(W2·(W1·x + b1) + b2) + b3");
// Line 3 -> 4: expanding the products over the sums gives W3W2W1x + (W3W2b1 + W3b2 + b3) ...
static_assert(std::is_same_v<normal_form_t<decltype(y)>,
                             normal_form_t<decltype(W<3> * W<2> * W<1> * x + (W<3> * W<2> * b<1> + W<3> * b<2> + b<3>))>>);
static_assert(to_affine_string(y) == "W3W2W1·x + (W3W2·b1 + W3·b2 + b3)");
// ... in which neither the matrix A = W3W2W1 nor the vector c mentions x,
static_assert(is_affine_in_x(y));
static_assert(std::is_same_v<linear_part_t<decltype(y)>, terms<chain<W_t<3>, W_t<2>, W_t<1>>>>);
static_assert(std::is_same_v<constant_part_t<decltype(y)>, normal_form_t<decltype(W<3> * W<2> * b<1> + W<3> * b<2> + b<3>)>>);
// Line 4 -> 5: so, with W' = W3W2W1 and b' = W3W2b1 + W3b2 + b3, y = W'x + b'.
constexpr auto W_merged = W<3> * W<2> * W<1>;
constexpr auto b_merged = W<3> * W<2> * b<1> + W<3> * b<2> + b<3>;
static_assert(equivalent(y, W_merged * x + b_merged));

// The algebra is only as strong as it should be: addition commutes, multiplication does not.
static_assert(equivalent(W<1> * x + b<1>, b<1> + W<1> * x));
static_assert(!equivalent(W<2> * W<1> * x, W<1> * W<2> * x));
static_assert(equivalent((W<1> + W<2>) * x, W<1> * x + W<2> * x));
static_assert(!equivalent(W<1> * x + b<1>, W<1> * x));

// For every depth n from 1 to 8: the linear stack normalises to A·x + c with A = Wn···W1 and
// c = Σ_k Wn···W(k+1)·bk. The expected A and c are spelled out from indices, not by the normaliser.
template <std::size_t Depth, std::size_t BentLayer = 0>
struct stack {
  using below = typename stack<Depth - 1, BentLayer>::type;
  using pre_activation = sum<product<W_t<Depth>, below>, b_t<Depth>>;
  using type = std::conditional_t<Depth == BentLayer, applied<bend, pre_activation>, pre_activation>;
};
template <std::size_t BentLayer>
struct stack<0, BentLayer> {
  using type = input_symbol;
};
template <std::size_t Depth, std::size_t BentLayer = 0>
using stack_t = typename stack<Depth, BentLayer>::type;

// Wn···W(k+1): the matrices above layer k, outermost first.
template <std::size_t Depth, std::size_t K, std::size_t... J>
auto matrices_above(std::index_sequence<J...>) -> chain<W_t<Depth - J>...>;
template <std::size_t Depth, std::size_t K>
using matrices_above_t = decltype(matrices_above<Depth, K>(std::make_index_sequence<Depth - K>{}));

template <std::size_t Depth, std::size_t... K>
auto expected_offset(std::index_sequence<K...>) -> terms<term<matrices_above_t<Depth, K + 1>, b_t<K + 1>>...>;
template <std::size_t Depth>
using expected_offset_t = decltype(expected_offset<Depth>(std::make_index_sequence<Depth>{}));

// A·x + c as a normal form: the x term first, as the expansion produces it.
template <class A, class C>
struct with_linear_term;
template <class A, class... C>
struct with_linear_term<A, terms<C...>> {
  using type = terms<term<A, input_symbol>, C...>;
};
template <class A, class C>
using with_linear_term_t = typename with_linear_term<A, C>::type;

constexpr bool every_linear_stack_is_affine = [] {
  hana::for_each(hana::range_c<std::size_t, 1, 9>, [](auto depth) {
    constexpr std::size_t n = decltype(depth)::value;
    using e = stack_t<n>;
    static_assert(is_affine_in_x_v<e>);
    static_assert(std::is_same_v<linear_part_t<e>, terms<matrices_above_t<n, 0>>>);
    static_assert(std::is_same_v<constant_part_t<e>, expected_offset_t<n>>);
    static_assert(std::is_same_v<normal_form_t<e>, with_linear_term_t<matrices_above_t<n, 0>, expected_offset_t<n>>>);
  });
  return true;
}();
static_assert(every_linear_stack_is_affine);
static_assert(to_affine_string<stack_t<1>>() == "W1·x + b1");
static_assert(to_affine_string<stack_t<4>>() == "W4W3W2W1·x + (W4W3W2·b1 + W4W3·b2 + W4·b3 + b4)");

// One activation at any layer p of any stack of depth n leaves x inside it: not affine in x.
constexpr bool one_activation_anywhere_breaks_affinity = [] {
  hana::for_each(hana::range_c<std::size_t, 1, 9>, [](auto depth) {
    hana::for_each(hana::range_c<std::size_t, 1, decltype(depth)::value + 1>, [](auto layer) {
      static_assert(!is_affine_in_x_v<stack_t<decltype(depth)::value, decltype(layer)::value>>);
    });
  });
  return true;
}();
static_assert(one_activation_anywhere_breaks_affinity);
static_assert(to_affine_string(W<2> * apply<bend>(W<1> * x + b<1>) + b<2>) == "W2·tanh(W1·x + b1) + b2");
static_assert(to_normal_string(W<3> * apply<bend>(W<2> * (W<1> * x + b<1>)) + b<3>) ==
              "W3·tanh(W2W1·x + W2·b1) + b3");

// What the algebra knows about activations: identity is no function at all, and an activation of
// something constant is constant.
static_assert(equivalent(W<2> * apply<nl::identity>(W<1> * x + b<1>), W<2> * W<1> * x + W<2> * b<1>));
static_assert(is_affine_in_x(W<2> * apply<bend>(b<1>) + W<3> * x));
static_assert(!is_affine_in_x(apply<bend>(x)));

// Real network types read as expressions agree with is_affine_v.
using linear_net = nl::network<nl::input<3>, nl::dense<5>, nl::dense<4>, nl::dense<2>>;
using tanh_net = nl::network<nl::input<3>, nl::dense<5>, nl::dense<4, bend>, nl::dense<2>>;
using classifier = nl::network<nl::input<2>, nl::dense<4>, nl::dense<3, nl::softmax<>>>;
static_assert(to_string<network_expression_t<linear_net>>() == "W3·(W2·(W1·x + b1) + b2) + b3");
static_assert(to_string<network_expression_t<tanh_net>>() == "W3·tanh(W2·(W1·x + b1) + b2) + b3");
static_assert(to_string<network_expression_t<classifier>>() == "softmax(W2·(W1·x + b1) + b2)");
static_assert(is_affine_in_x_v<network_expression_t<linear_net>> == nl::is_affine_v<linear_net>);
static_assert(is_affine_in_x_v<network_expression_t<tanh_net>> == nl::is_affine_v<tanh_net>);
static_assert(is_affine_in_x_v<network_expression_t<classifier>> == nl::is_affine_v<classifier>);

}  // namespace
