// softmax<0> would divide the logits by zero.
// Expected: "nonlin::softmax<Temperature>: the temperature must be finite and positive"
#include <nonlin/activation/softmax.hpp>

int main() { return nonlin::softmax<0.0f>::name.empty() ? 1 : 0; }
