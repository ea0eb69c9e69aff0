// A libFuzzer target for nonlin's safetensors reader: each input is a whole file's bytes, taken
// through what load_safetensors and read_tensor do after reading a file (src/io/): the container's
// validation, the recorded type, the layers of two network types, every tensor converted to float.
// The contract under test: every input either loads or throws nl::format_error; anything else (a
// crash, another exception, an out-of-bounds read, undefined behaviour, a hang) is a defect.
//   tests/fuzz/CMakeLists.txt builds it with Clang: -fsanitize=fuzzer,address,undefined.
#include <cstddef>
#include <cstdint>
#include <vector>

#include <nonlin/activation/relu.hpp>
#include <nonlin/activation/sigmoid.hpp>
#include <nonlin/activation/tanh.hpp>
#include <nonlin/io/detail/safetensors_file.hpp>
#include <nonlin/io/detail/safetensors_layers.hpp>
#include <nonlin/io/format_error.hpp>
#include <nonlin/io/safetensors.hpp>
#include <nonlin/network.hpp>

namespace nl = nonlin;
namespace st = nl::detail::safetensors;

namespace {

// The lecture network (torch names 0, 2, 4) and a two-layer one (positions 0, 1): the corpus holds
// files for both, so that the fuzzer starts from inputs that load.
using lecture = nl::network<nl::input<2>, nl::dense<2, nl::tanh>, nl::dense<2, nl::tanh>, nl::dense<1, nl::sigmoid>>;
using small = nl::network<nl::input<2>, nl::dense<3, nl::relu>, nl::dense<1>>;

template <class Net>
void load_as(const st::file_contents& f) {
  try {
    st::check_recorded_type(f, nl::detail::network_type_name<Net>("nl::"));
    const Net net = st::load_layers<Net>(f);
    (void)net;
  } catch (const nl::format_error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const st::file_contents f = st::parse("fuzz input", std::vector<unsigned char>(data, data + size));
    load_as<lecture>(f);
    load_as<small>(f);
    for (const auto& [name, tensor] : f.tensors) {  // as read_tensor does, for each name
      try {
        (void)st::to_float(f, tensor);
      } catch (const nl::format_error&) {
      }
    }
  } catch (const nl::format_error&) {
  }
  return 0;
}
