// A network must read at least one feature per sample.
// Expected: "nonlin::input<Features>: a network needs at least one input feature"
#include <nonlin/nonlin.hpp>

int main() {
  nonlin::network<nonlin::input<0>, nonlin::dense<1>> m;
  return static_cast<int>(m.parameter_count);
}
