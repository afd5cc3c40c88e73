// SPDX-License-Identifier: MIT
#include "stack/nic/fault_injector.hpp"
