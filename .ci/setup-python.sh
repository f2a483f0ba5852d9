#!/usr/bin/env bash
# Creates the hub's Python environment in .venv (or $HUB_VENV) from python/requirements.txt:
# JupyterHub, KubeSpawner, the idle culler and oauthenticator at the versions the
# zero-to-jupyterhub 4.4.0 hub image ships, jupyter-server for single-user servers, moto's
# server mode for the AWS API, and pytest. Safe to run again: an environment whose
# installed requirements match the file is left as it is.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

venv="${HUB_VENV:-$PWD/.venv}"
requirements="$PWD/python/requirements.txt"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"

if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi
echo "setup-python: installing python/requirements.txt into $venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-input -r "$requirements"
echo "$want" >"$stamp"
"$venv/bin/jupyterhub" --version >/dev/null
