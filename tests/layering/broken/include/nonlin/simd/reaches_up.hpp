// A header of the lowest layer that includes the network class: the layering test must name it.
#pragma once

#include <nonlin/network.hpp>
