#!/usr/bin/env bash
# Creates a Python virtual environment from a pinned requirements file.
#   bash .ci/setup-python.sh [REQUIREMENTS VENV]
# Default: the hub's environment, python/requirements.txt into .venv (or $HUB_VENV):
# JupyterHub, KubeSpawner, the idle culler and oauthenticator at the versions the
# zero-to-jupyterhub 4.4.0 hub image ships, jupyter-server for single-user servers, moto's
# server mode for the AWS API, and pytest. checkov has its own:
#   bash .ci/setup-python.sh python/requirements-checkov.txt .venv-checkov
# Safe to run again: an environment whose installed requirements match the file is left as it is.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

requirements="$PWD/${1:-python/requirements.txt}"
venv="${2:-${HUB_VENV:-$PWD/.venv}}"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"

if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi
echo "setup-python: installing ${requirements#"$PWD"/} into $venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-input -r "$requirements"
echo "$want" >"$stamp"
