// Training's forward and input gradient run the same dense micro-kernel as the blocked forward, in
// blocks of the same shape (6 rows × 4 packs with AVX-512, 6 × 2 with AVX2): no inner loop stores
// anything to the stack. (Clang with AVX-512 reads some inputs through the frame pointer of the
// workspace it placed on the stack: loads, not spills.)
#include <nonlin/activation/identity.hpp>
#include <nonlin/activation/relu.hpp>
#include <nonlin/network.hpp>
#include <nonlin/train/gradient.hpp>

namespace nl = nonlin;
using mlp = nl::network<nl::input<64>, nl::dense<128, nl::relu>, nl::dense<128, nl::relu>, nl::dense<10>>;

void mlp_gradient(const mlp& m, std::span<const float> in, std::span<const float> dloss, mlp& grad,
                  nl::gradient_workspace<mlp>& workspace) {
  nl::gradient(m, in, dloss, grad, workspace);
}

// CHECK-NOT: {{stack_store=[1-9]}}
// GCC-NOT: {{stack_load=[1-9]}}
// AVX2: == nonlin dense loop rows=6 packs=2 length=128
// AVX2-NEXT: mix: fma=24 broadcast=12 load=16 store=0 shuffle=0 call=0 stack_store=0 stack_load=0
// AVX512: == nonlin dense loop rows=6 packs=4 length=128
// AVX512-NEXT: mix: fma={{24|48}} broadcast={{6|12}} {{.*}} store=0 shuffle=0 call=0 stack_store=0
// CHECK-LABEL: == calls:
