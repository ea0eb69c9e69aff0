// Weights in safetensors: the naming convention, bit-exact round trips, dtype conversion, and one
// case per defect that load_safetensors must reject with a message naming file, tensor and cause.
#define BOOST_TEST_MODULE safetensors
#include <boost/test/unit_test.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <nonlin/activation/elu.hpp>
#include <nonlin/activation/relu.hpp>
#include <nonlin/activation/tanh.hpp>
#include <nonlin/io/safetensors.hpp>
#include <nonlin/io/tensor.hpp>
#include <nonlin/network.hpp>

namespace nl = nonlin;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// Shapes: 0.weight [3, 2], 0.bias [3], 1.weight [1, 3], 1.bias [1].
using small_net = nl::network<nl::input<2>, nl::dense<3>, nl::dense<1>>;

// Every test writes its files into a directory of its own, removed afterwards.
struct temp_dir {
  fs::path path;
  temp_dir() {
    const auto& test = boost::unit_test::framework::current_test_case();
    path = fs::temp_directory_path() /
           ("nonlin-safetensors-" + std::to_string(std::random_device{}()) + "-" + test.p_name.get());
    fs::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path operator/(const std::string& name) const { return path / name; }
};

struct tensor_spec {
  std::string name;
  std::string dtype;
  std::vector<std::size_t> shape;
  std::vector<unsigned char> bytes;
};

template <class UInt>
void append_le(std::vector<unsigned char>& out, UInt v) {
  for (std::size_t i = 0; i < sizeof(UInt); ++i) out.push_back(static_cast<unsigned char>(v >> (8 * i)));
}

std::vector<unsigned char> f32_bytes(std::initializer_list<float> values) {
  std::vector<unsigned char> b;
  for (const float v : values) append_le(b, std::bit_cast<std::uint32_t>(v));
  return b;
}
std::vector<unsigned char> f64_bytes(std::initializer_list<double> values) {
  std::vector<unsigned char> b;
  for (const double v : values) append_le(b, std::bit_cast<std::uint64_t>(v));
  return b;
}
std::vector<unsigned char> u16_bytes(std::initializer_list<std::uint16_t> values) {
  std::vector<unsigned char> b;
  for (const auto v : values) append_le(b, v);
  return b;
}

// A valid file for small_net, with position names; the cases below break one thing at a time.
std::vector<tensor_spec> valid_tensors() {
  return {{"0.weight", "F32", {3, 2}, f32_bytes({1, 2, 3, 4, 5, 6})},
          {"0.bias", "F32", {3}, f32_bytes({0.5f, -0.5f, 0.25f})},
          {"1.weight", "F32", {1, 3}, f32_bytes({-1, -2, -3})},
          {"1.bias", "F32", {1}, f32_bytes({0.125f})}};
}

// The header for tensors stored back to back, in the order given.
json header_for(const std::vector<tensor_spec>& tensors) {
  json header = json::object();
  std::size_t offset = 0;
  for (const auto& t : tensors) {
    header[t.name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {offset, offset + t.bytes.size()}}};
    offset += t.bytes.size();
  }
  return header;
}

void write_raw(const fs::path& path, const std::string& header, const std::vector<unsigned char>& data,
               std::uint64_t header_length) {
  std::vector<unsigned char> bytes;
  append_le(bytes, header_length);
  bytes.insert(bytes.end(), header.begin(), header.end());
  bytes.insert(bytes.end(), data.begin(), data.end());
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                               static_cast<std::streamsize>(bytes.size()));
}
void write_raw(const fs::path& path, const std::string& header, const std::vector<unsigned char>& data) {
  write_raw(path, header, data, header.size());
}

std::vector<unsigned char> data_of(const std::vector<tensor_spec>& tensors) {
  std::vector<unsigned char> data;
  for (const auto& t : tensors) data.insert(data.end(), t.bytes.begin(), t.bytes.end());
  return data;
}

void write_tensors(const fs::path& path, const std::vector<tensor_spec>& tensors) {
  write_raw(path, header_for(tensors).dump(), data_of(tensors));
}

// Loading `path` as small_net must throw format_error whose message contains every fragment.
void check_rejected(const fs::path& path, std::initializer_list<std::string> fragments) {
  try {
    (void)nl::load_safetensors<small_net>(path);
    BOOST_ERROR("load_safetensors accepted a defective file: " << path);
  } catch (const nl::format_error& e) {
    const std::string message = e.what();
    BOOST_TEST_MESSAGE("rejected as: " << message);
    BOOST_TEST(message.find(path.string()) != std::string::npos, "the message names the file: " << message);
    for (const auto& fragment : fragments)
      BOOST_TEST(message.find(fragment) != std::string::npos, "expected \"" << fragment << "\" in: " << message);
  }
}

template <class Net>
Net random_network(unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  Net m;
  nl::for_each_layer(m, [&](auto& layer) {
    for (auto& w : layer.weight) w = normal(rng);
    for (auto& b : layer.bias) b = normal(rng);
  });
  return m;
}

template <class Net>
void check_bitwise_equal(const Net& a, const Net& b) {
  std::size_t compared = 0;
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    auto compare = [&](const auto& x, const auto& y) {
      for (std::size_t i = 0; i < x.size(); ++i, ++compared)
        BOOST_TEST(std::bit_cast<std::uint32_t>(x[i]) == std::bit_cast<std::uint32_t>(y[i]));
    };
    ((compare(a.template layer<K>().weight, b.template layer<K>().weight),
      compare(a.template layer<K>().bias, b.template layer<K>().bias)),
     ...);
  }(std::make_index_sequence<Net::depth>{});
  BOOST_TEST(compared == Net::parameter_count);
}

json header_of(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char length_bytes[8];
  in.read(reinterpret_cast<char*>(length_bytes), 8);
  std::uint64_t length = 0;
  for (int i = 0; i < 8; ++i) length |= std::uint64_t{length_bytes[i]} << (8 * i);
  std::string text(length, '\0');
  in.read(text.data(), static_cast<std::streamsize>(length));
  return json::parse(text);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Round trips and naming

BOOST_AUTO_TEST_CASE(save_then_load_gives_back_every_float_bit_for_bit) {
  temp_dir dir;
  using net = nl::network<nl::input<5>, nl::dense<7>, nl::dense<4>, nl::dense<3>>;
  auto m = random_network<net>(7);
  // Values whose bits are easy to lose: signed zero, a subnormal, the extremes of float.
  m.layer<0>().weight[0] = -0.0f;
  m.layer<0>().weight[1] = std::numeric_limits<float>::denorm_min();
  m.layer<0>().weight[2] = std::numeric_limits<float>::max();
  m.layer<0>().weight[3] = std::numeric_limits<float>::lowest();
  m.layer<1>().bias[0] = std::nextafter(1.0f, 2.0f);
  nl::save_safetensors(m, dir / "m.safetensors");
  check_bitwise_equal(m, nl::load_safetensors<net>(dir / "m.safetensors"));
}

BOOST_AUTO_TEST_CASE(save_names_tensors_as_torch_sequential_would) {
  // Identity layers add no activation module, so consecutive Linear modules take consecutive indices.
  temp_dir dir;
  using net = nl::network<nl::input<2>, nl::dense<3>, nl::dense<2>>;
  nl::save_safetensors(random_network<net>(1), dir / "m.safetensors");
  const auto header = header_of(dir / "m.safetensors");
  for (const char* name : {"0.weight", "0.bias", "1.weight", "1.bias"})
    BOOST_TEST(header.contains(name), name);
  BOOST_TEST(header["0.weight"]["shape"] == json({3, 2}));
  BOOST_TEST(header["1.bias"]["shape"] == json({2}));
  BOOST_TEST(header["__metadata__"]["format"] == "pt");
  BOOST_TEST(header["__metadata__"]["nonlin_type"] == "nl::network<nl::input<2>, nl::dense<3>, nl::dense<2>>");
  BOOST_TEST(header.size() == 5u);
}

BOOST_AUTO_TEST_CASE(saved_header_is_padded_so_the_data_starts_8_byte_aligned) {
  temp_dir dir;
  nl::save_safetensors(random_network<small_net>(2), dir / "m.safetensors");
  const std::size_t header_length = header_of(dir / "m.safetensors").dump().size();
  const std::size_t data_start = fs::file_size(dir / "m.safetensors") - 4 * small_net::parameter_count;
  BOOST_TEST(data_start % 8 == 0);
  BOOST_TEST(data_start >= 8 + header_length);
}

BOOST_AUTO_TEST_CASE(the_layer_with_the_ith_smallest_index_becomes_layer_i) {
  // torch.nn.Sequential(Linear, Tanh, Dropout, Linear) names its Linear modules 0 and 3.
  temp_dir dir;
  auto tensors = valid_tensors();
  tensors[2].name = "3.weight";
  tensors[3].name = "3.bias";
  write_tensors(dir / "m.safetensors", tensors);
  const auto m = nl::load_safetensors<small_net>(dir / "m.safetensors");
  BOOST_TEST(m.layer<0>().weight == (std::array<float, 6>{1, 2, 3, 4, 5, 6}));
  BOOST_TEST(m.layer<0>().bias == (std::array<float, 3>{0.5f, -0.5f, 0.25f}));
  BOOST_TEST(m.layer<1>().weight == (std::array<float, 3>{-1, -2, -3}));
  BOOST_TEST(m.layer<1>().bias == (std::array<float, 1>{0.125f}));
}

BOOST_AUTO_TEST_CASE(indices_are_ordered_as_numbers_not_as_strings) {
  // "10.weight" sorts before "2.weight" as text; layer order must follow the numbers.
  temp_dir dir;
  auto tensors = valid_tensors();
  tensors[0].name = "2.weight";
  tensors[1].name = "2.bias";
  tensors[2].name = "10.weight";
  tensors[3].name = "10.bias";
  write_tensors(dir / "m.safetensors", tensors);
  const auto m = nl::load_safetensors<small_net>(dir / "m.safetensors");
  BOOST_TEST(m.layer<0>().weight[5] == 6.0f);
  BOOST_TEST(m.layer<1>().bias[0] == 0.125f);
}

BOOST_AUTO_TEST_CASE(metadata_and_tensor_order_in_the_file_do_not_matter) {
  temp_dir dir;
  auto tensors = valid_tensors();
  std::swap(tensors[0], tensors[3]);  // data stored in another order than the layers
  auto header = header_for(tensors);
  header["__metadata__"] = {{"format", "pt"}, {"anything", "at all"}};
  write_raw(dir / "m.safetensors", header.dump(), data_of(tensors));
  const auto m = nl::load_safetensors<small_net>(dir / "m.safetensors");
  BOOST_TEST(m.layer<0>().weight[0] == 1.0f);
  BOOST_TEST(m.layer<1>().bias[0] == 0.125f);
}

BOOST_AUTO_TEST_CASE(a_header_padded_with_spaces_loads) {
  temp_dir dir;
  const auto tensors = valid_tensors();
  write_raw(dir / "m.safetensors", header_for(tensors).dump() + "       ", data_of(tensors));
  BOOST_TEST(nl::load_safetensors<small_net>(dir / "m.safetensors").layer<0>().weight[1] == 2.0f);
}

// ---------------------------------------------------------------------------------------------
// dtype conversion

BOOST_AUTO_TEST_CASE(f64_tensors_are_rounded_to_the_nearest_float) {
  temp_dir dir;
  auto tensors = valid_tensors();
  // 0.1 and 1 + 2⁻³⁰ are not floats: they round to 0.1f and 1.0f; 1 + 3·2⁻²⁴ is a tie that rounds to even.
  tensors[0] = {"0.weight", "F64", {3, 2}, f64_bytes({0.1, 1.0 + std::ldexp(1.0, -30), 1.0 + 3 * std::ldexp(1.0, -24),
                                                       -2.5, 1e-40, 3.0})};
  write_tensors(dir / "m.safetensors", tensors);
  const auto w = nl::load_safetensors<small_net>(dir / "m.safetensors").layer<0>().weight;
  BOOST_TEST(w[0] == 0.1f);
  BOOST_TEST(w[1] == 1.0f);
  BOOST_TEST(w[2] == 1.0f + 4 * std::ldexp(1.0f, -24));
  BOOST_TEST(w[3] == -2.5f);
  BOOST_TEST(w[4] == static_cast<float>(1e-40));  // a float subnormal
  BOOST_TEST(w[5] == 3.0f);
}

BOOST_AUTO_TEST_CASE(f16_tensors_convert_exactly) {
  temp_dir dir;
  auto tensors = valid_tensors();
  // 1, -2, 65504 (largest half), 2⁻²⁴ (smallest subnormal), 2⁻¹⁴ (smallest normal), -0.
  tensors[0] = {"0.weight", "F16", {3, 2}, u16_bytes({0x3c00, 0xc000, 0x7bff, 0x0001, 0x0400, 0x8000})};
  write_tensors(dir / "m.safetensors", tensors);
  const auto w = nl::load_safetensors<small_net>(dir / "m.safetensors").layer<0>().weight;
  BOOST_TEST(w[0] == 1.0f);
  BOOST_TEST(w[1] == -2.0f);
  BOOST_TEST(w[2] == 65504.0f);
  BOOST_TEST(w[3] == std::ldexp(1.0f, -24));
  BOOST_TEST(w[4] == std::ldexp(1.0f, -14));
  BOOST_TEST(std::bit_cast<std::uint32_t>(w[5]) == 0x80000000u);
}

BOOST_AUTO_TEST_CASE(bf16_tensors_convert_exactly) {
  temp_dir dir;
  auto tensors = valid_tensors();
  tensors[1] = {"0.bias", "BF16", {3}, u16_bytes({0x3f80, 0x4049, 0xbf00})};  // 1, 3.140625, -0.5
  write_tensors(dir / "m.safetensors", tensors);
  const auto b = nl::load_safetensors<small_net>(dir / "m.safetensors").layer<0>().bias;
  BOOST_TEST(b[0] == 1.0f);
  BOOST_TEST(b[1] == 3.140625f);
  BOOST_TEST(b[2] == -0.5f);
}

// ---------------------------------------------------------------------------------------------
// Defects: each must be rejected with a message naming the file, the tensor and the cause.

BOOST_AUTO_TEST_CASE(a_missing_file_is_rejected) {
  temp_dir dir;
  check_rejected(dir / "absent.safetensors", {"cannot open", "No such file"});
}

BOOST_AUTO_TEST_CASE(a_directory_is_rejected) {
  temp_dir dir;
  fs::create_directory(dir / "folder.safetensors");
  check_rejected(dir / "folder.safetensors", {"cannot"});
}

BOOST_AUTO_TEST_CASE(a_file_shorter_than_8_bytes_is_rejected) {
  temp_dir dir;
  std::ofstream(dir / "short.safetensors", std::ios::binary) << "abc";
  check_rejected(dir / "short.safetensors", {"3 bytes", "fewer than the 8 bytes"});
}

BOOST_AUTO_TEST_CASE(a_header_length_beyond_the_end_of_the_file_is_rejected) {
  temp_dir dir;
  const auto tensors = valid_tensors();
  const auto header = header_for(tensors).dump();
  write_raw(dir / "m.safetensors", header, {}, header.size() + 1000);
  check_rejected(dir / "m.safetensors", {"header length is " + std::to_string(header.size() + 1000),
                                         "only " + std::to_string(header.size()) + " bytes follow"});
}

BOOST_AUTO_TEST_CASE(a_header_that_is_not_json_is_rejected) {
  temp_dir dir;
  write_raw(dir / "m.safetensors", "{\"0.weight\": {\"dtype\": ", data_of(valid_tensors()));
  check_rejected(dir / "m.safetensors", {"not valid JSON"});
}

BOOST_AUTO_TEST_CASE(a_header_that_is_not_a_json_object_is_rejected) {
  temp_dir dir;
  write_raw(dir / "m.safetensors", "[1, 2, 3]", {});
  check_rejected(dir / "m.safetensors", {"must be a JSON object and start with '{'"});
}

BOOST_AUTO_TEST_CASE(an_entry_without_dtype_shape_or_offsets_is_rejected) {
  for (const char* key : {"dtype", "shape", "data_offsets"}) {
    temp_dir dir;
    const auto tensors = valid_tensors();
    auto header = header_for(tensors);
    header["0.bias"].erase(key);
    write_raw(dir / "m.safetensors", header.dump(), data_of(tensors));
    check_rejected(dir / "m.safetensors", {"tensor 0.bias", std::string("no \"") + key + "\""});
  }
}

BOOST_AUTO_TEST_CASE(entries_with_wrong_json_types_are_rejected) {
  struct variant {
    const char* key;
    json value;
    const char* expected;
  };
  const variant variants[] = {
      {"dtype", 32, "\"dtype\" must be a string"},
      {"shape", "3", "\"shape\" must be an array"},
      {"shape", {3.0}, "expected a non-negative integer, found 3.0"},
      {"shape", {-3}, "expected a non-negative integer, found -3"},
      {"data_offsets", {0}, "\"data_offsets\" must be an array [begin, end]"},
      {"data_offsets", {"24", "36"}, "expected a non-negative integer, found \"24\""},
  };
  for (const auto& v : variants) {
    temp_dir dir;
    const auto tensors = valid_tensors();
    auto header = header_for(tensors);
    header["0.bias"][v.key] = v.value;
    write_raw(dir / "m.safetensors", header.dump(), data_of(tensors));
    check_rejected(dir / "m.safetensors", {"tensor 0.bias", v.expected});
  }
  temp_dir dir;
  auto header = header_for(valid_tensors());
  header["0.bias"] = "F32";
  write_raw(dir / "m.safetensors", header.dump(), data_of(valid_tensors()));
  check_rejected(dir / "m.safetensors", {"tensor 0.bias", "expected a JSON object"});
}

BOOST_AUTO_TEST_CASE(an_unsupported_dtype_is_rejected_and_named) {
  temp_dir dir;
  auto tensors = valid_tensors();
  tensors[1].dtype = "I32";  // same size as F32, so only the dtype is wrong
  write_tensors(dir / "m.safetensors", tensors);
  check_rejected(dir / "m.safetensors", {"tensor 0.bias", "dtype I32 is not supported", "expected F32"});
}

BOOST_AUTO_TEST_CASE(an_unknown_dtype_is_rejected_and_named) {
  temp_dir dir;
  auto tensors = valid_tensors();
  tensors[1].dtype = "F24";
  write_tensors(dir / "m.safetensors", tensors);
  check_rejected(dir / "m.safetensors", {"tensor 0.bias", "unknown dtype \"F24\""});
}

BOOST_AUTO_TEST_CASE(a_transposed_weight_is_rejected_with_both_shapes) {
  temp_dir dir;
  auto tensors = valid_tensors();
  tensors[0].shape = {2, 3};
  write_tensors(dir / "m.safetensors", tensors);
  check_rejected(dir / "m.safetensors",
                 {"0.weight: expected shape [3, 2] (layer 0: 2 inputs → 3 outputs), found [2, 3]"});
}

BOOST_AUTO_TEST_CASE(a_bias_of_the_wrong_rank_is_rejected) {
  temp_dir dir;
  auto tensors = valid_tensors();
  tensors[3].shape = {1, 1};
  write_tensors(dir / "m.safetensors", tensors);
  check_rejected(dir / "m.safetensors", {"1.bias: expected shape [1] (layer 1: 3 inputs → 1 outputs), found [1, 1]"});
}

BOOST_AUTO_TEST_CASE(data_offsets_beyond_the_data_are_rejected) {
  temp_dir dir;
  const auto tensors = valid_tensors();
  auto header = header_for(tensors);
  header["1.bias"]["data_offsets"] = {52, 56};  // the data has 24 + 12 + 12 + 4 = 52 bytes
  write_raw(dir / "m.safetensors", header.dump(), data_of(tensors));
  check_rejected(dir / "m.safetensors", {"tensor 1.bias", "[52, 56]", "outside the data, which has 52 bytes"});
}

BOOST_AUTO_TEST_CASE(data_offsets_that_end_before_they_begin_are_rejected) {
  temp_dir dir;
  const auto tensors = valid_tensors();
  auto header = header_for(tensors);
  header["1.bias"]["data_offsets"] = {44, 40};
  write_raw(dir / "m.safetensors", header.dump(), data_of(tensors));
  check_rejected(dir / "m.safetensors", {"tensor 1.bias", "data_offsets [44, 40] end before they begin"});
}

BOOST_AUTO_TEST_CASE(data_offsets_that_do_not_match_shape_and_dtype_are_rejected) {
  temp_dir dir;
  const auto tensors = valid_tensors();
  auto header = header_for(tensors);
  header["0.bias"]["data_offsets"] = {24, 32};
  write_raw(dir / "m.safetensors", header.dump(), data_of(tensors));
  check_rejected(dir / "m.safetensors",
                 {"tensor 0.bias", "span 8 bytes, but shape [3] of F32 needs 12"});
}

BOOST_AUTO_TEST_CASE(overlapping_tensors_are_rejected_and_both_named) {
  temp_dir dir;
  const auto tensors = valid_tensors();
  auto header = header_for(tensors);
  header["1.bias"]["data_offsets"] = {44, 48};  // the last float of 1.weight (bytes 36 to 48)
  write_raw(dir / "m.safetensors", header.dump(), data_of(tensors));
  check_rejected(dir / "m.safetensors", {"tensors 1.weight (bytes 36 to 48) and 1.bias (bytes 44 to 48) overlap"});
}

// The rules of the reference implementation (huggingface/safetensors, tensor.rs: read_metadata and
// Metadata::validate): the tensors cover the data exactly, the header is bounded UTF-8 JSON.
BOOST_AUTO_TEST_CASE(bytes_between_two_tensors_are_rejected) {
  temp_dir dir;
  auto tensors = valid_tensors();
  auto header = header_for(tensors);
  header["1.weight"]["data_offsets"] = {40, 52};  // bytes 36 to 40 belong to nothing
  header["1.bias"]["data_offsets"] = {52, 56};
  auto data = data_of(tensors);
  data.insert(data.begin() + 36, 4, 0);
  write_raw(dir / "m.safetensors", header.dump(), data);
  check_rejected(dir / "m.safetensors", {"bytes 36 to 40 of the data belong to no tensor (before tensor 1.weight)"});
}

BOOST_AUTO_TEST_CASE(bytes_before_the_first_tensor_are_rejected) {
  temp_dir dir;
  const auto tensors = valid_tensors();
  json header = json::object();
  std::size_t offset = 8;
  for (const auto& t : tensors) {
    header[t.name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {offset, offset + t.bytes.size()}}};
    offset += t.bytes.size();
  }
  auto data = data_of(tensors);
  data.insert(data.begin(), 8, 0);
  write_raw(dir / "m.safetensors", header.dump(), data);
  check_rejected(dir / "m.safetensors", {"bytes 0 to 8 of the data belong to no tensor (before tensor 0.weight)"});
}

BOOST_AUTO_TEST_CASE(bytes_after_the_last_tensor_are_rejected) {
  temp_dir dir;
  const auto tensors = valid_tensors();
  auto data = data_of(tensors);
  data.push_back(0);
  write_raw(dir / "m.safetensors", header_for(tensors).dump(), data);
  check_rejected(dir / "m.safetensors", {"bytes 52 to 53 of the data belong to no tensor (after the last one)"});
}

BOOST_AUTO_TEST_CASE(a_header_longer_than_the_reference_limit_is_rejected_before_reading_it) {
  temp_dir dir;
  write_raw(dir / "m.safetensors", "{}", {}, 100'000'001);
  check_rejected(dir / "m.safetensors", {"the header length is 100000001 bytes, more than the 100000000"});
  write_raw(dir / "huge.safetensors", "{}", {}, ~std::uint64_t{0});  // 2^64 − 1: no overflow either
  check_rejected(dir / "huge.safetensors", {"the header length is 18446744073709551615 bytes"});
}

BOOST_AUTO_TEST_CASE(a_header_that_is_not_utf8_is_rejected_with_the_offset) {
  temp_dir dir;
  std::string header = header_for(valid_tensors()).dump();
  header.insert(2, "\xC0\xAF");  // an overlong '/', inside the first key
  write_raw(dir / "m.safetensors", header, data_of(valid_tensors()));
  check_rejected(dir / "m.safetensors", {"the header is not valid UTF-8 (byte 2 of the header)"});
}

BOOST_AUTO_TEST_CASE(a_header_that_does_not_start_with_a_brace_is_rejected) {
  temp_dir dir;
  write_raw(dir / "m.safetensors", " " + header_for(valid_tensors()).dump(), data_of(valid_tensors()));
  check_rejected(dir / "m.safetensors", {"the header must be a JSON object and start with '{'"});
}

BOOST_AUTO_TEST_CASE(a_header_nested_deeper_than_128_is_rejected_before_parsing) {
  temp_dir dir;
  const std::string deep = "{\"__metadata__\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  write_raw(dir / "m.safetensors", deep, {});
  check_rejected(dir / "m.safetensors", {"nests arrays and objects more than 128 deep"});
}

// Found by tests/fuzz: valid JSON syntax whose number the parser cannot hold.
BOOST_AUTO_TEST_CASE(a_number_beyond_double_in_the_header_is_rejected_as_invalid_json) {
  temp_dir dir;
  write_raw(dir / "m.safetensors", R"({"0.bias": {"dtype": "F32", "shape": [3], "data_offsets": [0, 2e4294967296]}})", {});
  check_rejected(dir / "m.safetensors", {"the header is not valid JSON", "number overflow"});
}

BOOST_AUTO_TEST_CASE(a_tensor_named_twice_is_rejected) {
  temp_dir dir;
  const auto tensors = valid_tensors();
  std::string header = header_for(tensors).dump();
  // The same name again, with offsets a parser keeping the last duplicate would accept.
  header.insert(header.size() - 1, R"(,"0.bias":{"dtype":"F32","shape":[3],"data_offsets":[24,36]})");
  write_raw(dir / "m.safetensors", header, data_of(tensors));
  check_rejected(dir / "m.safetensors", {"the header names \"0.bias\" twice"});
}

