// Stands for the network class in the broken tree of the layering test's own test.
#pragma once
