// Built for the x86-64 baseline (no -march: SSE2, 4 lanes, no fma instruction), the batch forward
// calls no libm function: the layers' products are multiplies and adds, the activations' fmas are
// emulated in double lanes (simd/pack.hpp), and no lane calls fmaf, for the register kernel (the
// lecture network) and the blocked one (a wide network) alike. The blocked kernel's loops call
// nothing; in a file with two networks GCC may call nonlin's own tanh out of line from the tiles
// (on 4 lanes, with its fmas emulated, it is four times the size it is on AVX2).
#include <nonlin/activation/relu.hpp>
#include <nonlin/activation/sigmoid.hpp>
#include <nonlin/activation/tanh.hpp>
#include <nonlin/network.hpp>

namespace nl = nonlin;
using lecture = nl::network<nl::input<2>, nl::dense<2, nl::tanh>, nl::dense<2, nl::tanh>, nl::dense<1, nl::sigmoid>>;
using wide = nl::network<nl::input<40>, nl::dense<128, nl::relu>, nl::dense<128, nl::tanh>, nl::dense<10>>;

void lecture_forward(const lecture& m, std::span<const float> in, std::span<float> out) {
  m.forward(in, out, nl::execution::sequential);
}
void wide_forward(const wide& m, std::span<const float> in, std::span<float> out) {
  m.forward(in, out, nl::execution::sequential);
}

// Every region's inner loop (the listing sorts them by name): no fma instruction (there is none),
// and no call in the blocked kernel's.
// BASELINE-LABEL: == nonlin dense loop rows=6 packs=2 length=40
// BASELINE-NEXT: mix: fma=0 {{.*}} call=0
// BASELINE-LABEL: == nonlin dense loop rows=6 packs=2 length=128
// BASELINE-NEXT: mix: fma=0 {{.*}} call=0
// BASELINE-LABEL: == nonlin register tiles group=1 lanes=4 depth=3
// BASELINE-NEXT: mix: fma=0
// BASELINE-LABEL: == nonlin register tiles group=4 lanes=4 depth=3
// BASELINE-NEXT: mix: fma=0
// And no function of the file calls fmaf (or any libm function).
// BASELINE-LABEL: == calls:
// BASELINE-NOT: {{ (std::)?(fmaf|fma|expf|tanhf|exp|tanh)( |$)}}
