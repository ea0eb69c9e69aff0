// nonlin/detail/argument_errors.hpp: the std::invalid_argument exceptions of the evaluators and
// activations (spans of the wrong size, a bad temperature). Their messages are composed in the
// compiled library (src/argument_errors.cpp), so that the kernels' headers need neither <string>
// nor <stdexcept>.
//
// They are declared in nonlin_library, a namespace whose name is not the word `nonlin`, and brought
// into nonlin::detail by using-declarations: a translation unit compiled for run-time dispatch
// renames `nonlin` (nonlin/dispatch.hpp) and still links with the one compiled library.
#pragma once

#include <cstddef>
#include <string_view>

namespace nonlin_library::detail {

/// "nonlin::<activation>::<kernel>: input has <in> elements but output has <out>"
[[noreturn]] void throw_span_mismatch(std::string_view activation, std::string_view kernel, std::size_t in,
                                      std::size_t out);

/// "<where>: <in_name> has <in_size> elements but <out_name> has <out_size>"
[[noreturn]] void throw_size_mismatch(std::string_view where, std::string_view in_name, std::size_t in_size,
                                      std::string_view out_name, std::size_t out_size);

/// "<where>: row_length must be positive", or "<where>: <size> elements are not a whole number of
/// rows of <row_length>"
[[noreturn]] void throw_bad_rows(std::string_view where, std::size_t size, std::size_t row_length);

/// "nonlin::softmax<>::apply: the temperature must be finite and positive, got <temperature>"
[[noreturn]] void throw_bad_temperature(float temperature);

/// network::forward's spans do not hold n rows of `inputs` and n rows of `outputs` floats.
[[noreturn]] void throw_batch_mismatch(std::size_t inputs, std::size_t outputs, std::size_t in_size,
                                       std::size_t out_size);

}  // namespace nonlin_library::detail

namespace nonlin::detail {

using nonlin_library::detail::throw_bad_rows;
using nonlin_library::detail::throw_bad_temperature;
using nonlin_library::detail::throw_batch_mismatch;
using nonlin_library::detail::throw_size_mismatch;
using nonlin_library::detail::throw_span_mismatch;

}  // namespace nonlin::detail
