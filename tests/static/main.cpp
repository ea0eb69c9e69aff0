// static_proofs: the static_assert suites (collapse.cpp, numeric.cpp, symbolic.cpp) are proved when
// this executable compiles; the test cases here check what only runs: the printed text.
#define BOOST_TEST_MODULE static_proofs
#include <boost/test/unit_test.hpp>

#include <string>

#include <nonlin/describe.hpp>
#include <nonlin/expr/describe_collapse.hpp>
#include <nonlin/network.hpp>

namespace nl = nonlin;

BOOST_AUTO_TEST_CASE(describe_collapse_names_each_run_its_shape_and_its_cost) {
  using net = nl::network<nl::input<4>, nl::dense<4>, nl::dense<4>, nl::dense<2>>;
  BOOST_TEST(nl::describe_collapse<net>() ==
             "layers 1\u20133 (identity run) merge into one 4\u21922 layer: 80 \u2192 16 FLOPs per sample (merged)");
}

BOOST_AUTO_TEST_CASE(describe_collapse_says_when_a_bottleneck_stays_unmerged) {
  using net = nl::network<nl::input<256>, nl::dense<8>, nl::dense<256>>;
  BOOST_TEST(nl::describe_collapse<net>() ==
             "layers 1\u20132 (identity run) would merge into one 256\u2192256 layer: 8192 \u2192 131072 FLOPs per "
             "sample (kept unmerged: cheaper)");
}

BOOST_AUTO_TEST_CASE(describe_collapse_says_when_there_is_nothing_to_merge) {
  using net = nl::network<nl::input<2>, nl::dense<3>>;
  BOOST_TEST(nl::describe_collapse<net>() == "no run of identity layers to merge");
}

BOOST_AUTO_TEST_CASE(describe_ends_with_what_merging_does) {
  using net = nl::network<nl::input<4>, nl::dense<4>, nl::dense<4>, nl::dense<2>>;
  const std::string text = nl::describe<net>();
  BOOST_TEST_MESSAGE(text);
  BOOST_TEST(text.ends_with(nl::describe_collapse<net>() + "\n"));
}
