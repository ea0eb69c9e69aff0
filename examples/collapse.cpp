// Lesson: without a non-linear activation, three layers are one. The program prints the merged
// weights W' = W3W2W1 and bias b' = W3W2b1 + W3b2 + b3 of a linear stack, shows both forms give the
// same outputs, then puts tanh in the middle and lets the compiler find inputs that prove the
// network is no longer affine. Last, the derivation itself, printed by the symbolic algebra.
#include <array>
#include <cstddef>
#include <cstdio>
#include <string>

#include <nonlin/activation/tanh.hpp>
#include <nonlin/expr/affine.hpp>
#include <nonlin/expr/collapse.hpp>
#include <nonlin/expr/describe_collapse.hpp>
#include <nonlin/symbolic/network_expression.hpp>
#include <nonlin/symbolic/print.hpp>
#include <nonlin/expr/witness.hpp>
#include <nonlin/network.hpp>

namespace nl = nonlin;

namespace {

using linear = nl::network<nl::input<3>, nl::dense<4>, nl::dense<4>, nl::dense<2>>;
using bent = nl::network<nl::input<3>, nl::dense<4>, nl::dense<4, nl::tanh>, nl::dense<2>>;

// Small halves and integers: every product is exact in float, so "equal" below means bit for bit.
template <class Net>
constexpr Net with_weights() {
  Net m;
  m.template layer<0>().weight = {1, 0.5f, 0, -1, 2, 0, 0.5f, 0, -1, 1, 1, 1};
  m.template layer<0>().bias = {0, 1, -0.5f, 0.25f};
  m.template layer<1>().weight = {0.5f, 0, 1, 0, -1, 1, 0, 0.5f, 0, 0, 2, -1, 1, 1, 0, 0};
  m.template layer<1>().bias = {1, 0, 0, -1};
  m.template layer<2>().weight = {1, -1, 0.5f, 0, 0, 2, 1, -0.5f};
  m.template layer<2>().bias = {0.5f, -2};
  return m;
}

constexpr linear m = with_weights<linear>();
constexpr bent m_tanh = with_weights<bent>();

template <std::size_t N>
std::string vector_text(const std::array<float, N>& v) {
  std::string s = "(";
  for (std::size_t i = 0; i < N; ++i) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%s%g", i ? ", " : "", static_cast<double>(v[i]));
    s += buffer;
  }
  return s + ")";
}
template <std::size_t N>
std::string vector_text(const std::array<double, N>& v) {
  std::array<float, N> f{};
  for (std::size_t i = 0; i < N; ++i) f[i] = static_cast<float>(v[i]);
  return vector_text(f);
}

}  // namespace

int main() {
  // The compiler merged the layers: W' and b' are constants of this program.
  constexpr auto merged = nl::affine_map(m);
  std::printf("1. A 3 → 4 → 4 → 2 network without activations is one layer, y = W'x + b'\n\n");
  for (std::size_t o = 0; o < 2; ++o) {
    std::printf("   %s [", o == 0 ? "W' =" : "    ");
    for (std::size_t i = 0; i < 3; ++i) std::printf("%7g", static_cast<double>(merged.weight[o * 3 + i]));
    std::printf(" ]");
    if (o == 1) std::printf("   b' = %s", vector_text(merged.bias).c_str());
    std::printf("\n");
  }
  std::printf("\n   %s\n\n", nl::describe_collapse<linear>().c_str());

  std::printf("2. The three layers and W'x + b' on a few inputs\n\n");
  constexpr std::array<std::array<float, 3>, 4> inputs{{{0, 0, 0}, {1, 2, 3}, {-1.5f, 0.5f, 4}, {10, -7, 0.25f}}};
  for (const auto& x : inputs) {
    const auto layered = m(x);
    const auto single = merged(x);
    std::printf("   x = %-18s three layers %-18s one layer %-18s %s\n", vector_text(x).c_str(),
                vector_text(layered).c_str(), vector_text(single).c_str(), layered == single ? "equal" : "DIFFERENT");
  }

  std::printf("\n3. tanh in the middle layer: is_affine_v is %s, and the compiler finds a witness\n\n",
              nl::is_affine_v<bent> ? "true" : "false");
  constexpr auto witness = nl::find_midpoint_witness(m_tanh);
  static_assert(witness.has_value(), "a network with tanh bends somewhere on the searched lines");
  std::array<double, 3> mid{};
  for (std::size_t i = 0; i < 3; ++i) mid[i] = (witness->x[i] + witness->y[i]) / 2;
  const auto fx = m_tanh(witness->x), fy = m_tanh(witness->y), fm = m_tanh(mid);
  std::printf("   x = %s, y = %s\n", vector_text(witness->x).c_str(), vector_text(witness->y).c_str());
  std::printf("   f((x + y)/2)    = (%.6f, %.6f)\n", fm[0], fm[1]);
  std::printf("   (f(x) + f(y))/2 = (%.6f, %.6f)\n", (fx[0] + fy[0]) / 2, (fx[1] + fy[1]) / 2);
  std::printf("   an affine map keeps midpoints; this one misses by %.6f\n", witness->gap);
  static_assert(!nl::find_midpoint_witness(m).has_value(), "the linear network keeps every midpoint");
  std::printf("   (the same search on the linear network finds nothing)\n\n");

  std::printf("4. The lecture's derivation, each line proved equal to the next by the compiler\n\n");
  using namespace nl::symbolic;
  constexpr auto h1 = W<1> * x + b<1>;
  constexpr auto h2 = W<2> * h1 + b<2>;
  constexpr auto y = W<3> * h2 + b<3>;
  static_assert(equivalent(y, W<3> * (W<2> * h1 + b<2>) + b<3>));
  static_assert(equivalent(y, W<3> * W<2> * W<1> * x + (W<3> * W<2> * b<1> + W<3> * b<2> + b<3>)));
  constexpr vector_symbol<"h1"> h1_named;
  constexpr vector_symbol<"h2"> h2_named;
  std::printf("   y = %s\n", to_string(W<3> * h2_named + b<3>).c_str());
  std::printf("     = %s\n", to_string(W<3> * (W<2> * h1_named + b<2>) + b<3>).c_str());
  std::printf("     = %s\n", to_string(y).c_str());
  std::printf("     = %s\n", to_affine_string(y).c_str());
  std::printf("     = W'·x + b'    (affine in x: %s)\n\n", is_affine_in_x(y) ? "yes" : "no");
  using tanh_expression = network_expression_t<bent>;
  std::printf("   with tanh: y = %s\n", to_string<tanh_expression>().c_str());
  std::printf("                = %s\n", to_normal_string<tanh_expression>().c_str());
  std::printf("   x stays inside tanh, so no W', b' exist (affine in x: %s)\n",
              is_affine_in_x_v<tanh_expression> ? "yes" : "no");
}
