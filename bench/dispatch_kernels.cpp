// bench/dispatch_kernels.cpp: the variants bench/dispatch chooses from, one per instruction set
// (nonlin_add_dispatch), and once more for this machine (-march=native).
#include <nonlin/dispatch.hpp>

#include "network_zoo.hpp"

NONLIN_DISPATCH_DEFINE(a_kernels, network_zoo::net_a)
NONLIN_DISPATCH_DEFINE(b_kernels, network_zoo::net_b)
NONLIN_DISPATCH_DEFINE(c_kernels, network_zoo::net_c)
NONLIN_DISPATCH_DEFINE(d_kernels, network_zoo::net_d)
NONLIN_DISPATCH_DEFINE(e_kernels, network_zoo::net_e)
NONLIN_DISPATCH_DEFINE(r_kernels, network_zoo::net_r)
