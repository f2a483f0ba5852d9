#!/usr/bin/env bash
# Everything `npm test` needs beyond `npm ci` (`npm run setup`; CI runs it too):
# - the hub's Python environment (.venv) and checkov's (.venv-checkov), from pinned files;
# - helm, actionlint and (when none is on the PATH) terraform, built from their Go modules,
#   and each supported Kubernetes minor's default RBAC policy, from its own module;
# - Debian's prometheus, prometheus-alertmanager and file (promtool, amtool, the real
#   Prometheus of the end-to-end tests, the PNG check), through apt-get as root or with sudo;
# - the pinned charts (`npm run charts`), unless UPSTREAM_CHARTS_DIR or ../shared has them.
# Safe to run again: what is already in place is kept.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash .ci/setup-python.sh
bash .ci/setup-python.sh python/requirements-checkov.txt .venv-checkov
bash .ci/install-tools.sh

packages=(prometheus prometheus-alertmanager file)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=()
  if [ "$(id -u)" != 0 ]; then
    if ! command -v sudo >/dev/null; then
      echo "setup: Debian packages missing: ${missing[*]}; as root run: apt-get install ${missing[*]}" >&2
      exit 1
    fi
    sudo=(sudo)
  fi
  echo "setup: installing ${missing[*]} with apt-get"
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
fi

if [ -z "${UPSTREAM_CHARTS_DIR:-}" ] && [ ! -d ../shared/upstream-charts ]; then
  npm run charts
fi
echo "setup: done; run npm test"
