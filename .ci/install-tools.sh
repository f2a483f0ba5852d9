#!/usr/bin/env bash
# Makes the pinned command-line tools the tests run available in .tools/bin, building each
# from its Go module (the Go module proxy is the only source; no prebuilt download):
# helm and actionlint always at their pinned versions, terraform only when none is on the
# PATH. Also takes from Kubernetes' own module the default ClusterRoles and bindings of each
# minor the clusters may run (.tools/kubernetes/<minor>), the reference the user scheduler's
# role is tested against. What is already in place at its pinned version is kept. Prints
# nothing but progress.
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

# kubernetes_roles MINOR VERSION: the bootstrap ClusterRoles (default feature gates) and
# their bindings that k8s.io/kubernetes@VERSION ships as test data, into
# .tools/kubernetes/MINOR, once. The 110 MB module goes to a throwaway module cache,
# removed also on failure.
kubernetes_roles() {
  local minor=$1 version=$2
  local dir="$PWD/.tools/kubernetes/$minor"
  if [ "$(cat "$dir/version" 2>/dev/null)" = "$version" ]; then
    return 0
  fi
  echo "install-tools: taking the default ClusterRoles of k8s.io/kubernetes@$version"
  mkdir -p "$dir"
  (
    cache="$(mktemp -d)"
    trap 'chmod -R u+w "$cache"; rm -rf "$cache"' EXIT
    cd /tmp
    GOMODCACHE="$cache" go mod download "k8s.io/kubernetes@$version"
    testdata="$cache/k8s.io/kubernetes@$version/plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata"
    install -m 644 "$testdata/cluster-roles.yaml" "$testdata/cluster-role-bindings.yaml" "$dir/"
  )
  echo "$version" >"$dir/version"
}

# The newest patch of each supported minor the module proxy serves (lib/versions.ts).
kubernetes_roles 1.34 v1.34.7
kubernetes_roles 1.35 v1.35.4
