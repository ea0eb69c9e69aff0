// Without input<N> the first layer's width of input is unknown.
// Expected: "nonlin::network<input<N>, dense<...>...>: the first parameter must be nonlin::input<N>"
#include <nonlin/nonlin.hpp>

int main() {
  nonlin::network<nonlin::dense<2>, nonlin::dense<1>> m;
  return static_cast<int>(sizeof m);
}
