// SPDX-License-Identifier: MIT
#include "sim/net/topology.hpp"
