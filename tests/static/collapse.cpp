// The type-level half of the lecture's claim: collapse_t merges every run of identity layers into
// one dense layer, is_affine_v recognises all-identity networks, and the cost model keeps a merge
// only where it saves FLOPs. Everything here is a static_assert; compiling this file is the test.
#include <cstddef>
#include <type_traits>

#include <boost/hana/for_each.hpp>
#include <boost/hana/range.hpp>

#include <nonlin/activation/softmax.hpp>
#include <nonlin/expr/affine.hpp>
#include <nonlin/expr/collapse.hpp>
#include <nonlin/eval/cost_model.hpp>
#include <nonlin/eval/plan.hpp>
#include <nonlin/network.hpp>

#include "bend.hpp"

namespace {

namespace nl = nonlin;
namespace hana = boost::hana;
using nonlin_static::bend;
using nl::dense;
using nl::input;
using nl::network;

// A linear stack of Depth layers of width 3 -> 5 -> 5 ... -> 2.
template <std::size_t... K>
auto linear_stack(std::index_sequence<K...>) -> network<input<3>, dense<(K + 1 == sizeof...(K) ? 2 : 5)>...>;
template <std::size_t Depth>
using linear_stack_t = decltype(linear_stack(std::make_index_sequence<Depth>{}));

// Claim 1: an all-identity stack of any depth is one dense layer from the inputs to the outputs.
constexpr bool all_identity_stacks_collapse_to_one_layer = [] {
  hana::for_each(hana::range_c<std::size_t, 1, 9>, [](auto depth) {
    using net = linear_stack_t<decltype(depth)::value>;
    static_assert(net::depth == decltype(depth)::value);
    static_assert(std::is_same_v<nl::collapse_t<net>, network<input<3>, dense<2>>>);
    static_assert(nl::is_affine_v<net>);
  });
  return true;
}();
static_assert(all_identity_stacks_collapse_to_one_layer);
static_assert(std::is_same_v<nl::collapse_t<network<input<4>, dense<4>, dense<4>, dense<2>>>,
                             network<input<4>, dense<2>>>);

// Claim 2: σ(W2(W1x + b1) + b2) = σ(W'x + b'): a run's last layer keeps its activation.
static_assert(std::is_same_v<nl::collapse_t<network<input<2>, dense<8>, dense<3, bend>>>,
                             network<input<2>, dense<3, bend>>>);
static_assert(std::is_same_v<nl::collapse_t<network<input<2>, dense<8>, dense<8>, dense<1, nl::softmax<>>>>,
                             network<input<2>, dense<1, nl::softmax<>>>>);

// Claim 3: only the runs merge; a non-linear layer ends a run and the next run starts after it.
using mixed = network<input<3>, dense<5>, dense<4, bend>, dense<6>, dense<7>, dense<2, nl::softmax<2.0f>>>;
static_assert(std::is_same_v<nl::collapse_t<mixed>, network<input<3>, dense<4, bend>, dense<2, nl::softmax<2.0f>>>>);
using linear_tail = network<input<3>, dense<4, bend>, dense<4, bend>, dense<6>, dense<2>>;
static_assert(std::is_same_v<nl::collapse_t<linear_tail>, network<input<3>, dense<4, bend>, dense<4, bend>, dense<2>>>);

// Claim 4: a network without identity layers (or whose only one is last) is its own collapse.
using lecture_net = network<input<2>, dense<2, bend>, dense<2, bend>, dense<1, nl::softmax<>>>;
static_assert(std::is_same_v<nl::collapse_t<lecture_net>, lecture_net>);
static_assert(std::is_same_v<nl::collapse_t<network<input<2>, dense<3, bend>, dense<1>>>,
                             network<input<2>, dense<3, bend>, dense<1>>>);
static_assert(std::is_same_v<nl::collapse_t<network<input<2>, dense<1>>>, network<input<2>, dense<1>>>);

// Claim 5: collapsing twice changes nothing more (collapse_t is idempotent).
static_assert(std::is_same_v<nl::collapse_t<nl::collapse_t<mixed>>, nl::collapse_t<mixed>>);

// Claim 6: is_affine_v holds exactly for networks whose every activation is identity.
static_assert(nl::is_affine_v<network<input<1>, dense<1>>>);
static_assert(!nl::is_affine_v<mixed>);
static_assert(!nl::is_affine_v<lecture_net>);
static_assert(!nl::is_affine_v<network<input<2>, dense<2>, dense<2>, dense<2, bend>>>);
static_assert(!nl::is_affine_v<network<input<2>, dense<2, bend>, dense<2>, dense<2>>>);
static_assert(!nl::is_affine_v<network<input<2>, dense<2>, dense<2, nl::softmax<>>>>);
static_assert(!nl::is_affine_v<int>);
// ... and what collapses an affine network leaves is affine with a single layer.
static_assert(nl::collapse_t<linear_stack_t<8>>::depth == 1 && nl::is_affine_v<nl::collapse_t<linear_stack_t<8>>>);

// Claim 7: the cost model merges a run only when that costs fewer FLOPs (2·in·out a layer) per sample.
using bottleneck = network<input<256>, dense<8>, dense<256>>;  // 2·(256·8 + 8·256) = 8192 vs 2·256·256
static_assert(nl::flops_per_sample_v<bottleneck> == 8192);
static_assert(nl::flops_per_sample_v<nl::collapse_t<bottleneck>> == 131072);
static_assert(std::is_same_v<nl::evaluation_form_t<bottleneck>, bottleneck>);
using wide_linear = network<input<64>, dense<64>, dense<64>, dense<64>>;  // 2·3·64·64 = 24576 vs 8192
static_assert(nl::flops_per_sample_v<wide_linear> == 24576);
static_assert(std::is_same_v<nl::evaluation_form_t<wide_linear>, network<input<64>, dense<64>>>);
static_assert(nl::flops_per_sample_v<nl::evaluation_form_t<wide_linear>> == 8192);
// Per run: the bottleneck run stays, the 4→4→4→2 run merges, the tanh layers in between stay.
using two_runs = network<input<256>, dense<8>, dense<256, bend>, dense<4, bend>, dense<4>, dense<4>, dense<2>>;
static_assert(std::is_same_v<nl::evaluation_form_t<two_runs>,
                             network<input<256>, dense<8>, dense<256, bend>, dense<4, bend>, dense<2>>>);
// A tie keeps the layers: merging would change the rounding and save nothing.
using square_pair = network<input<2>, dense<1>, dense<2>>;  // 2·(2 + 2) = 8 vs 2·2·2 = 8
static_assert(std::is_same_v<nl::evaluation_form_t<square_pair>, square_pair>);

// The count is 2·in·out summed over the layers, the one network_traits derives and describe() reports:
// 2·(256·8 + 8·256 + 256·4 + 4·4 + 4·4 + 4·2) and 2·3·64·64.
static_assert(nl::flops_per_sample_v<two_runs> == 2 * (256 * 8 + 8 * 256 + 256 * 4 + 4 * 4 + 4 * 4 + 4 * 2));
static_assert(nl::flops_per_sample_v<wide_linear> == nl::network_traits<wide_linear>::flops_per_sample);

}  // namespace
