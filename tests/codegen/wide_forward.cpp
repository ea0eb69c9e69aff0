// A wide network's batch forward runs the blocked kernel. The inner loop of each block is fmas,
// broadcast weights and loads of the inputs, plus the loop's own counter and branch: no stores, no
// shuffles, no calls, and no accumulator spilled to the stack, with AVX2's 16 registers as with
// AVX-512's 32.
#include <nonlin/activation/identity.hpp>
#include <nonlin/activation/relu.hpp>
#include <nonlin/activation/tanh.hpp>
#include <nonlin/network.hpp>

namespace nl = nonlin;
using wide = nl::network<nl::input<40>, nl::dense<128, nl::relu>, nl::dense<128, nl::tanh>, nl::dense<10, nl::identity>>;

void wide_forward(const wide& m, std::span<const float> in, std::span<float> out) {
  m.forward(in, out, nl::execution::sequential);
}

// No block of any tile touches the stack in its inner loop (GCC, and Clang with AVX-512).
// GCC-NOT: {{stack_(store|load|broadcast)=[1-9]}}
// CLANG-AVX512-NOT: {{stack_(store|load|broadcast)=[1-9]}}

// The full tile's blocks, 2 packs of samples per weight broadcast: with AVX2 6 rows × 2 packs = 12
// accumulators beside 2 inputs and a broadcast (4 packs would need 3 × 4 + 5 = 17 registers); with
// AVX-512 12 × 2 = 24 of 32. Each loop turn takes one or two inputs: rows · packs fmas and rows
// broadcasts per input.
// AVX2-LABEL: == nonlin dense loop rows=6 packs=2 length=40
// AVX2-NEXT: mix: fma=24 broadcast=12 load=16 store=0 shuffle=0 call=0 stack_store=0 stack_load=0 stack_broadcast=0 branch=1 other={{[23]}}
// AVX2-LABEL: == nonlin dense loop rows=6 packs=2 length=128
// AVX2-NEXT: mix: fma=24 broadcast=12 load=16 store=0 shuffle=0 call=0 stack_store=0 stack_load=0 stack_broadcast=0 branch=1 other={{[23]}}
// The last layer (10 outputs) takes all its rows.
// AVX512-LABEL: == nonlin dense loop rows=10 packs=2 length=128
// AVX512-NEXT: mix: fma={{20|40}} broadcast={{10|20}} load={{12|24}} store=0 shuffle=0 call=0 stack_store=0 stack_load=0 stack_broadcast=0 branch=1 other={{[23]}}
// AVX512-LABEL: == nonlin dense loop rows=12 packs=2 length=40
// AVX512-NEXT: mix: fma={{24|48}} broadcast={{12|24}} load={{14|28}} store=0 shuffle=0 call=0 stack_store=0 stack_load=0 stack_broadcast=0 branch=1 other={{[23]}}
// AVX512-LABEL: == nonlin dense loop rows=12 packs=2 length=128
// AVX512-NEXT: mix: fma={{24|48}} broadcast={{12|24}} load={{14|28}} store=0 shuffle=0 call=0 stack_store=0 stack_load=0 stack_broadcast=0 branch=1 other={{[23]}}
// CHECK-NOT: | call
// The tail tiles of one pack use 8 to 24 accumulators of one pack each; Clang with AVX2 interleaves
// two inputs' broadcasts there and spills 1 to 9 of them (a shortfall these checks record).
// CLANG-AVX2-LABEL: == nonlin dense loop rows=8 packs=1 length=40
// CLANG-AVX2-NEXT: mix: fma=16 {{.*}} stack_store=1
// CHECK-LABEL: == calls:
