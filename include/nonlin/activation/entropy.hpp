// nonlin/activation/entropy.hpp: Shannon entropy H(p) = −Σ p_i·ln p_i of a probability row, in nats.
// It measures how spread out a softmax output is: 0 for a one-hot row, ln n for a uniform row of n,
// and it grows with the softmax temperature. By convention 0·ln 0 = 0.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <type_traits>

#include <nonlin/math/log.hpp>
#include <nonlin/simd/pack.hpp>

namespace nonlin {

namespace detail {

// −p·ln p, and 0 at p = ±0 (the limit), where p·ln p would be 0·(−inf) = NaN. The logarithm is taken
// of 1 instead of 0 there, so that no NaN is ever formed (constant evaluation rejects one). A NaN or
// negative p still gives NaN: it is not a probability.
template <class V>
constexpr V entropy_term(V p) noexcept {
  using T = simd::element_t<V>;
  const V safe_p = simd::select<V>(p == T(0), simd::broadcast<V>(T(1)), p);
  return -(p * math::log(safe_p));
}

}  // namespace detail

/// Entropy of a row of probabilities, natural log. The terms are computed and summed in double, so
/// the result is the exact entropy of the given floats rounded once (for rows up to millions long).
///
///   float h = nonlin::entropy(std::vector<float>{0.5f, 0.5f});   // ln 2
constexpr float entropy(std::span<const float> probs) noexcept {
  double h = 0.0;
  for (const float p : probs) h += detail::entropy_term(static_cast<double>(p));
  return static_cast<float>(h);
}

/// Entropy of a fixed-size row, usable in constant expressions. V is float, double or a SIMD pack
/// (one entropy per lane). Floats are summed in double; other lane types with a compensated sum
/// (Neumaier), which makes the sum's rounding error independent of N.
///
///   static_assert(nonlin::entropy(std::array{1.0, 0.0, 0.0}) == 0.0);
template <class V, std::size_t N>
constexpr V entropy(const std::array<V, N>& probs) noexcept {
  if constexpr (std::is_same_v<V, float>) {
    double h = 0.0;
    for (const float p : probs) h += detail::entropy_term(static_cast<double>(p));
    return static_cast<float>(h);
  } else {
    using T = simd::element_t<V>;
    V sum = simd::broadcast<V>(T(0));
    V compensation = simd::broadcast<V>(T(0));
    for (const V& p : probs) {
      const V term = detail::entropy_term(p);
      const V t = sum + term;
      const auto sum_is_larger = (sum < T(0) ? -sum : sum) >= (term < T(0) ? -term : term);
      compensation += simd::select<V>(sum_is_larger, (sum - t) + term, (term - t) + sum);
      sum = t;
    }
    return sum + compensation;
  }
}

}  // namespace nonlin
