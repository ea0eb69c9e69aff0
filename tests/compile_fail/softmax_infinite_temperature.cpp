// An infinite temperature makes every logit 0 (or NaN): it is no longer a softmax of the input.
// Expected: "nonlin::softmax<Temperature>: the temperature must be finite and positive"
#include <limits>

#include <nonlin/activation/softmax.hpp>

int main() {
  return nonlin::softmax<std::numeric_limits<float>::infinity()>::name.empty() ? 1 : 0;
}
