#!/usr/bin/env bash
# Makes the pinned command-line tools the tests run available in .tools/bin, building each
# from its Go module (the Go module proxy is the only source; no prebuilt download):
# helm and actionlint always at their pinned versions, terraform only when none is on the
# PATH. A tool already built at its pinned version is kept. Prints nothing but progress.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bin="$PWD/.tools/bin"
mkdir -p "$bin"

# build NAME MODULE_PATH VERSION: go install MODULE_PATH@VERSION into .tools/bin, once.
build() {
  local name=$1 module=$2 version=$3
  local stamp="$bin/.$name.version"
  if [ -x "$bin/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$module@$version" ]; then
    return 0
  fi
  echo "install-tools: building $name from $module@$version"
  (cd /tmp && GOBIN="$bin" GOFLAGS=-mod=mod go install "$module@$version")
  echo "$module@$version" >"$stamp"
}

build helm helm.sh/helm/v3/cmd/helm v3.19.2
build actionlint github.com/rhysd/actionlint/cmd/actionlint v1.7.12
if ! command -v terraform >/dev/null; then
  build terraform github.com/hashicorp/terraform v1.13.3
fi
