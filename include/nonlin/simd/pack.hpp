// nonlin/simd/pack.hpp: the SIMD vector type every kernel is written against.
// A pack is a GCC/Clang vector extension of `lanes` floats; the width follows the compile target
// (16 floats with AVX-512, 8 with AVX2, 4 with SSE), so one generic kernel gives every path.
// Math in nonlin is written once, as templates over the "lane type" V, which is either a scalar
// (float, double: constexpr, usable in static_assert) or a pack (the vectorised path).
#pragma once

#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

#if defined(__AVX512F__) || defined(__AVX2__) || defined(__FMA__)
#include <immintrin.h>
#endif

namespace nonlin::simd {

/// Bytes of the widest vector register the compile target offers.
#if defined(__AVX512F__)
inline constexpr std::size_t register_bytes = 64;
#elif defined(__AVX2__) || defined(__AVX__)
inline constexpr std::size_t register_bytes = 32;
#else
inline constexpr std::size_t register_bytes = 16;
#endif

/// Name of the vectorised path chosen at compile time, for reports: "avx512", "avx2", "neon"
/// (AArch64, whose Advanced SIMD every core has), "sse+fma", or "sse" (x86-64 without -march: no fma
/// instruction; see has_fma_instruction).
#if defined(__AVX512F__)
inline constexpr const char* target_name = "avx512";
#elif defined(__AVX2__)
inline constexpr const char* target_name = "avx2";
#elif defined(__aarch64__)
inline constexpr const char* target_name = "neon";
#elif defined(__FMA__)
inline constexpr const char* target_name = "sse+fma";
#else
inline constexpr const char* target_name = "sse";
#endif

/// Whether the target multiplies and adds with one rounding in one instruction. Without it (x86-64
/// built for the baseline, SSE2), fma below is emulated exactly in double lanes, and multiply_add
/// is a multiply and an add, rounding twice.
#if defined(__FMA__) || defined(__aarch64__)
inline constexpr bool has_fma_instruction = true;
#else
inline constexpr bool has_fma_instruction = false;
#endif

/// A vector of `Lanes` values of type T (a GCC vector extension: +, -, *, /, comparisons, ?:).
template <class T, std::size_t Lanes>
struct vector_type {
  typedef T type __attribute__((vector_size(Lanes * sizeof(T))));
};
template <class T, std::size_t Lanes>
using vec = typename vector_type<T, Lanes>::type;

/// Lanes of T in one native register.
template <class T>
inline constexpr std::size_t native_lanes = register_bytes / sizeof(T);

/// The native pack of floats and of doubles.
using float_pack = vec<float, native_lanes<float>>;
using double_pack = vec<double, native_lanes<double>>;

/// True for vector-extension types (packs), false for plain scalars.
template <class V>
inline constexpr bool is_pack_v = !std::is_arithmetic_v<V> && requires(V v) { v[0]; };

/// Element type of a lane type: float for float and for float packs.
template <class V>
struct element {
  using type = V;
};
template <class V>
  requires is_pack_v<V>
struct element<V> {
  using type = std::remove_cvref_t<decltype(std::declval<V>()[0])>;
};
template <class V>
using element_t = typename element<V>::type;

/// Lanes in V: 1 for a scalar.
template <class V>
inline constexpr std::size_t lanes_v = sizeof(V) / sizeof(element_t<V>);

/// The signed integer lane type of the same width (int32 for float, int64 for double).
template <class T>
using int_for = std::conditional_t<sizeof(T) == 4, std::int32_t, std::int64_t>;

template <class V>
struct int_lane {
  using type = int_for<V>;
};
template <class V>
  requires is_pack_v<V>
struct int_lane<V> {
  using type = vec<int_for<element_t<V>>, lanes_v<V>>;
};
/// Integer lane type matching V: int32_t for float, a pack of int32 for a pack of floats.
template <class V>
using int_lane_t = typename int_lane<V>::type;

/// The result of a comparison: bool for scalars, an integer pack (all ones where true) for packs.
template <class V>
using mask_t = std::conditional_t<is_pack_v<V>, int_lane_t<V>, bool>;

/// A lane type filled with one value.
template <class V>
constexpr V broadcast(element_t<V> x) noexcept {
  if constexpr (is_pack_v<V>) {
    // x − 0 is x for every x (−0 included, where 0 + x would give +0), so the compiler drops the
    // subtraction and emits one vbroadcastss, which also folds into an fma's memory operand.
    return x - V{};
  } else {
    return x;
  }
}

/// Lane-wise choice: where `m` is true take `a`, else `b` (GCC's vector ?: for packs).
template <class V>
constexpr V select(mask_t<V> m, V a, V b) noexcept {
  return m ? a : b;
}

/// Reinterpret the bits of V as its integer lane type, and back.
template <class V>
constexpr int_lane_t<V> to_bits(V x) noexcept {
  return std::bit_cast<int_lane_t<V>>(x);
}
template <class V>
constexpr V from_bits(int_lane_t<V> i) noexcept {
  return std::bit_cast<V>(i);
}

/// Lane-wise conversion between float/double/integer lane types of the same lane count.
template <class To, class V>
constexpr To convert(V x) noexcept {
  if constexpr (is_pack_v<V>) {
    return __builtin_convertvector(x, To);
  } else {
    return static_cast<To>(x);
  }
}

namespace detail {

// fma in constant evaluation for compilers that do not fold the builtin (Clang 19). For float the
// product is exact in double and the sum rounds once to double; rounding that to float again could
// round twice where the double lands exactly halfway between two floats, so there the double is
// moved one ulp towards the exact sum first (round to odd), which makes the float rounding correct.
// For double, Dekker's exact product and Knuth's exact sum give the result to within the error of the
// final addition: correctly rounded except, rarely, in the last bit.
constexpr void two_sum(double a, double b, double& s, double& e) noexcept {
  s = a + b;
  const double bb = s - a;
  e = (a - (s - bb)) + (b - bb);
}
constexpr float fma_by_double(float a, float b, float c) noexcept {
  const double p = static_cast<double>(a) * static_cast<double>(b);  // exact: 24 + 24 bits < 53
  double s = 0, e = 0;
  two_sum(p, static_cast<double>(c), s, e);
  auto bits = std::bit_cast<std::uint64_t>(s);
  constexpr std::uint64_t below_float = (std::uint64_t{1} << 29) - 1;  // double bits a float drops
  if (e != 0 && (bits & below_float) == (std::uint64_t{1} << 28))
    bits += ((e > 0) == (s > 0)) ? 1 : -1;  // off the midpoint, towards the exact value
  return static_cast<float>(std::bit_cast<double>(bits));
}
// The same for a pack of floats, two lanes at a time in SSE2's double lanes: what fma is where the
// target has no fma instruction. Exact as long as the result is a normal float (a subnormal result
// rounds from the double sum, which can differ from the fused result in its last bit). The midpoint
// test reads each double's low 32-bit word (it holds the 29 bits a float drops) with 32-bit compares,
// and the correction nudges the sum by |s|·2^-50 (4 to 8 ulps of the double, far less than half a
// float ulp) towards the exact value, so that every step is a native 16-byte operation.
[[gnu::always_inline]] inline vec<double, 2> fma_double_lanes(vec<double, 2> a, vec<double, 2> b,
                                                             vec<double, 2> c) noexcept {
  using D = vec<double, 2>;
  using I = vec<std::int64_t, 2>;
  using W = vec<std::int32_t, 4>;
  const D p = a * b;  // exact: 24 + 24 bits < 53
  const D s = p + c;
  const D bb = s - p;
  const D e = (p - (s - bb)) + (c - bb);
  const W low = (W)s & ((std::int32_t{1} << 29) - 1);
  const W at_midpoint = low == (std::int32_t{1} << 28);
  const I halfway = (I)__builtin_shufflevector(at_midpoint, at_midpoint, 0, 0, 2, 2) & (e != 0);
  constexpr std::int64_t sign = std::int64_t{1} << 63;
  const D magnitude = (D)((I)s & ~sign) * 0x1p-50;
  const D nudge = (D)((I)magnitude | ((I)e & sign));
  return (D)(((I)(s + nudge) & halfway) | ((I)s & ~halfway));
}

template <class V, std::size_t... Pair>
[[gnu::always_inline]] inline V fma_pack_by_double(V a, V b, V c, std::index_sequence<Pair...>) noexcept {
  using D = vec<double, 2>;
  using F = vec<float, 2>;
  // Each pair of lanes widened, fused in double, narrowed; then the pairs put back together.
  const F narrowed[] = {__builtin_convertvector(
      fma_double_lanes(__builtin_convertvector(__builtin_shufflevector(a, a, 2 * Pair, 2 * Pair + 1), D),
                       __builtin_convertvector(__builtin_shufflevector(b, b, 2 * Pair, 2 * Pair + 1), D),
                       __builtin_convertvector(__builtin_shufflevector(c, c, 2 * Pair, 2 * Pair + 1), D)),
      F)...};
  V r;
  for (std::size_t k = 0; k < sizeof...(Pair); ++k) r[2 * k] = narrowed[k][0], r[2 * k + 1] = narrowed[k][1];
  return r;
}
constexpr double fma_by_parts(double a, double b, double c) noexcept {
  constexpr double split = 134217729.0;  // 2^27 + 1
  auto halves = [](double x, double& hi, double& lo) {
    const double t = split * x;
    hi = t - (t - x);
    lo = x - hi;
  };
  double ah = 0, al = 0, bh = 0, bl = 0;
  halves(a, ah, al);
  halves(b, bh, bl);
  const double p = a * b;
  const double ep = ((ah * bh - p) + ah * bl + al * bh) + al * bl;  // p + ep = a·b exactly
  double s = 0, es = 0;
  two_sum(p, c, s, es);
  return s + (ep + es);
}

}  // namespace detail

/// a*b + c with one rounding. The standard fma is not constexpr in C++20; GCC folds the builtin in
/// constant expressions, Clang does not (detail::fma_by_double stands in); packs use the target's FMA
/// instruction when it has one, so the scalar and the vectorised paths round identically.
template <class V>
constexpr V fma(V a, V b, V c) noexcept {
  if constexpr (!is_pack_v<V>) {
#if defined(__clang__)
    if (std::is_constant_evaluated()) {
      if (a != a || b != b || c != c) return a + b + c;  // Clang rejects arithmetic that makes a NaN
      if constexpr (sizeof(V) == 4)
        return detail::fma_by_double(a, b, c);
      else
        return detail::fma_by_parts(a, b, c);
    }
#endif
    // GCC does not fold the builtin for a NaN operand; the sum propagates it the same way.
    if (std::is_constant_evaluated() && (a != a || b != b || c != c)) return a + b + c;
    if constexpr (sizeof(V) == 4) {
      return __builtin_fmaf(a, b, c);
    } else {
      return __builtin_fma(a, b, c);
    }
  } else {
#if defined(__AVX512F__)
    if constexpr (sizeof(V) == 64 && sizeof(element_t<V>) == 4) {
      return _mm512_fmadd_ps(a, b, c);
    } else if constexpr (sizeof(V) == 64) {
      return _mm512_fmadd_pd(a, b, c);
    }
#endif
#if defined(__FMA__)
    if constexpr (sizeof(V) == 32 && sizeof(element_t<V>) == 4) {
      return _mm256_fmadd_ps(a, b, c);
    } else if constexpr (sizeof(V) == 32) {
      return _mm256_fmadd_pd(a, b, c);
    } else if constexpr (sizeof(V) == 16 && sizeof(element_t<V>) == 4) {
      return _mm_fmadd_ps(a, b, c);
    } else if constexpr (sizeof(V) == 16) {
      return _mm_fmadd_pd(a, b, c);
    }
#endif
#if !defined(__FMA__) && (defined(__x86_64__) || defined(__i386__))
    // No fma instruction: in double lanes rather than a libm call per lane.
    if constexpr (sizeof(element_t<V>) == 4)
      return detail::fma_pack_by_double(a, b, c, std::make_index_sequence<lanes_v<V> / 2>{});
#endif
    V r;
    for (std::size_t i = 0; i < lanes_v<V>; ++i) r[i] = fma(a[i], b[i], c[i]);
    return r;
  }
}

/// a*b + c for the matrix products: fma where the target has the instruction (one rounding, the
/// same bits as fma), otherwise a multiply and an add (two roundings, as Eigen and PyTorch compute
/// a product on such a CPU), because an exact fma emulated there costs about five times as much.
/// The activations keep fma: their error bounds are proved with it.
template <class V>
[[gnu::always_inline]] constexpr V multiply_add(V a, V b, V c) noexcept {
  if constexpr (has_fma_instruction)
    return fma(a, b, c);
  else
    return a * b + c;
}

/// Round to the nearest integer (ties to even) in floating point: adding and subtracting
/// 1.5·2^23 (2^52 for double) does it in the current rounding mode, for |x| < 2^22, and is constexpr.
template <class V>
constexpr V round_to_integer(V x) noexcept {
  using T = element_t<V>;
  constexpr T shifter = sizeof(T) == 4 ? T(12582912.0) : T(6755399441055744.0);
  return (x + shifter) - shifter;
}

/// Unaligned load and store of a whole pack (memcpy compiles to one vector move).
template <class V>
inline V load(const element_t<V>* p) noexcept {
  V v;
  std::memcpy(&v, p, sizeof(V));
  return v;
}
template <class V>
inline void store(element_t<V>* p, V v) noexcept {
  std::memcpy(p, &v, sizeof(V));
}

/// Load the first n (< lanes) elements and fill the rest with `fill`: the tail of a span.
template <class V>
inline V load_partial(const element_t<V>* p, std::size_t n, element_t<V> fill = 0) noexcept {
  V v = broadcast<V>(fill);
  for (std::size_t i = 0; i < n; ++i) v[i] = p[i];
  return v;
}
template <class V>
inline void store_partial(element_t<V>* p, V v, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) p[i] = v[i];
}

}  // namespace nonlin::simd
