"""Cookies behind TLS termination, with the hub's real JupyterHub 5.5 and HubOAuth.

The hub runs on loopback behind its configurable-http-proxy and is reached over plain
HTTP, as the network load balancer forwards it after ending TLS. It is configured as the
chart does (its tornado_settings, then the hub.config.JupyterHub section of our values,
then our hooks), with the dummy login in place of the real one. Run by
test/lib/jupyterhub/secure-cookies.test.ts under the hub's Python:
python -m pytest secure_cookies_test.py --hooks <dir> --values <values.json> --chp <path>.
"""

import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from hub_support import free_port


@pytest.fixture(scope="module")
def values(request):
    with open(request.config.getoption("values")) as f:
        return json.load(f)


@pytest.fixture(scope="module")
def hub(request, values):
    hooks = os.path.abspath(request.config.getoption("hooks"))
    chp = os.path.abspath(request.config.getoption("chp"))
    work = tempfile.mkdtemp(prefix="secure-cookies-")
    port, hub_port, api_port = free_port(), free_port(), free_port()
    section = {k: v for k, v in values["hub"]["config"]["JupyterHub"].items() if k != "authenticator_class"}
    config = f"""
import sys
sys.path.insert(0, {hooks!r})
import secure_cookies
c = get_config()
# The chart's jupyterhub_config.py, then its hub.config pass-through, then our hooks.
c.JupyterHub.tornado_settings = {{"slow_spawn_timeout": 0}}
c.JupyterHub.update({section!r})
secure_cookies.configure(c, {values["custom"].get("cookies")!r})
c.JupyterHub.authenticator_class = "dummy"
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{chp!r}]
c.JupyterHub.db_url = "sqlite:///{work}/hub.sqlite"
c.JupyterHub.cookie_secret_file = "{work}/cookie_secret"
"""
    path = os.path.join(work, "jupyterhub_config.py")
    with open(path, "w") as f:
        f.write(config)
    log = open(os.path.join(work, "hub.log"), "w")
    env = {**os.environ, "CONFIGPROXY_AUTH_TOKEN": "secure-cookies-test"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterhub", "-f", path], cwd=work, stdout=log, stderr=subprocess.STDOUT, env=env
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/hub/login")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                raise RuntimeError(open(os.path.join(work, "hub.log")).read()[-3000:])
            time.sleep(0.5)
        public_url = values["hub"]["config"]["JupyterHub"].get("public_url", "https://hub.example.org/")
        yield SimpleNamespace(port=port, host=public_url.split("/")[2])
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def request(hub, method, path, body=None, cookies=""):
    conn = http.client.HTTPConnection("127.0.0.1", hub.port, timeout=10)
    headers = {"Host": hub.host, "Cookie": cookies}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Origin"] = f"https://{hub.host}"
        headers["Referer"] = f"https://{hub.host}/hub/login"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    return response


def set_cookies(response):
    """{name: Set-Cookie header} of a response."""
    return {h.split("=", 1)[0]: h for h in response.headers.get_all("Set-Cookie") or []}


def is_secure(header):
    return any(part.strip().lower() == "secure" for part in header.split(";"))


def test_the_login_page_sets_a_secure_xsrf_cookie(hub):
    cookies = set_cookies(request(hub, "GET", "/hub/login"))
    assert "_xsrf" in cookies, cookies
    assert is_secure(cookies["_xsrf"]), cookies["_xsrf"]


def test_logging_in_over_plain_http_sets_only_secure_cookies(hub):
    page = request(hub, "GET", "/hub/login")
    xsrf = set_cookies(page)["_xsrf"].split(";")[0]
    token = xsrf.split("=", 1)[1]
    response = request(
        hub,
        "POST",
        "/hub/login?next=",
        body=urlencode({"username": "participant", "password": "x", "_xsrf": token}),
        cookies=xsrf,
    )
    assert response.status == 302, (response.status, response.headers)
    cookies = set_cookies(response)
    assert "jupyterhub-hub-login" in cookies, cookies
    for name, header in cookies.items():
        assert is_secure(header), f"{name}: {header}"


def test_user_servers_set_secure_cookies_too(values, monkeypatch):
    from unittest.mock import MagicMock

    from jupyterhub.services.auth import HubOAuth
    from jupyterhub.utils import get_browser_protocol
    from tornado.httputil import HTTPHeaders, HTTPServerRequest
    from tornado.web import Application, RequestHandler

    options = values["singleuser"].get("extraEnv", {}).get("JUPYTERHUB_COOKIE_OPTIONS")
    if options is not None:
        # KubeSpawner formats environment values as templates: {{ }} reach the server as { }.
        monkeypatch.setenv("JUPYTERHUB_COOKIE_OPTIONS", options.format())
    auth = HubOAuth(api_token="x", api_url="http://127.0.0.1:1/hub/api", oauth_client_id="jupyterhub-user-participant")
    app = Application(cookie_secret="secure-cookies-test")
    request = HTTPServerRequest(
        method="GET",
        uri="/user/participant/oauth_callback",
        headers=HTTPHeaders({"Host": "hub.example.org", "X-Forwarded-Proto": "http"}),
        connection=MagicMock(),
    )
    request.remote_ip = "127.0.0.1"
    handler = RequestHandler(app, request)
    handler._xsrf_token_id = "participant"  # what HubOAuth's request patching would have set
    assert get_browser_protocol(request) == "http"
    auth.set_cookie(handler, "token")
    cookie = handler._new_cookie[auth.cookie_name]
    assert re.match(r"jupyterhub-user-participant", cookie.key)
    assert cookie["secure"] is True, cookie.OutputString()
