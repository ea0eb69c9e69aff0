// A second input<N> in the middle of the layers is a mistake, not a reshaping.
// Expected: "nonlin::network<input<N>, dense<...>...>: input<N> may appear only once, as the first parameter"
#include <nonlin/nonlin.hpp>

int main() {
  nonlin::network<nonlin::input<2>, nonlin::dense<2>, nonlin::input<2>, nonlin::dense<1>> m;
  return static_cast<int>(sizeof m);
}
