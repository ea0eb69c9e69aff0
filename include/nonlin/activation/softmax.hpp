// nonlin/activation/softmax.hpp: softmax with temperature, p_i = e^(z_i/T) / Σ_j e^(z_j/T), row-wise.
// Offers a vectorised one-row kernel, a row-major batch, a run-time temperature, a lane-wise form
// for the fused network kernel (each SIMD lane a sample), constexpr evaluation and the backward map.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <nonlin/math/exp.hpp>
#include <nonlin/simd/pack.hpp>

namespace nonlin {

namespace detail {

// Sums of exponentials are accumulated one precision up: a float row sums in double, so that a
// long row loses nothing to the sum and the final division rounds once, to float. A pack of floats
// widens to two native packs of doubles (one wide vector would not be a native register). Doubles
// stay doubles.
template <class P>
struct widened_float_pack {
  static constexpr std::size_t half = simd::lanes_v<P> / 2;
  using halves = simd::vec<double, half>;
  halves low{};
  halves high{};

  constexpr widened_float_pack& operator+=(const widened_float_pack& other) noexcept {
    low += other.low;
    high += other.high;
    return *this;
  }
  friend constexpr widened_float_pack operator*(const widened_float_pack& a,
                                                const widened_float_pack& b) noexcept {
    return {a.low * b.low, a.high * b.high};
  }
};

template <class V>
constexpr auto widen(V x) noexcept {
  if constexpr (std::is_same_v<V, float>) {
    return static_cast<double>(x);
  } else if constexpr (simd::is_pack_v<V> && sizeof(simd::element_t<V>) == 4) {
    using W = widened_float_pack<V>;
    using F = simd::vec<float, W::half>;
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      const F low = __builtin_shufflevector(x, x, I...);
      const F high = __builtin_shufflevector(x, x, (I + W::half)...);
      return W{__builtin_convertvector(low, typename W::halves),
               __builtin_convertvector(high, typename W::halves)};
    }(std::make_index_sequence<W::half>{});
  } else {
    return x;
  }
}
template <class V>
using widened_t = decltype(widen(std::declval<V>()));

template <class V>
constexpr V narrow(const widened_t<V>& w) noexcept {
  if constexpr (simd::is_pack_v<V> && sizeof(simd::element_t<V>) == 4) {
    constexpr std::size_t half = widened_t<V>::half;
    using F = simd::vec<float, half>;
    const F low = __builtin_convertvector(w.low, F);
    const F high = __builtin_convertvector(w.high, F);
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return V{__builtin_shufflevector(low, high, I...)};
    }(std::make_index_sequence<2 * half>{});
  } else {
    return static_cast<V>(w);
  }
}

template <class W>
constexpr W reciprocal(const W& w) noexcept {
  if constexpr (requires { w.low; }) {
    return {1.0 / w.low, 1.0 / w.high};
  } else {
    return simd::broadcast<W>(1) / w;
  }
}

// e^((z − m)/t) for z <= m. The argument is formed as (z − m)/t, not z/t − m/t: z − m is exact
// whenever z and m are within a factor of two (Sterbenz) and otherwise rounded once, and it never
// overflows where z/t would (z = 3e38, t = 0.01); z/t − m/t instead rounds twice and then cancels.
// Even one rounding matters: e^a turns an absolute error δ in a into a relative error δ, and with
// |a| up to ~100 that is ~100 ULP. So both rounding errors (of z − m, by TwoSum, and of the
// division, exactly by an fma) are carried along and applied as the first-order factor (1 + δ).
template <class V>
constexpr V scaled_exp(V z, V m, simd::element_t<V> t, simd::element_t<V> inverse_t) noexcept {
  using T = simd::element_t<V>;
  const V d = z - m;
  const V m_part = d - z;  // TwoSum: how much of −m, and of z, made it into d
  const V z_part = d - m_part;
  const V rounding = (z - z_part) + (-m - m_part);
  const V a = d / t;
  const V remainder = simd::fma(-a, simd::broadcast<V>(t), d);
  V correction = (remainder + rounding) * inverse_t;
  // Infinite or overflowing operands make the correction NaN or huge; it is meaningless there.
  const V magnitude = simd::select<V>(correction < T(0), -correction, correction);
  correction = simd::select<V>(magnitude <= T(1), correction, simd::broadcast<V>(T(0)));
  // Where e^a is subnormal the correction would fall below its last bit; there e^(a + shift) is
  // corrected instead (a + shift is exact: a's last bit is coarser than the sum's) and scaled back
  // by e^-shift, so that the result is rounded once onto the subnormal grid.
  constexpr bool single = sizeof(T) == 4;
  constexpr T subnormal_below = single ? T(-87.33654) : T(-708.3964185322641);
  constexpr T shift = single ? T(64) : T(512);
  constexpr T inverse_exp_shift = single ? T(1.603810890548638e-28) : T(4.377491037053051e-223);
  const auto subnormal = a < subnormal_below;
  V e = math::exp(simd::select<V>(subnormal, a + shift, a));
  e = simd::fma(e, correction, e);
  return simd::select<V>(subnormal, e * inverse_exp_shift, e);
}

// Horizontal max and sum as a tree of log2(lanes) shuffles: the generic reductions walk the lanes
// one by one, a dependency chain that costs more than the rest of a 10-class row.
template <class V, class Combine>
inline simd::element_t<V> reduce_tree(V v, Combine combine) noexcept {
  constexpr std::size_t lanes = simd::lanes_v<V>;
  [&]<std::size_t... Step>(std::index_sequence<Step...>) {
    const auto fold = [&]<std::size_t Half>(std::integral_constant<std::size_t, Half>) {
      v = combine(v, [&]<std::size_t... I>(std::index_sequence<I...>) {
        return V{__builtin_shufflevector(v, v, ((I + Half) % lanes)...)};
      }(std::make_index_sequence<lanes>{}));
    };
    (fold(std::integral_constant<std::size_t, (lanes >> (Step + 1))>{}), ...);
  }(std::make_index_sequence<std::bit_width(lanes) - 1>{});
  return v[0];
}

// The first n (< lanes) elements of a row as a pack, the rest `fill`, and the way back. With
// AVX-512 a masked move does it in one instruction (masked-off lanes are never touched, so reading
// past the row cannot fault); elsewhere the generic element loop.
inline simd::float_pack load_tail(const float* p, std::size_t n, float fill) noexcept {
#if defined(__AVX512F__)
  if constexpr (sizeof(simd::float_pack) == 64) {
    const __mmask16 mask = static_cast<__mmask16>((1u << n) - 1u);
    return _mm512_mask_loadu_ps(_mm512_set1_ps(fill), mask, p);
  }
#endif
  return simd::load_partial<simd::float_pack>(p, n, fill);
}
inline void store_tail(float* p, simd::float_pack v, std::size_t n) noexcept {
#if defined(__AVX512F__)
  if constexpr (sizeof(simd::float_pack) == 64) {
    _mm512_mask_storeu_ps(p, static_cast<__mmask16>((1u << n) - 1u), v);
    return;
  }
#endif
  simd::store_partial(p, v, n);
}

// One row in memory: max, then exponentials (stored) and their sum, then one scaling pass. The
// tail of the row is one partial pack, filled with −inf: e^(−inf − m) = 0 adds nothing to the sum
// (and where m is ±inf the row is NaN anyway), so short rows, such as 10 classes, stay vectorised.
inline void softmax_row(const float* in, float* out, std::size_t n, float t) noexcept {
  using P = simd::float_pack;
  using W = widened_t<P>;
  constexpr std::size_t lanes = simd::lanes_v<P>;
  constexpr float inf = std::numeric_limits<float>::infinity();
  const std::size_t body = n - n % lanes;
  const std::size_t tail = n - body;
  const float inverse_t = 1.0f / t;

  // The maximum ignores NaN (a comparison with NaN is false); a NaN still poisons the sum below,
  // so a row holding a NaN comes out all NaN, as in torch.
  P max_pack = simd::broadcast<P>(-inf);
  for (std::size_t i = 0; i < body; i += lanes) {
    const P v = simd::load<P>(in + i);
    max_pack = simd::select<P>(v > max_pack, v, max_pack);
  }
  if (tail != 0) {
    const P v = load_tail(in + body, tail, -inf);
    max_pack = simd::select<P>(v > max_pack, v, max_pack);
  }
  const P m = simd::broadcast<P>(
      reduce_tree(max_pack, [](P a, P b) { return simd::select<P>(a > b, a, b); }));

  W sum_pack = {};
  for (std::size_t i = 0; i < body; i += lanes) {
    const P e = scaled_exp(simd::load<P>(in + i), m, t, inverse_t);
    simd::store(out + i, e);
    sum_pack += widen(e);
  }
  if (tail != 0) {
    const P e = scaled_exp(load_tail(in + body, tail, -inf), m, t, inverse_t);
    store_tail(out + body, e, tail);
    sum_pack += widen(e);
  }
  const double sum = reduce_tree(sum_pack.low + sum_pack.high,
                                 [](typename W::halves a, typename W::halves b) { return a + b; });

  // Scaling in double by the double reciprocal rounds each probability once to float.
  const auto inverse_sum_half = simd::broadcast<typename W::halves>(1.0 / sum);
  const W inverse_sum{inverse_sum_half, inverse_sum_half};
  for (std::size_t i = 0; i < body; i += lanes) {
    simd::store(out + i, narrow<P>(widen(simd::load<P>(out + i)) * inverse_sum));
  }
  if (tail != 0) {
    const P e = load_tail(out + body, tail, 0.0f);
    store_tail(out + body, narrow<P>(widen(e) * inverse_sum), tail);
  }
}

[[noreturn]] inline void throw_size_mismatch(std::string_view where, std::string_view in_name,
                                             std::size_t in_size, std::string_view out_name,
                                             std::size_t out_size) {
  throw std::invalid_argument(std::string(where) + ": " + std::string(in_name) + " has " +
                              std::to_string(in_size) + " elements but " + std::string(out_name) +
                              " has " + std::to_string(out_size));
}

inline void check_temperature(float temperature) {
  if (!(temperature > 0.0f && temperature <= std::numeric_limits<float>::max())) {
    throw std::invalid_argument("nonlin::softmax<>::apply: the temperature must be finite and "
                                "positive, got " + std::to_string(temperature));
  }
}

inline void softmax_rows(std::span<const float> in, std::span<float> out, std::size_t row_length,
                         float t) {
  constexpr std::string_view where = "nonlin::softmax::apply_rows";
  if (in.size() != out.size()) throw_size_mismatch(where, "in", in.size(), "out", out.size());
  if (row_length == 0) {
    throw std::invalid_argument(std::string(where) + ": row_length must be positive");
  }
  if (in.size() % row_length != 0) {
    throw std::invalid_argument(std::string(where) + ": " + std::to_string(in.size()) +
                                " elements are not a whole number of rows of " +
                                std::to_string(row_length));
  }
  for (std::size_t r = 0; r < in.size(); r += row_length) {
    softmax_row(in.data() + r, out.data() + r, row_length, t);
  }
}

}  // namespace detail

/// Softmax with temperature T over a row of logits: p_i = e^(z_i/T) / Σ_j e^(z_j/T). Higher T
/// spreads the distribution (higher entropy), lower T sharpens it; argmax and the sum (= 1) do not
/// depend on T. Special rows follow torch.softmax: a row holding NaN or +inf, or made only of −inf,
/// comes out all NaN; −inf next to a finite logit gets probability 0.
///
///   std::array<float, 3> p{};
///   nonlin::softmax<2.0f>::apply(std::array{1.0f, 2.0f, 3.0f}, p);
///   static_assert(nonlin::softmax<>::value(std::array{0.0, 0.0})[0] == 0.5);
template <float Temperature = 1.0f>
struct softmax {
  static_assert(Temperature > 0.0f && Temperature <= std::numeric_limits<float>::max(),
                "nonlin::softmax<Temperature>: the temperature must be finite and positive");

