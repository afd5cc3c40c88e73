// SPDX-License-Identifier: MIT
// The checksum against memcpy on the same bytes: N bytes at offset 54 of a 64-byte-aligned buffer (a TCP
// payload inside an Ethernet frame: 14 + 20 + 20), hot in cache. The names BM_Memcpy/N and BM_Checksum/N are
// a contract (DESIGN.md §8: checksum of 1460 B >= 0.5 x memcpy of 1460 B, same run); compare
// bytes_per_second.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>

#include "stack/wire/checksum.hpp"

namespace {

constexpr std::size_t kOffset = 54;
constexpr std::size_t kAlign = 64;

struct AlignedDelete {
  void operator()(std::byte* p) const { ::operator delete[](p, std::align_val_t{kAlign}); }
};
using AlignedBuffer = std::unique_ptr<std::byte[], AlignedDelete>;

// kOffset + n bytes (rounded up to whole cache lines), 64-byte aligned, filled with a non-trivial pattern.
AlignedBuffer make_buffer(std::size_t n) {
  const std::size_t size = (kOffset + n + kAlign - 1) / kAlign * kAlign;
  AlignedBuffer b(new (std::align_val_t{kAlign}) std::byte[size]);
  for (std::size_t i = 0; i < size; ++i) b[i] = static_cast<std::byte>(i * 131 + 7);
  return b;
}

void BM_Memcpy(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const AlignedBuffer src = make_buffer(n);
  const AlignedBuffer dst = make_buffer(n);
  std::byte* to = dst.get() + kOffset;
  const std::byte* from = src.get() + kOffset;
  for (auto _ : state) {
    std::memcpy(to, from, n);
    benchmark::DoNotOptimize(to);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(n));
}

template <std::uint16_t (*Sum)(strata::core::Bytes, std::uint16_t)>
void run_checksum(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const AlignedBuffer buf = make_buffer(n);
  const strata::core::Bytes data(buf.get() + kOffset, n);
  for (auto _ : state) {
    std::uint16_t sum = Sum(data, 0);
    benchmark::DoNotOptimize(sum);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(n));
}

std::uint16_t dispatched(strata::core::Bytes d, std::uint16_t i) {
  return strata::wire::ones_sum(d, i);
}
std::uint16_t scalar(strata::core::Bytes d, std::uint16_t i) {
  return strata::wire::ones_sum_scalar(d, i);
}

void BM_Checksum(benchmark::State& state) {
  state.SetLabel(strata::wire::checksum_impl_name());
  run_checksum<&dispatched>(state);
}
void BM_ChecksumScalar(benchmark::State& state) {
  run_checksum<&scalar>(state);
}

// Each kernel by name at every size (ones_sum() itself sends short inputs to the scalar code): shows where
// the short-input threshold in checksum.cpp belongs.
template <const char* Name>
void BM_ChecksumKernel(benchmark::State& state) {
  const strata::wire::OnesSumFn fn = strata::wire::ones_sum_impl(Name);
  if (fn == nullptr) {
    state.SkipWithError("not available on this CPU");
    return;
  }
  const auto n = static_cast<std::size_t>(state.range(0));
  const AlignedBuffer buf = make_buffer(n);
  const strata::core::Bytes data(buf.get() + kOffset, n);
  for (auto _ : state) {
    std::uint16_t sum = fn(data, 0);
    benchmark::DoNotOptimize(sum);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(n));
}
constexpr char kAvx512[] = "avx512";
constexpr char kAvx2[] = "avx2";
constexpr char kSse2[] = "sse2";
constexpr char kScalar[] = "scalar";
void kernel_sizes(benchmark::internal::Benchmark* b) {
  for (int n : {20, 64, 96, 128, 256, 1460}) b->Arg(n);
}

}  // namespace

BENCHMARK(BM_Memcpy)->Arg(64)->Arg(1460)->Arg(65536);
BENCHMARK(BM_Checksum)->Arg(64)->Arg(1460)->Arg(65536);
BENCHMARK(BM_ChecksumScalar)->Arg(1460);
BENCHMARK_TEMPLATE(BM_ChecksumKernel, kAvx512)->Name("BM_ChecksumKernel/avx512")->Apply(kernel_sizes);
BENCHMARK_TEMPLATE(BM_ChecksumKernel, kAvx2)->Name("BM_ChecksumKernel/avx2")->Apply(kernel_sizes);
BENCHMARK_TEMPLATE(BM_ChecksumKernel, kSse2)->Name("BM_ChecksumKernel/sse2")->Apply(kernel_sizes);
BENCHMARK_TEMPLATE(BM_ChecksumKernel, kScalar)->Name("BM_ChecksumKernel/scalar")->Apply(kernel_sizes);
