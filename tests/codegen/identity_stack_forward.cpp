// Three identity layers, 3 → 8 → 8 → 2, are one affine map: forward merges them (eval/merge.hpp) and
// the tile does one 3 → 2 layer's work, 6 fmas (each of the 2 merged biases starts its sum), instead
// of the 3·8 + 8·8 + 8·2 = 104 that the layers as declared would take.
#include <nonlin/activation/identity.hpp>
#include <nonlin/network.hpp>

namespace nl = nonlin;
using identity_stack = nl::network<nl::input<3>, nl::dense<8, nl::identity>, nl::dense<8, nl::identity>,
                                   nl::dense<2, nl::identity>>;

void identity_stack_forward(const identity_stack& m, std::span<const float> in, std::span<float> out) {
  m.forward(in, out, nl::execution::sequential);
}

// A large batch runs the merged network (depth=1): 6 fmas per tile of one pack, and the tiles that go
// together (3 with AVX2's registers, 4 with AVX-512's) take 6 each. A batch too small to repay the
// merge runs the layers as declared (depth=3), so their kernels are in the program too.
// CHECK-LABEL: == nonlin register tiles group=1 lanes={{8|16}} depth=1
// CHECK-NEXT: mix: fma=6 {{.*}} call=0 stack_store=0
// AVX2-LABEL: == nonlin register tiles group=3 lanes=8 depth=1
// AVX2-NEXT: mix: fma=18 {{.*}} call=0
// AVX512-LABEL: == nonlin register tiles group=4 lanes=16 depth=1
// AVX512-NEXT: mix: fma=24 {{.*}} call=0 stack_store=0
// CHECK-LABEL: == calls:
