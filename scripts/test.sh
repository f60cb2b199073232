#!/usr/bin/env bash
# The whole test suite: install and build (bootstrap), then every test through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"
