// The lecture's comparison of activation functions, measured rather than recited: every number in
// the table is computed by nonlin. Output range from the limits at ±infinity (open where a finite
// input never reaches it), zero-centring from the values themselves, the gradient at growing |x|
// (saturation), the region where the gradient is exactly zero (dead units), and softmax with
// temperature on one 10-class logit vector, with the entropy of each distribution.
#include <nonlin/activation/elu.hpp>
#include <nonlin/activation/entropy.hpp>
#include <nonlin/activation/identity.hpp>
#include <nonlin/activation/leaky_relu.hpp>
#include <nonlin/activation/relu.hpp>
#include <nonlin/activation/sigmoid.hpp>
#include <nonlin/activation/softmax.hpp>
#include <nonlin/activation/tanh.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

namespace nl = nonlin;

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

std::string number(double x) {
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", x);
  return text;
}

// The output range: the limits at ±infinity; a bound is closed when some finite input already
// reaches it (relu(-10) = 0), open when it is only approached (sigmoid(-10) > 0).
template <class A>
std::string output_range(double& low, double& high) {
  low = A::value(-infinity);
  high = A::value(infinity);
  if (low > high) std::swap(low, high);
  const double at_minus = A::value(-10.0);
  const double at_plus = A::value(10.0);
  const bool low_reached = std::isfinite(low) && std::min(at_minus, at_plus) == low;
  const bool high_reached = std::isfinite(high) && std::max(at_minus, at_plus) == high;
  std::string range = low_reached ? "[" : "(";
  range += number(low);
  range += ", ";
  range += number(high);
  range += high_reached ? "]" : ")";
  return range;
}

// Zero-centred: value(0) = 0 and the function is odd (outputs balance around 0); "partly" when it
// passes through 0 and takes both signs but leans to one; "no" when it cannot go below 0.
template <class A>
std::string zero_centred(double low, double high) {
  if (A::value(0.0) != 0.0 || !(low < 0.0 && high > 0.0)) return "no";
  for (double x : {0.5, 1.0, 2.0, 5.0, 50.0}) {
    if (A::value(-x) != -A::value(x)) return "partly";
  }
  return "yes";
}

// Where the gradient is exactly zero, scanned on a grid of step 1/64 over [-100, 100] (so 0 is on
// it): the inputs for which a unit stops learning. Saturation is not on this list: σ'(-100) is
// tiny, but not zero.
template <class A>
std::string dead_region() {
  constexpr int steps_per_unit = 64;
  constexpr int limit = 100 * steps_per_unit;
  std::string region;
  int run_start = 0;
  bool in_run = false;
  for (int k = -limit; k <= limit + 1; ++k) {
    const bool dead =
        k <= limit && A::derivative(static_cast<float>(k) / steps_per_unit) == 0.0f;
    if (dead && !in_run) run_start = k;
    if (!dead && in_run) {
      if (!region.empty()) region += ", ";
      const double a = static_cast<double>(run_start) / steps_per_unit;
      const double b = static_cast<double>(k - 1) / steps_per_unit;
      if (run_start == -limit) {
        region += "x <= ";
        region += number(b);
      } else {
        region += "[";
        region += number(a);
        region += ", ";
        region += number(b);
        region += "]";
      }
    }
    in_run = dead;
  }
  return region.empty() ? "none" : region;
}

template <class A>
void print_row(const char* label) {
  double low = 0, high = 0;
  const std::string range = output_range<A>(low, high);
  std::printf("%-16s %-12s %-8s", label, range.c_str(), zero_centred<A>(low, high).c_str());
  for (float x : {0.0f, 2.0f, -2.0f, 5.0f, -5.0f, 10.0f, -10.0f}) {
    std::printf(" %9s", number(A::derivative(x)).c_str());
  }
  std::printf("   %s\n", dead_region<A>().c_str());
}

// Why a gradient is exactly zero: on a whole half-line next to 0 (a dead unit), or only far out,
// where the saturated gradient underflows the float range.
template <class A>
void print_dead_note(const char* label) {
  const std::string region = dead_region<A>();
  if (region == "none") return;
  const bool dead_half_line = A::derivative(-1.0f) == 0.0f;
  std::printf("%s: f' is exactly 0 for %s, %s\n", label, region.c_str(),
              dead_half_line ? "so a unit whose input stays there never learns again (dead)"
                             : "where the saturated gradient underflows float");
}

template <float Temperature>
float print_softmax(const std::vector<float>& logits) {
  std::vector<float> p(logits.size());
  nl::softmax<Temperature>::apply(logits, p);
  const float h = nl::entropy(p);
  double sum = 0;
  std::printf("T = %-5g", static_cast<double>(Temperature));
  for (float pi : p) {
    std::printf(" %6.3f", static_cast<double>(pi));
    sum += pi;
  }
  const auto top = std::max_element(p.begin(), p.end()) - p.begin();
  std::printf("   %-9.3g %5.3f %d\n", static_cast<double>(h), sum, static_cast<int>(top));
  return h;
}

}  // namespace

int main() {
  std::printf("Activation functions, measured by nonlin\n\n");
  std::printf("%-16s %-12s %-8s %9s %9s %9s %9s %9s %9s %9s   %s\n", "activation", "range",
              "centred", "f'(0)", "f'(2)", "f'(-2)", "f'(5)", "f'(-5)", "f'(10)", "f'(-10)",
              "f' = 0 exactly (|x| <= 100)");
  print_row<nl::identity>("identity");
  print_row<nl::sigmoid>("sigmoid");
  print_row<nl::tanh>("tanh");
  print_row<nl::relu>("relu");
  print_row<nl::leaky_relu<0.1f>>("leaky_relu<0.1>");
  print_row<nl::elu<1.0f>>("elu<1>");
  std::printf("\nsigmoid and tanh saturate: f' shrinks towards 0 as |x| grows, so large pre-activations\n"
              "learn slowly. Leaky ReLU keeps its slope for x < 0; ELU's gradient there fades like e^x.\n");
  print_dead_note<nl::sigmoid>("sigmoid");
  print_dead_note<nl::tanh>("tanh");
  print_dead_note<nl::relu>("relu");
  print_dead_note<nl::leaky_relu<0.1f>>("leaky_relu<0.1>");
  print_dead_note<nl::elu<1.0f>>("elu<1>");
  std::printf("\n");

  const std::vector<float> logits{2.0f, 1.0f, 0.1f, 5.0f, 3.2f, -1.0f, 0.5f, 4.1f, -2.3f, 1.7f};
  std::printf("softmax(z / T) of the logits z =");
  for (float z : logits) std::printf(" %g", static_cast<double>(z));
  std::printf("\n%-9s", "");
  for (std::size_t i = 0; i < logits.size(); ++i) std::printf(" %6zu", i);
  std::printf("   %-9s %5s %s\n", "entropy", "sum", "argmax");
  const std::array entropies{print_softmax<0.01f>(logits), print_softmax<1.0f>(logits),
                             print_softmax<5.0f>(logits)};
  const bool grows = entropies[0] < entropies[1] && entropies[1] < entropies[2];
  std::printf("\nEntropy %s with the temperature: a higher T spreads the probabilities (more\n"
              "uncertainty, up to ln 10 = %.3f for a uniform row), a lower T concentrates them on the\n"
              "largest logit; the argmax and the sum of 1 stay the same.\n",
              grows ? "grows" : "does NOT grow", std::log(10.0));
}
