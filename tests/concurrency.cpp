// One const network shared by many threads: forward (on the calling thread, and with OpenMP's
// threads inside each), the one-sample call and describe give, on every thread, the bits one thread
// gets alone. CI runs this file under ThreadSanitizer too (Clang with LLVM's OpenMP and its Archer
// annotations), so that a data race fails it even when the results happen to agree.
#define BOOST_TEST_MODULE concurrency
#include <boost/test/unit_test.hpp>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <nonlin/activation/identity.hpp>
#include <nonlin/activation/relu.hpp>
#include <nonlin/activation/sigmoid.hpp>
#include <nonlin/activation/softmax.hpp>
#include <nonlin/activation/tanh.hpp>
#include <nonlin/describe.hpp>
#include <nonlin/network.hpp>

namespace nl = nonlin;

namespace {

// One network per kernel: registers (narrow), blocked with the workspace on the stack, blocked with
// the workspace thread_local (2048 inputs wide: two buffers of 2048 × tile floats exceed 256 KiB),
// and a softmax over the accumulators.
using narrow = nl::network<nl::input<2>, nl::dense<2, nl::tanh>, nl::dense<2, nl::tanh>, nl::dense<1, nl::sigmoid>>;
using wide = nl::network<nl::input<40>, nl::dense<128, nl::relu>, nl::dense<128, nl::tanh>, nl::dense<10>>;
using very_wide = nl::network<nl::input<2048>, nl::dense<16, nl::relu>, nl::dense<4>>;
using classifier = nl::network<nl::input<16>, nl::dense<32, nl::relu>, nl::dense<5, nl::softmax<>>>;

constexpr std::size_t threads = 8;

template <class Net>
Net random_network(unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 0.5f);
  Net m;
  nl::for_each_layer(m, [&](auto& layer) {
    for (auto& w : layer.weight) w = normal(rng);
    for (auto& b : layer.bias) b = normal(rng);
  });
  return m;
}

std::vector<float> random_inputs(std::size_t count, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uniform(-2.0f, 2.0f);
  std::vector<float> v(count);
  for (auto& x : v) x = uniform(rng);
  return v;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::bit_cast<std::uint32_t>(a[i]) != std::bit_cast<std::uint32_t>(b[i])) return false;
  return true;
}

// What one thread computes alone: the batch (sequential), every sample through m(x), describe.
template <class Net>
struct results {
  std::vector<float> batch, samples;
  std::string description;
};

template <class Net>
results<Net> compute(const Net& m, const std::vector<float>& in, std::size_t n, int policy) {
  results<Net> r;
  r.batch.resize(n * Net::outputs);
  const std::span<const float> input(in);
  if (policy == 0) m.forward(input, r.batch, nl::execution::sequential);
  if (policy == 1) m.forward(input, r.batch, nl::execution::parallel);
  if (policy == 2) m.forward(input, r.batch);
  for (std::size_t s = 0; s < n; s += 7) {  // every 7th sample through the one-sample call
    std::array<float, Net::inputs> x;
    std::copy_n(in.begin() + static_cast<std::ptrdiff_t>(s * Net::inputs), Net::inputs, x.begin());
    const auto y = m(x);
    r.samples.insert(r.samples.end(), y.begin(), y.end());
  }
  r.description = nl::describe<Net>();
  return r;
}

template <class Net>
void check_shared_network(std::size_t n, unsigned seed) {
  const Net m = random_network<Net>(seed);
  const auto in = random_inputs(n * Net::inputs, seed + 1);
  const auto alone = compute(m, in, n, 0);
  // Every thread runs every policy in turn; parallel and automatic start OpenMP teams inside the
  // threads.
  std::vector<std::array<results<Net>, 3>> got(threads);
  std::vector<std::thread> pool;
  for (std::size_t t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (int policy = 0; policy < 3; ++policy) got[t][static_cast<std::size_t>(policy)] = compute(m, in, n, policy);
    });
  for (auto& thread : pool) thread.join();
  for (std::size_t t = 0; t < threads; ++t)
    for (std::size_t p = 0; p < 3; ++p) {
      BOOST_TEST(same_bits(got[t][p].batch, alone.batch), "thread " << t << ", policy " << p << ": batch");
      BOOST_TEST(same_bits(got[t][p].samples, alone.samples), "thread " << t << ", policy " << p << ": samples");
      BOOST_TEST(got[t][p].description == alone.description);
    }
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_narrow_network_shared_by_eight_threads_gives_the_results_of_one) {
  check_shared_network<narrow>(5003, 1);  // above the threshold from which forward goes parallel
}

BOOST_AUTO_TEST_CASE(a_wide_network_shared_by_eight_threads_gives_the_results_of_one) {
  check_shared_network<wide>(301, 2);
}

BOOST_AUTO_TEST_CASE(thread_local_workspaces_of_a_very_wide_network_do_not_interfere) {
  check_shared_network<very_wide>(97, 3);
}

BOOST_AUTO_TEST_CASE(a_softmax_classifier_shared_by_eight_threads_gives_the_results_of_one) {
  check_shared_network<classifier>(1009, 4);
}
