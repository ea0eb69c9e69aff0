// elu<-1> would flip the negative branch upwards: the function would no longer be monotone.
// Expected: "nonlin::elu<Alpha>: Alpha must be finite and positive"
#include <nonlin/activation/elu.hpp>

int main() { return nonlin::elu<-1.0f>::value(-1.0f) < 0.0f ? 0 : 1; }
