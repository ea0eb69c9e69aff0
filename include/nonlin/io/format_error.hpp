// nonlin/io/format_error.hpp: format_error, what nonlin's file readers and writers throw.
// Its message names the file, the tensor concerned and what was expected against what was found,
// so that a user can fix the file (or the network type) from the message alone.
#pragma once

#include <stdexcept>
#include <string>

namespace nonlin {

/// A weights file that cannot be read, is malformed, or does not fit the network type it is loaded
/// into; also thrown when a weights file cannot be written.
class format_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace nonlin
