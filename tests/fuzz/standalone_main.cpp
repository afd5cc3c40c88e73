// SPDX-License-Identifier: MIT
// Runs a fuzz target without libFuzzer (g++ builds, ctest): each argument is a seed. A capture file (read
// with libpcap) contributes every record; any other file is one input. Each input also runs through a fixed
// number of seeded mutations (bit flips, byte sets, truncations, extensions), so CI exercises the target
// beyond the seeds.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "stack/core/rng.hpp"
#include "stack/nic/pcap_file_nic.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void run_with_mutations(const std::vector<std::uint8_t>& input, strata::core::Rng& rng, int mutations) {
  LLVMFuzzerTestOneInput(input.data(), input.size());
  std::vector<std::uint8_t> m;
  for (int i = 0; i < mutations; ++i) {
    m = input;
    const int edits = 1 + static_cast<int>(rng.below(4));
    for (int e = 0; e < edits; ++e) {
      switch (rng.below(4)) {
        case 0:
          if (!m.empty())
            m[rng.below(static_cast<std::uint32_t>(m.size()))] ^=
                static_cast<std::uint8_t>(1u << rng.below(8));
          break;
        case 1:
          if (!m.empty())
            m[rng.below(static_cast<std::uint32_t>(m.size()))] = static_cast<std::uint8_t>(rng.below(256));
          break;
        case 2:
          if (!m.empty()) m.resize(rng.below(static_cast<std::uint32_t>(m.size())));
          break;
        default:
          m.resize(m.size() + 1 + rng.below(64), static_cast<std::uint8_t>(rng.below(256)));
          break;
      }
    }
    LLVMFuzzerTestOneInput(m.data(), m.size());
  }
}

}  // namespace

int main(int argc, char** argv) {
  int mutations = 50;
  strata::core::Rng rng(12345);
  std::size_t inputs = 0;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--mutations=", 0) == 0) {
      mutations = std::stoi(arg.substr(12));
      continue;
    }
    std::string error;
    if (auto reader = strata::nic::PcapReader::open(arg, error)) {
      strata::nic::PcapRecord rec;
      while (reader->next(rec) == strata::nic::PcapReader::Status::Record) {
        const auto* p = reinterpret_cast<const std::uint8_t*>(rec.data.data());
        run_with_mutations(std::vector<std::uint8_t>(p, p + rec.data.size()), rng, mutations);
        ++inputs;
      }
      continue;
    }
    std::ifstream f(arg, std::ios::binary);
    if (!f) {
      std::fprintf(stderr, "fuzz: cannot read %s\n", arg.c_str());
      return 2;
    }
    std::vector<std::uint8_t> data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    run_with_mutations(data, rng, mutations);
    ++inputs;
  }
  std::printf("fuzz: %zu inputs, %d mutations each: no crash\n", inputs, mutations);
  return 0;
}
