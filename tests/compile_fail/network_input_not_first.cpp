// input<N> declares what the first layer reads, so it comes first and only once.
// Expected: "nonlin::network<input<N>, dense<...>...>: the first parameter must be nonlin::input<N>"
#include <nonlin/nonlin.hpp>

int main() {
  nonlin::network<nonlin::dense<2>, nonlin::input<2>, nonlin::dense<1>> m;
  return static_cast<int>(sizeof m);
}