BOOST_AUTO_TEST_CASE(metadata_that_is_not_a_map_of_strings_is_rejected) {
  temp_dir dir;
  const auto tensors = valid_tensors();
  auto header = header_for(tensors);
  header["__metadata__"] = {{"format", "pt"}, {"epochs", 12}};
  write_raw(dir / "m.safetensors", header.dump(), data_of(tensors));
  check_rejected(dir / "m.safetensors", {"\"__metadata__\" must map strings to strings; \"epochs\" is 12"});
  header["__metadata__"] = json::array({"pt"});
  write_raw(dir / "list.safetensors", header.dump(), data_of(tensors));
  check_rejected(dir / "list.safetensors", {"\"__metadata__\" must be a JSON object of strings"});
}

// The type a file records: weights trained with one activation do not load silently into another.
BOOST_AUTO_TEST_CASE(a_file_recording_another_network_type_is_rejected_naming_both) {
  temp_dir dir;
  using trained = nl::network<nl::input<2>, nl::dense<3, nl::relu>, nl::dense<1>>;
  using declared = nl::network<nl::input<2>, nl::dense<3, nl::tanh>, nl::dense<1>>;
  nl::save_safetensors(random_network<trained>(7), dir / "m.safetensors");
  BOOST_CHECK_EXCEPTION((void)nl::load_safetensors<declared>(dir / "m.safetensors"), nl::format_error,
                        [](const nl::format_error& e) {
                          const std::string m = e.what();
                          BOOST_TEST_MESSAGE(m);
                          return m.find("records the network nl::network<nl::input<2>, nl::dense<3, nl::relu>, "
                                        "nl::dense<1>>") != std::string::npos &&
                                 m.find("loaded as nl::network<nl::input<2>, nl::dense<3, nl::tanh>, nl::dense<1>>") !=
                                     std::string::npos &&
                                 m.find("nl::ignore_recorded_type") != std::string::npos;
                        });
  // A user who means it takes the weights anyway.
  const auto m = nl::load_safetensors<declared>(dir / "m.safetensors", nl::ignore_recorded_type);
  BOOST_TEST((m.layer<0>().weight == random_network<trained>(7).layer<0>().weight));
  // The recorded type itself loads, and a file without the record loads into any matching shapes.
  BOOST_TEST((nl::load_safetensors<trained>(dir / "m.safetensors").layer<1>().bias ==
              random_network<trained>(7).layer<1>().bias));
  write_tensors(dir / "plain.safetensors", valid_tensors());
  using other_activation = nl::network<nl::input<2>, nl::dense<3, nl::elu<1.0f>>, nl::dense<1>>;
  BOOST_TEST(nl::load_safetensors<other_activation>(dir / "plain.safetensors").layer<0>().weight[0] == 1.0f);
}

