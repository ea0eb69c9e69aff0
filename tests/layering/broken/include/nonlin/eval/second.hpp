// The other half of the cycle; its include after a declaration is a second defect to report.
#pragma once

namespace nonlin {}

#include <nonlin/eval/first.hpp>
