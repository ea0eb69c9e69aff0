// Two headers of one layer that include each other: a cycle the layering test must report.
#pragma once

#include <nonlin/eval/second.hpp>
