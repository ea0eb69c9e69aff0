// The consumer's kernels, compiled per instruction set by the installed nonlin_add_dispatch().
#include <nonlin/dispatch.hpp>

#include "net.hpp"

NONLIN_DISPATCH_DEFINE(consumer_kernels, consumer_net)
