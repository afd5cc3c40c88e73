// SPDX-License-Identifier: MIT
// strata-bench: every bench/*.cpp registers its benchmarks with Google Benchmark's BENCHMARK macros; this
// file only supplies main() (flag parsing, --benchmark_filter, --benchmark_repetitions, reporters).
#include <benchmark/benchmark.h>

BENCHMARK_MAIN();
