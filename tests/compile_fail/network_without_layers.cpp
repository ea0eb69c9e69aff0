// An input alone is not a network: there must be at least one dense layer.
// Expected: "nonlin::network<input<N>, dense<...>...>: a network needs at least one dense layer"
#include <nonlin/nonlin.hpp>

int main() {
  nonlin::network<nonlin::input<2>> m;
  return static_cast<int>(sizeof m);
}