BOOST_AUTO_TEST_CASE(the_recorded_type_is_compared_without_spaces) {
  temp_dir dir;
  const auto tensors = valid_tensors();
  auto header = header_for(tensors);
  header["__metadata__"] = {{"nonlin_type", "nl::network<nl::input<2>,nl::dense<3>,  nl::dense<1>>"}};
  write_raw(dir / "m.safetensors", header.dump(), data_of(tensors));
  BOOST_TEST(nl::load_safetensors<small_net>(dir / "m.safetensors").layer<0>().weight[5] == 6.0f);
}

BOOST_AUTO_TEST_CASE(a_missing_bias_is_rejected_and_named) {
  temp_dir dir;
  auto tensors = valid_tensors();
  tensors.erase(tensors.begin() + 3);
  write_tensors(dir / "m.safetensors", tensors);
  check_rejected(dir / "m.safetensors", {"missing tensor 1.bias: expected shape [1] (layer 1: 3 inputs → 1 outputs)"});
}

BOOST_AUTO_TEST_CASE(a_missing_layer_is_rejected) {
  temp_dir dir;
  auto tensors = valid_tensors();
  tensors.resize(2);
  write_tensors(dir / "m.safetensors", tensors);
  check_rejected(dir / "m.safetensors",
                 {"missing tensors: the network has 2 dense layers, the file holds tensors for 1 (indices: 0)"});
}

