// The lecture network's batch forward, as a user compiles it: every activation inlined (no call in a
// tile), 80 fmas per tile of one pack, and nothing spilled in the tile that runs alone.
//   10 fmas are the weights (2·2 + 2·2 + 2·1; each of the 5 biases starts its sum, so the 15
//   parameters need 10 fmas), 60 the four tanh (15 each: a rational approximation) and 10 the sigmoid.
// Four tiles go together (register_group = 4); their 320 fmas are the same sums, interleaved.
#include <nonlin/activation/sigmoid.hpp>
#include <nonlin/activation/tanh.hpp>
#include <nonlin/network.hpp>

namespace nl = nonlin;
using lecture = nl::network<nl::input<2>, nl::dense<2, nl::tanh>, nl::dense<2, nl::tanh>, nl::dense<1, nl::sigmoid>>;

void lecture_forward(const lecture& m, std::span<const float> in, std::span<float> out) {
  m.forward(in, out, nl::execution::sequential);
}

// One tile (the batch's last whole tiles): 80 fmas, no call.
// CHECK-LABEL: == nonlin register tiles group=1
// CHECK-NEXT: mix: fma=80 {{.*}} call=0 stack_store=0
// AVX-512 has the registers for every constant: the only frame reads are the private copy's weights.
// GCC-AVX512-SAME: stack_load=0
// CHECK-NOT: | call
// Four tiles together: 320 fmas, still no call.
// CHECK-LABEL: == nonlin register tiles group=4
// GCC-NEXT: mix: fma=320 {{.*}} call=0
// CLANG-AVX512-NEXT: mix: fma=320 {{.*}} call=0
// CHECK-NOT: | call
// No libm anywhere: the activations are nonlin's own polynomials.
// CHECK-LABEL: == calls:
// CHECK-NOT: {{ (std::)?(expf|tanhf|exp|tanh)( |$)}}