  static constexpr std::string_view name = "softmax";
  static constexpr bool is_elementwise = false;
  static constexpr float temperature = Temperature;

  /// One row: probs = softmax(logits / T). probs may be logits itself (in place).
  static void apply(std::span<const float> logits, std::span<float> probs) {
    if (logits.size() != probs.size()) {
      detail::throw_size_mismatch("nonlin::softmax::apply", "logits", logits.size(), "probs",
                                  probs.size());
    }
    detail::softmax_row(logits.data(), probs.data(), logits.size(), Temperature);
  }

  /// A row-major batch: every run of row_length elements is one row.
  static void apply_rows(std::span<const float> in, std::span<float> out, std::size_t row_length) {
    detail::softmax_rows(in, out, row_length, Temperature);
  }

  /// One row at a temperature chosen at run time (only on softmax<>, whose T would be ambiguous
  /// otherwise). Throws std::invalid_argument unless the temperature is finite and positive.
  static void apply(std::span<const float> logits, std::span<float> probs, float temperature)
    requires(Temperature == 1.0f)
  {
    detail::check_temperature(temperature);
    if (logits.size() != probs.size()) {
      detail::throw_size_mismatch("nonlin::softmax<>::apply", "logits", logits.size(), "probs",
                                  probs.size());
    }
    detail::softmax_row(logits.data(), probs.data(), logits.size(), temperature);
  }

  /// A row-major batch at a run-time temperature.
  static void apply_rows(std::span<const float> in, std::span<float> out, std::size_t row_length,
                         float temperature)
    requires(Temperature == 1.0f)
  {
    detail::check_temperature(temperature);
    detail::softmax_rows(in, out, row_length, temperature);
  }

  /// Softmax across the N elements of z, in place, separately in every lane: with V a SIMD pack,
  /// lane j of z[0..N) is the logit row of sample j. V is float, double or a pack of either.
  template <class V, std::size_t N>
  static constexpr void apply_lanes(std::array<V, N>& z) noexcept {
    using T = simd::element_t<V>;
    using W = detail::widened_t<V>;
    if constexpr (N > 0) {
      constexpr T t = static_cast<T>(Temperature);
      constexpr T inverse_t = T(1) / t;
      V m = z[0];
      for (std::size_t i = 1; i < N; ++i) m = simd::select<V>(z[i] > m, z[i], m);
      W sum{};
      for (std::size_t i = 0; i < N; ++i) {
        z[i] = detail::scaled_exp(z[i], m, t, inverse_t);
        sum += detail::widen(z[i]);
      }
      const W inverse_sum = detail::reciprocal(sum);
      for (std::size_t i = 0; i < N; ++i) z[i] = detail::narrow<V>(detail::widen(z[i]) * inverse_sum);
    }
  }

  /// softmax(z / T) as a new array; constexpr, so usable in static_assert.
  template <class T, std::size_t N>
  static constexpr std::array<T, N> value(const std::array<T, N>& z) noexcept {
    std::array<T, N> p = z;
    apply_lanes(p);
    return p;
  }

  /// The vector–Jacobian product for backprop: given p = softmax(z/T) and g = ∂L/∂p, returns
  /// ∂L/∂z = (1/T)·p⊙(g − ⟨g, p⟩). The Jacobian is never formed.
  template <class V, std::size_t N>
  static constexpr std::array<V, N> vjp(const std::array<V, N>& probs,
                                        const std::array<V, N>& grad_out) noexcept {
    using T = simd::element_t<V>;
    constexpr T t = static_cast<T>(Temperature);
    V dot{};
    for (std::size_t i = 0; i < N; ++i) dot = simd::fma(grad_out[i], probs[i], dot);
    std::array<V, N> grad_in{};
    for (std::size_t i = 0; i < N; ++i) grad_in[i] = probs[i] * (grad_out[i] - dot) / t;
    return grad_in;
  }
};

}  // namespace nonlin
