// The variants of tests/dispatch: compiled once per instruction set by nonlin_add_dispatch.
#include <nonlin/dispatch.hpp>

#include "networks.hpp"

NONLIN_DISPATCH_DEFINE(lecture_kernels, dispatch_test::lecture)
NONLIN_DISPATCH_DEFINE(mlp_kernels, dispatch_test::mlp)
NONLIN_DISPATCH_DEFINE(residual_kernels, dispatch_test::residual_mlp)