BOOST_AUTO_TEST_CASE(extra_tensors_are_rejected_in_one_message_that_lists_them_all) {
  temp_dir dir;
  auto tensors = valid_tensors();
  tensors.push_back({"2.weight", "F32", {1, 1}, f32_bytes({1})});
  tensors.push_back({"2.bias", "F32", {1}, f32_bytes({1})});
  tensors.push_back({"running_mean", "F32", {1}, f32_bytes({1})});
  tensors.push_back({"0.weight_orig", "F32", {1}, f32_bytes({1})});
  write_tensors(dir / "m.safetensors", tensors);
  check_rejected(dir / "m.safetensors",
                 {"unexpected tensors 0.weight_orig, running_mean, 2.weight, 2.bias", "the network has 2 dense layers",
                  "found indices: 0, 1, 2"});
}

BOOST_AUTO_TEST_CASE(non_finite_weights_are_rejected_with_tensor_and_index) {
  const std::pair<float, const char*> cases[] = {{std::numeric_limits<float>::quiet_NaN(), "NaN"},
                                                 {std::numeric_limits<float>::infinity(), "+inf"},
                                                 {-std::numeric_limits<float>::infinity(), "-inf"}};
  for (const auto& [value, spelled] : cases) {
    temp_dir dir;
    auto tensors = valid_tensors();
    tensors[0].bytes = f32_bytes({1, 2, 3, value, 5, 6});
    write_tensors(dir / "m.safetensors", tensors);
    check_rejected(dir / "m.safetensors", {"tensor 0.weight: element 3 ([1, 1]) is " + std::string(spelled),
                                           "weights must be finite"});
  }
}

