#!/usr/bin/env bash
# clang-tidy (the root .clang-tidy) over stack/ and sim/. Configures build-tidy (compile commands only, no
# precompiled headers: clang cannot read GCC's) and prints the findings; exit 1 when there are any.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-tidy -G Ninja -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON -DSTRATA_BUILD_BENCH=OFF >/dev/null
# GCC-only warning flags in the compile commands are unknown to clang.
out=$(run-clang-tidy -p build-tidy -j "$(nproc)" -quiet -extra-arg=-Wno-unknown-warning-option "$PWD/(stack|sim)/" \
  2>/dev/null | grep -E 'warning:|error:' | sort -u || true)
if [[ -n $out ]]; then
  echo "$out"
  exit 1
fi
echo "tidy: no findings in stack/ and sim/"
