// bench/torch_blas.hpp: which BLAS libtorch's matrix products run on. Debian's libtorch calls
// whatever library the libblas.so.3 alternative names: the reference (netlib) BLAS unless an
// optimised one is installed (libopenblas0-pthread switches it). The benchmarks print the one this
// run uses, and keep OpenBLAS, which starts threads of its own, on one.
#pragma once

#include <dlfcn.h>

#include <cstdio>

namespace nonlin_bench {

inline void report_torch_blas() {
  Dl_info info{};
  void* sgemm = dlsym(RTLD_DEFAULT, "sgemm_");
  const char* path = sgemm != nullptr && dladdr(sgemm, &info) != 0 ? info.dli_fname : "not found";
  using set_threads = void (*)(int);
  if (auto* openblas = reinterpret_cast<set_threads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
    openblas(1);
    std::printf("libtorch's BLAS: OpenBLAS, one thread (%s)\n", path);
  } else {
    std::printf("libtorch's BLAS: %s, not OpenBLAS (apt-get install libopenblas0-pthread for a fair peer)\n",
                path);
  }
}

}  // namespace nonlin_bench
