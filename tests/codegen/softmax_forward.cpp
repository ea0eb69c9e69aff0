// A classifier's softmax runs in the blocked kernel on the accumulators: the exponential is nonlin's own
// (activation/softmax.hpp, math/), inlined, so the program calls no expf and no other libm function.
#include <nonlin/activation/relu.hpp>
#include <nonlin/activation/softmax.hpp>
#include <nonlin/network.hpp>

namespace nl = nonlin;
using classifier = nl::network<nl::input<4>, nl::dense<32, nl::relu>, nl::dense<3, nl::softmax<>>>;

void classifier_forward(const classifier& m, std::span<const float> in, std::span<float> out) {
  m.forward(in, out, nl::execution::sequential);
}

// The blocks of the softmax layer (3 rows: all of it) have no call in their loop.
// CHECK-LABEL: == nonlin dense loop rows=3
// CHECK-NEXT: mix: {{.*}} call=0 stack_store=0
// CHECK-LABEL: == calls:
// CHECK-NOT: {{ (std::)?(expf|exp|__expf_finite|expf@PLT)( |$)}}
