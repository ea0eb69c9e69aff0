// A deliberate data race inside an OpenMP parallel region. Built only under ThreadSanitizer, with the
// suppressions and environment of the concurrency tests: the test passes when ThreadSanitizer
// reports the race (its message is the test's pass condition), so that the suppressions are shown not to hide races in a program's
// own parallel code.
#include <cstdio>

int main() {
  int shared = 0;
#pragma omp parallel num_threads(4)
  { shared += 1; }  // the race
  std::printf("%d\n", shared);
  return 0;
}
