// SPDX-License-Identifier: MIT
#include "stack/nic/pcap_tap.hpp"
