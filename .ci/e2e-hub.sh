#!/usr/bin/env bash
# End-to-end tests of hub-stress against a real JupyterHub on loopback.
#
# Installs Debian's jupyterhub package (JupyterHub 3 with jupyterhub-singleuser, the
# classic notebook server and configurable-http-proxy), then runs the suite. Safe to run
# again: apt-get install of an installed package changes nothing. Needs root (or
# password-less sudo) for apt-get; never prompts.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

export DEBIAN_FRONTEND=noninteractive
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo -n)
fi

"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends jupyterhub </dev/null

for tool in jupyterhub jupyterhub-singleuser configurable-http-proxy; do
  command -v "$tool" >/dev/null || {
    echo "e2e-hub: $tool missing after installing jupyterhub" >&2
    exit 1
  }
done
echo "e2e-hub: JupyterHub $(jupyterhub --version)"

if [ ! -x node_modules/.bin/jest ]; then
  npm ci --no-audit --no-fund
fi

npx jest -c jest.e2e.config.js test/e2e/hub-stress "$@"
