// bench/fma_peak.hpp: one core's fma peak, measured the same way by every benchmark that reports a
// fraction of it: independent chains of vector fmas on registers, in assembly so that no compiler
// keeps them in memory. More chains than latency × pipes (4 cycles × 2 pipes on Zen 3, 4 and 5):
// 16 zmm chains with AVX-512, 12 ymm chains with AVX2 (its 16 registers hold them and the two
// operands). On other targets the peak is not measured (NaN).
#pragma once

#include <algorithm>
#include <cmath>
#include <ctime>

namespace nonlin_bench {

/// CPU time of the calling thread, so that a loaded machine skews no rate.
inline double thread_seconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

/// Runs `iterations` turns of the chains; returns the floating-point operations done (2 per lane of
/// each fma), or 0 on a target without the assembly.
inline double fma_chains(long iterations) {
  const float b = 0.99999f, c = 1e-6f;
  const long turns = iterations;
#if defined(__AVX512F__)
  asm volatile(
      "vbroadcastss %1, %%zmm16\n\t"
      "vbroadcastss %2, %%zmm17\n\t"
      "vmovaps %%zmm17, %%zmm0\n\t vmovaps %%zmm17, %%zmm1\n\t vmovaps %%zmm17, %%zmm2\n\t"
      "vmovaps %%zmm17, %%zmm3\n\t vmovaps %%zmm17, %%zmm4\n\t vmovaps %%zmm17, %%zmm5\n\t"
      "vmovaps %%zmm17, %%zmm6\n\t vmovaps %%zmm17, %%zmm7\n\t vmovaps %%zmm17, %%zmm8\n\t"
      "vmovaps %%zmm17, %%zmm9\n\t vmovaps %%zmm17, %%zmm10\n\t vmovaps %%zmm17, %%zmm11\n\t"
      "vmovaps %%zmm17, %%zmm12\n\t vmovaps %%zmm17, %%zmm13\n\t vmovaps %%zmm17, %%zmm14\n\t"
      "vmovaps %%zmm17, %%zmm15\n\t"
      "1:\n\t"
      "vfmadd213ps %%zmm17, %%zmm16, %%zmm0\n\t vfmadd213ps %%zmm17, %%zmm16, %%zmm1\n\t"
      "vfmadd213ps %%zmm17, %%zmm16, %%zmm2\n\t vfmadd213ps %%zmm17, %%zmm16, %%zmm3\n\t"
      "vfmadd213ps %%zmm17, %%zmm16, %%zmm4\n\t vfmadd213ps %%zmm17, %%zmm16, %%zmm5\n\t"
      "vfmadd213ps %%zmm17, %%zmm16, %%zmm6\n\t vfmadd213ps %%zmm17, %%zmm16, %%zmm7\n\t"
      "vfmadd213ps %%zmm17, %%zmm16, %%zmm8\n\t vfmadd213ps %%zmm17, %%zmm16, %%zmm9\n\t"
      "vfmadd213ps %%zmm17, %%zmm16, %%zmm10\n\t vfmadd213ps %%zmm17, %%zmm16, %%zmm11\n\t"
      "vfmadd213ps %%zmm17, %%zmm16, %%zmm12\n\t vfmadd213ps %%zmm17, %%zmm16, %%zmm13\n\t"
      "vfmadd213ps %%zmm17, %%zmm16, %%zmm14\n\t vfmadd213ps %%zmm17, %%zmm16, %%zmm15\n\t"
      "dec %0\n\t"
      "jnz 1b\n\t"
      : "+r"(iterations)
      : "m"(b), "m"(c)
      : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
        "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "xmm16", "xmm17", "cc");
  return static_cast<double>(turns) * 16 * 16 * 2;
#elif defined(__AVX2__) && defined(__FMA__)
  asm volatile(
      "vbroadcastss %1, %%ymm14\n\t"
      "vbroadcastss %2, %%ymm15\n\t"
      "vmovaps %%ymm15, %%ymm0\n\t vmovaps %%ymm15, %%ymm1\n\t vmovaps %%ymm15, %%ymm2\n\t"
      "vmovaps %%ymm15, %%ymm3\n\t vmovaps %%ymm15, %%ymm4\n\t vmovaps %%ymm15, %%ymm5\n\t"
      "vmovaps %%ymm15, %%ymm6\n\t vmovaps %%ymm15, %%ymm7\n\t vmovaps %%ymm15, %%ymm8\n\t"
      "vmovaps %%ymm15, %%ymm9\n\t vmovaps %%ymm15, %%ymm10\n\t vmovaps %%ymm15, %%ymm11\n\t"
      "1:\n\t"
      "vfmadd213ps %%ymm15, %%ymm14, %%ymm0\n\t vfmadd213ps %%ymm15, %%ymm14, %%ymm1\n\t"
      "vfmadd213ps %%ymm15, %%ymm14, %%ymm2\n\t vfmadd213ps %%ymm15, %%ymm14, %%ymm3\n\t"
      "vfmadd213ps %%ymm15, %%ymm14, %%ymm4\n\t vfmadd213ps %%ymm15, %%ymm14, %%ymm5\n\t"
      "vfmadd213ps %%ymm15, %%ymm14, %%ymm6\n\t vfmadd213ps %%ymm15, %%ymm14, %%ymm7\n\t"
      "vfmadd213ps %%ymm15, %%ymm14, %%ymm8\n\t vfmadd213ps %%ymm15, %%ymm14, %%ymm9\n\t"
      "vfmadd213ps %%ymm15, %%ymm14, %%ymm10\n\t vfmadd213ps %%ymm15, %%ymm14, %%ymm11\n\t"
      "dec %0\n\t"
      "jnz 1b\n\t"
      : "+r"(iterations)
      : "m"(b), "m"(c)
      : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
        "xmm11", "xmm14", "xmm15", "cc");
  return static_cast<double>(turns) * 12 * 8 * 2;
#else
  (void)b, (void)c, (void)turns;
  return 0.0;
#endif
}

/// The best of five runs of 2·10⁷ turns, in floating-point operations per second; NaN where the
/// target has no assembly path.
inline double measure_fma_peak() {
  double best = 0.0;
  for (int trial = 0; trial < 5; ++trial) {
    const double t0 = thread_seconds();
    const double flops = fma_chains(20'000'000);
    best = std::max(best, flops / (thread_seconds() - t0));
  }
  return best > 0.0 ? best : std::nan("");
}

}  // namespace nonlin_bench
