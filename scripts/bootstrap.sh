#!/usr/bin/env bash
# Installs what mamori needs on Debian 12 (as root), then configures and builds it.
# Idempotent: packages already present are not reinstalled, an existing build is reused.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  cmake ninja-build g++ git
  clang-19 libclang-19-dev libclang-cpp19-dev llvm-19-dev libclang-rt-19-dev llvm-19
  nlohmann-json3-dev libcli11-dev libgtest-dev libgmock-dev libmimalloc-dev
  python3 python3-jsonschema strace bear make meson
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
command -v npm >/dev/null 2>&1 || missing+=(npm)   # the SARIF schema test fetches the schema from npm
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=ON >/dev/null
cmake --build build -j "$(nproc)"
