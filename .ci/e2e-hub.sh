#!/usr/bin/env bash
# End-to-end suites (test/e2e) against a real JupyterHub 5.5 on loopback.
#
# The hub, jupyterhub-singleuser (jupyter-server) and the idle culler come from the hub's
# Python environment (.venv, or $HUB_VENV; built from python/requirements.txt by
# .ci/setup-python.sh, which leaves an up-to-date environment as it is);
# configurable-http-proxy from node_modules. Arguments go to jest, e.g.
#   bash .ci/e2e-hub.sh test/e2e/hub-stress
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash .ci/setup-python.sh
venv="${HUB_VENV:-$PWD/.venv}"

if [ ! -x node_modules/.bin/jest ] || [ ! -x node_modules/.bin/configurable-http-proxy ]; then
  npm ci --no-audit --no-fund
fi
echo "e2e-hub: JupyterHub $("$venv/bin/jupyterhub" --version)," \
  "configurable-http-proxy $(node_modules/.bin/configurable-http-proxy --version)"

HUB_VENV="$venv" npx jest -c jest.e2e.config.js "$@"
