// A negative temperature would turn softmax into softmin.
// Expected: "nonlin::softmax<Temperature>: the temperature must be finite and positive"
#include <nonlin/activation/softmax.hpp>

int main() { return nonlin::softmax<-1.0f>::name.empty() ? 1 : 0; }