BOOST_AUTO_TEST_CASE(f64_values_beyond_the_range_of_float_are_rejected) {
  temp_dir dir;
  auto tensors = valid_tensors();
  tensors[1] = {"0.bias", "F64", {3}, f64_bytes({1.0, 1e300, 2.0})};
  write_tensors(dir / "m.safetensors", tensors);
  check_rejected(dir / "m.safetensors", {"tensor 0.bias: element 1 is 1.0000000000000001e+300", "outside the range of float"});
}

BOOST_AUTO_TEST_CASE(non_finite_f16_values_are_rejected) {
  temp_dir dir;
  auto tensors = valid_tensors();
  tensors[1] = {"0.bias", "F16", {3}, u16_bytes({0x3c00, 0x3c00, 0x7e00})};  // 1, 1, NaN
  write_tensors(dir / "m.safetensors", tensors);
  check_rejected(dir / "m.safetensors", {"tensor 0.bias: element 2 is NaN"});
}

BOOST_AUTO_TEST_CASE(a_file_that_cannot_be_written_is_reported) {
  temp_dir dir;
  BOOST_CHECK_EXCEPTION(nl::save_safetensors(small_net{}, dir / "no" / "such" / "folder" / "m.safetensors"),
                        nl::format_error, [](const nl::format_error& e) {
                          BOOST_TEST_MESSAGE(e.what());
                          return std::string(e.what()).find("nonlin::save_safetensors") != std::string::npos;
                        });
}

BOOST_AUTO_TEST_CASE(saving_replaces_a_file_whole_and_leaves_no_temporary_file) {
  temp_dir dir;
  const auto path = dir / "m.safetensors";
  nl::save_safetensors(random_network<small_net>(1), path);
  nl::save_safetensors(random_network<small_net>(2), path);  // over the first
  check_bitwise_equal(nl::load_safetensors<small_net>(path), random_network<small_net>(2));
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir.path)) ++files;
  BOOST_TEST(files == 1u, "only the saved file is left in the folder");
}

BOOST_AUTO_TEST_CASE(a_save_that_fails_leaves_the_old_file_untouched) {
  temp_dir dir;
  const auto path = dir / "m.safetensors";
  nl::save_safetensors(random_network<small_net>(3), path);
  // The destination is now a non-empty folder: rename cannot replace it, and the error says so.
  const auto folder = dir / "folder.safetensors";
  fs::create_directories(folder / "inside");
  BOOST_CHECK_THROW(nl::save_safetensors(random_network<small_net>(4), folder), nl::format_error);
  BOOST_TEST(fs::is_directory(folder / "inside"));
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir.path)) ++files;
  BOOST_TEST(files == 2u, "no temporary file is left behind");
  check_bitwise_equal(nl::load_safetensors<small_net>(path), random_network<small_net>(3));
}

BOOST_AUTO_TEST_CASE(read_tensor_gives_the_shape_and_values_of_one_tensor) {
  temp_dir dir;
  write_tensors(dir / "t.safetensors", valid_tensors());
  const nl::tensor t = nl::read_tensor(dir / "t.safetensors", "0.weight");
  BOOST_TEST((t.shape == std::vector<std::size_t>{3, 2}));
  BOOST_TEST((t.values == std::vector<float>{1, 2, 3, 4, 5, 6}));
}

BOOST_AUTO_TEST_CASE(read_tensor_of_a_missing_name_lists_the_tensors_there_are) {
  temp_dir dir;
  write_tensors(dir / "t.safetensors", valid_tensors());
  try {
    (void)nl::read_tensor(dir / "t.safetensors", "inputs");
    BOOST_ERROR("read_tensor found a tensor that is not there");
  } catch (const nl::format_error& e) {
    const std::string message = e.what();
    BOOST_TEST(message.find("no tensor \"inputs\"") != std::string::npos, message);
    BOOST_TEST(message.find("0.bias, 0.weight, 1.bias, 1.weight") != std::string::npos, message);
  }
}
