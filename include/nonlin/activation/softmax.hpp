// nonlin/activation/softmax.hpp: softmax with temperature, p_i = e^(z_i/T) / Σ_j e^(z_j/T), row-wise.
// Offers a vectorised one-row kernel, a row-major batch, a run-time temperature, a lane-wise form
// for the fused network kernel (each SIMD lane a sample), constexpr evaluation and the backward map.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <concepts>
#include <cstddef>
#include <limits>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>

#include <nonlin/detail/argument_errors.hpp>
#include <nonlin/math/exp.hpp>
#include <nonlin/simd/arithmetic.hpp>
#include <nonlin/simd/pack.hpp>
#include <nonlin/simd/transpose.hpp>

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
};

template <class V>
constexpr auto widen(V x) noexcept {
  if constexpr (std::is_same_v<V, float>) {
    return static_cast<double>(x);
  } else if constexpr (simd::is_pack_v<V> && sizeof(simd::element_t<V>) == 4) {
    using W = widened_float_pack<V>;
    using F = simd::vec<float, W::half>;
    const auto halves = [&]<std::size_t... I>(std::index_sequence<I...>) {
      return std::pair<F, F>{__builtin_shufflevector(x, x, I...),
                             __builtin_shufflevector(x, x, (I + W::half)...)};
    }(std::make_index_sequence<W::half>{});
#if defined(__AVX512F__)
    // g++ 12 converts a generic 8-float half in two 128-bit pieces; one vcvtps2pd does it (the
    // all-ones zero-mask form, because the unmasked one reads an undefined vector, which -Wall flags).
    if constexpr (sizeof(V) == 64) {
      if (!std::is_constant_evaluated()) {
        return W{_mm512_maskz_cvtps_pd(static_cast<__mmask8>(-1), halves.first),
                 _mm512_maskz_cvtps_pd(static_cast<__mmask8>(-1), halves.second)};
      }
    }
#endif
    return W{__builtin_convertvector(halves.first, typename W::halves),
             __builtin_convertvector(halves.second, typename W::halves)};
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

// The temperature as the kernels use it: a = d·(1/T) costs a multiplication where d/T would cost
// a division. 1/T would overflow for a subnormal T; such a temperature is divided by instead.
template <class T>
struct temperature_factors {
  T t;
  T inverse_t;
  constexpr explicit temperature_factors(T temperature) noexcept
      : t(temperature), inverse_t(divides() ? T(0) : T(1) / temperature) {}
  constexpr bool divides() const noexcept { return t < std::numeric_limits<T>::min(); }
};

// e^((z − m)/t) for z <= m. The argument is formed as (z − m)/t, not z/t − m/t: z − m is exact
// whenever z and m are within a factor of two (Sterbenz) and otherwise rounded once, and it never
// overflows where z/t would (z = 3e38, t = 0.01); z/t − m/t instead rounds twice and then cancels.
// Even one rounding matters: e^a turns an absolute error δ in a into a relative error δ, and with
// |a| up to ~100 that is ~100 ULP. So both rounding errors, of z − m (TwoSum) and of a = d·(1/t)
// (the fma gives d − a·t exactly, so the error of 1/t itself is caught too), are carried along as
// a tail and joined to the exponential's range reduction, where they cost one fma and one add.
// The tail is clamped to ±2^-10 (the largest genuine tail is |a|·2^-22 ≈ 2.5e-5): where z − m or
// a overflow, or z is −inf, it is NaN or meaningless, and e^a is then 0 anyway.
template <bool Divides, class V>
constexpr V scaled_exp(V z, V m, temperature_factors<simd::element_t<V>> t) noexcept {
  using T = simd::element_t<V>;
  const V d = z - m;
  const V m_part = d - z;  // TwoSum: how much of −m, and of z, made it into d
  const V z_part = d - m_part;
  const V rounding = (z - z_part) + (-m - m_part);
  const V a = Divides ? d / t.t : d * t.inverse_t;
  const V remainder = simd::fma(-a, simd::broadcast<V>(t.t), d);
  V tail = Divides ? (remainder + rounding) / t.t : (remainder + rounding) * t.inverse_t;
  constexpr T bound = T(0x1p-10);
  tail = simd::max(simd::min(tail, simd::broadcast<V>(bound)), simd::broadcast<V>(-bound));
  return math::detail::exp_nonpositive(a, tail);
}

// Every exponential of a row divided by their sum s, each probability rounded once. For float, 1/s
// is computed in double and split into float parts high + low (together 48 bits of it), and
// e·high + e·low is one fma: the same result as rounding the double product e·(1/s), at the cost
// of two float operations instead of four conversions. Doubles take 1/s as it is.
template <class V>
struct reciprocal_parts {
  V high{};
  V low{};

  constexpr reciprocal_parts(V high_part, V low_part) noexcept : high(high_part), low(low_part) {}
  constexpr explicit reciprocal_parts(const widened_t<V>& sum) noexcept {
    if constexpr (requires { sum.low; }) {
      const typename widened_t<V>::halves one = simd::broadcast<typename widened_t<V>::halves>(1);
      const widened_t<V> inverse{one / sum.low, one / sum.high};
      high = narrow<V>(inverse);
      const widened_t<V> high_wide = widen(high);
      low = narrow<V>(widened_t<V>{inverse.low - high_wide.low, inverse.high - high_wide.high});
    } else if constexpr (std::is_same_v<simd::element_t<V>, float>) {
      const double inverse = 1.0 / sum;
      high = static_cast<V>(inverse);
      low = static_cast<V>(inverse - static_cast<double>(high));
    } else {
      high = simd::broadcast<V>(1) / sum;
      low = V{};
    }
  }
  constexpr V times(V e) const noexcept {
    if constexpr (std::is_same_v<simd::element_t<V>, float>) {
      return simd::fma(e, high, e * low);
    } else {
      return e * high;
    }
  }
};

// Softmax across the N elements of z, separately in every lane; see softmax::apply_lanes.
template <bool Divides, class V, std::size_t N>
constexpr void softmax_lanes(std::array<V, N>& z, temperature_factors<simd::element_t<V>> t) noexcept {
  if constexpr (N > 0) {
    V m = z[0];
    for (std::size_t i = 1; i < N; ++i) m = simd::select<V>(z[i] > m, z[i], m);
    widened_t<V> sum{};
    for (std::size_t i = 0; i < N; ++i) {
      z[i] = scaled_exp<Divides>(z[i], m, t);
      sum += widen(z[i]);
    }
    const reciprocal_parts<V> inverse_sum(sum);
    for (std::size_t i = 0; i < N; ++i) z[i] = inverse_sum.times(z[i]);
  }
}
template <class V, std::size_t N>
constexpr void softmax_lanes(std::array<V, N>& z, simd::element_t<V> temperature) noexcept {
  const temperature_factors<simd::element_t<V>> t(temperature);
  if (t.divides()) {
    softmax_lanes<true>(z, t);
  } else {
    softmax_lanes<false>(z, t);
  }
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

// One row in memory, in three passes: the maximum; the exponentials, stored, and their sum; one
// scaling pass. The tail of the row is one partial pack, filled with −inf: e^(−inf − m) = 0 adds
// nothing to the sum (and where m is ±inf the row is NaN anyway), so short rows stay vectorised.
template <bool Divides>
inline void softmax_row(const float* in, float* out, std::size_t n,
                        temperature_factors<float> t) noexcept {
  using P = simd::float_pack;
  using W = widened_t<P>;
  constexpr std::size_t lanes = simd::lanes_v<P>;
  constexpr float inf = std::numeric_limits<float>::infinity();
  const std::size_t body = n - n % lanes;
  const std::size_t tail = n - body;

  // Two running maxima, so that the max instructions' latency overlaps. A NaN may or may not
  // become the maximum; either way it poisons the sum below, so a row holding a NaN comes out all
  // NaN, as in torch.
  P max_even = simd::broadcast<P>(-inf);
  P max_odd = max_even;
  std::size_t i = 0;
  for (; i + 2 * lanes <= body; i += 2 * lanes) {
    max_even = simd::max(simd::load<P>(in + i), max_even);
    max_odd = simd::max(simd::load<P>(in + i + lanes), max_odd);
  }
  if (i < body) max_even = simd::max(simd::load<P>(in + i), max_even);
  if (tail != 0) max_odd = simd::max(load_tail(in + body, tail, -inf), max_odd);
  const P m = simd::broadcast<P>(
      reduce_tree(simd::max(max_even, max_odd), [](P a, P b) { return simd::max(a, b); }));

  W sum_pack = {};
  for (i = 0; i < body; i += lanes) {
    const P e = scaled_exp<Divides>(simd::load<P>(in + i), m, t);
    simd::store(out + i, e);
    sum_pack += widen(e);
  }
  if (tail != 0) {
    const P e = scaled_exp<Divides>(load_tail(in + body, tail, -inf), m, t);
    store_tail(out + body, e, tail);
    sum_pack += widen(e);
  }
  const double sum = reduce_tree(sum_pack.low + sum_pack.high,
                                 [](typename W::halves a, typename W::halves b) { return a + b; });

  const reciprocal_parts<float> scalar_parts(sum);  // a scalar division, then broadcast
  const reciprocal_parts<P> inverse_sum(simd::broadcast<P>(scalar_parts.high),
                                        simd::broadcast<P>(scalar_parts.low));
  for (i = 0; i < body; i += lanes) simd::store(out + i, inverse_sum.times(simd::load<P>(out + i)));
  if (tail != 0) store_tail(out + body, inverse_sum.times(load_tail(out + body, tail, 0.0f)), tail);
}

// The run-time entry points are templates on the float type, though only float is offered, so that a
// translation unit that includes softmax but never calls them does not instantiate their 16 kernels.
template <std::same_as<float> Float>
inline void softmax_row(const Float* in, Float* out, std::size_t n, Float temperature) noexcept {
  const temperature_factors<Float> t(temperature);
  if (t.divides()) {
    softmax_row<true>(in, out, n, t);
  } else {
    softmax_row<false>(in, out, n, t);
  }
}

// Rows of Width <= 16 floats, a tile of `lanes` rows at a time: the tile is transposed into Width
// packs (one per class, one row per lane), normalised lane-wise as apply_lanes does, and
// transposed back. A row of 10 would fill only 10 of 16 lanes of a pack, and its max and sum would
// each need a shuffle tree; across lanes every instruction does useful work. The last rows that do
// not fill a tile are padded with zero rows in a buffer, so every row gets the same arithmetic.
template <std::size_t Width>
void softmax_short_rows(const float* in, float* out, std::size_t rows, float temperature) noexcept {
  constexpr std::size_t tile = kernel_lanes;
  const temperature_factors<float> t(temperature);
  const auto normalise = [&](std::array<kernel_pack, Width>& z) {
    if (t.divides()) {
      softmax_lanes<true>(z, t);
    } else {
      softmax_lanes<false>(z, t);
    }
  };
  std::size_t r = 0;
  for (; r + tile <= rows; r += tile) {
    auto z = load_transposed<Width>(in + r * Width);
    normalise(z);
    store_transposed<Width>(z, out + r * Width);
  }
  if (r < rows) {
    std::array<float, tile * Width> buffer{};
    const std::size_t count = (rows - r) * Width;
    std::copy(in + r * Width, in + r * Width + count, buffer.begin());
    auto z = load_transposed<Width>(buffer.data());
    normalise(z);
    store_transposed<Width>(z, buffer.data());
    std::copy(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(count), out + r * Width);
  }
}

inline constexpr std::size_t longest_short_row = 16;

inline void check_temperature(float temperature) {
  if (!(temperature > 0.0f && temperature <= std::numeric_limits<float>::max())) throw_bad_temperature(temperature);
}

template <std::same_as<float> Float>
inline void softmax_rows(std::span<const Float> in, std::span<Float> out, std::size_t row_length, Float t) {
  constexpr std::string_view where = "nonlin::softmax::apply_rows";
  if (in.size() != out.size()) throw_size_mismatch(where, "in", in.size(), "out", out.size());
  if (row_length == 0 || in.size() % row_length != 0) throw_bad_rows(where, in.size(), row_length);
  const std::size_t rows = in.size() / row_length;
  if (row_length <= longest_short_row) {
    [&]<std::size_t... Width>(std::index_sequence<Width...>) {
      ((row_length == Width + 1 ? softmax_short_rows<Width + 1>(in.data(), out.data(), rows, t) : void()), ...);
    }(std::make_index_sequence<longest_short_row>{});
    return;
  }
  const temperature_factors<float> factors(t);
  for (std::size_t r = 0; r < in.size(); r += row_length) {
    if (factors.divides()) {
      softmax_row<true>(in.data() + r, out.data() + r, row_length, factors);
    } else {
      softmax_row<false>(in.data() + r, out.data() + r, row_length, factors);
    }
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
    detail::softmax_lanes(z, static_cast<simd::element_t<V>>(Temperature));
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
