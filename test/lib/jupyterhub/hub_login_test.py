"""The hub's login as shipped, run in the real JupyterHub 5.5 with oauthenticator 17.4
against an OIDC provider faked on loopback: who a login names, and that taking someone
out of a group at the identity provider takes effect within the refresh age.

Run by test/lib/jupyterhub/hub-login.test.ts with the hub's Python:

    python hub_login_test.py <values.json> <hooks dir> <configurable-http-proxy> <mode> [tests]

values.json holds the release's `hub` and `custom` values. The hub's config applies
hub.config section by section and runs hub.extraConfig as the chart's
jupyterhub_config.py does; the test then points the authenticator at the fake provider
and shortens the refresh age from its shipped value to 2 s. `mode` is `shipped`, or a
control that must fail the removal checks: `stock-class` (oauthenticator's own
GenericOAuthenticator, auth state on) or `no-auth-state`.
"""

import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import unittest
from urllib.parse import parse_qs, urlencode, urlparse

import requests
from tornado.web import create_signed_value, decode_signed_value

from hub_support import JsonHandler, LoopbackServer, free_port

VALUES, HOOKS, CHP, MODE = sys.argv[1:5]
del sys.argv[1:5]
REFRESH_AGE = 2


class Provider(LoopbackServer):
    """An OIDC provider: identities by sub, the next one to log in, codes and tokens."""

    def __init__(self):
        self.identities = {}
        self.next_login = None
        self.codes = {}
        self.tokens = {}
        provider = self

        class Handler(JsonHandler):
            def do_GET(self):
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/authorize":
                    code = secrets.token_hex(8)
                    provider.codes[code] = provider.next_login
                    target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
                    return self.reply(302, headers=[("Location", target)])
                if url.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    sub = provider.tokens.get(token)
                    if sub is None:
                        return self.reply(401, {"error": "invalid_token"})
                    return self.reply(200, dict(provider.identities[sub]))
                return self.reply(404, {})

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlparse(self.path).path != "/token" or form.get("code") not in provider.codes:
                    return self.reply(400, {"error": "invalid_grant"})
                token = secrets.token_hex(16)
                provider.tokens[token] = provider.codes.pop(form["code"])
                return self.reply(
                    200,
                    {"access_token": token, "token_type": "Bearer", "expires_in": 3600,
                     "scope": "openid profile email"},
                )

        super().__init__(Handler)


CONFIG = r'''
import json, sys
settings = json.load(open({settings!r}))
values = settings["values"]
sys.path.insert(0, settings["hooks"])
c = get_config()


def get_config(key, default=None):
    node = values
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return default
        node = node[part]
    return node


# As the chart's jupyterhub_config.py: hub.config sections, then hub.extraConfig in order.
for section, cfg in values["hub"]["config"].items():
    c[section].update(cfg)
for key, code in sorted(values["hub"]["extraConfig"].items()):
    exec(code)

# The test's world: the fake provider, loopback ports, files in a temp dir, plain HTTP.
# The shipped https public URL and Secure cookies (secure_cookies_test.py tests those)
# would keep the test's browser from sending its cookies back over HTTP.
c.JupyterHub.public_url = settings["hub"] + "/"
if "tornado_settings" in c.JupyterHub:
    c.JupyterHub.tornado_settings = {{**c.JupyterHub.tornado_settings, "cookie_options": {{}}}}
if settings["mode"] == "stock-class":
    c.JupyterHub.authenticator_class = "generic-oauth"
if settings["mode"] == "no-auth-state":
    c.Authenticator.enable_auth_state = False
c.GenericOAuthenticator.authorize_url = settings["idp"] + "/authorize"
c.GenericOAuthenticator.token_url = settings["idp"] + "/token"
c.GenericOAuthenticator.userdata_url = settings["idp"] + "/userinfo"
c.GenericOAuthenticator.oauth_callback_url = settings["hub"] + "/hub/oauth_callback"
c.GenericOAuthenticator.client_secret = "test-client-secret"
c.Authenticator.auth_refresh_age = {refresh_age}
c.JupyterHub.bind_url = settings["hub"]
c.JupyterHub.hub_port = settings["hub_port"]
c.ConfigurableHTTPProxy.command = [settings["chp"]]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:%d" % settings["proxy_api_port"]
c.JupyterHub.db_url = "sqlite:///" + settings["dir"] + "/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = settings["dir"] + "/cookie_secret"
c.JupyterHub.pid_file = settings["dir"] + "/hub.pid"
c.JupyterHub.services = [{{"name": "probe", "api_token": settings["probe_token"]}}]
c.JupyterHub.load_roles = [{{"name": "probe", "scopes": ["admin:users", "servers"], "services": ["probe"]}}]
'''


class Hub:
    def __init__(self, provider, mode):
        self.dir = tempfile.mkdtemp(prefix="hub-login-")
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.probe_token = secrets.token_hex(16)
        with open(VALUES) as f:
            values = json.load(f)
        settings = {
            "values": values, "hooks": HOOKS, "mode": mode, "idp": provider.url, "hub": self.url,
            "hub_port": free_port(), "proxy_api_port": free_port(), "chp": CHP, "dir": self.dir,
            "probe_token": self.probe_token,
        }
        settings_path = os.path.join(self.dir, "settings.json")
        with open(settings_path, "w") as f:
            json.dump(settings, f)
        config = os.path.join(self.dir, "jupyterhub_config.py")
        with open(config, "w") as f:
            f.write(CONFIG.format(settings=settings_path, refresh_age=REFRESH_AGE))
        self.log = open(os.path.join(self.dir, "hub.log"), "w")
        env = {**os.environ, "JUPYTERHUB_CRYPT_KEY": secrets.token_hex(32)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", config],
            cwd=self.dir, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the hub exited: {self.logs()}")
            try:
                if requests.get(f"{self.url}/hub/api/", timeout=2).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"the hub did not answer within 60 s: {self.logs()}")

    def logs(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()[-4000:]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def cookie_secret(self):
        # As JupyterHub reads its cookie_secret_file: hex, decoded.
        with open(os.path.join(self.dir, "cookie_secret")) as f:
            return bytes.fromhex(f.read().strip())

    def user(self, name):
        r = requests.get(
            f"{self.url}/hub/api/users/{name}",
            headers={"Authorization": f"token {self.probe_token}"}, timeout=10,
        )
        return r.json() if r.status_code == 200 else None


class LoginTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.provider = Provider()
        try:
            cls.hub = Hub(cls.provider, MODE)
        except Exception:
            cls.provider.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.hub.stop()
        cls.provider.close()

    def identity(self, sub, username, *groups):
        self.provider.identities[sub] = {
            "sub": sub, "preferred_username": username, "groups": list(groups),
        }

    def login(self, sub):
        """A browser logging in as `sub`: the hub's redirect to the provider and back."""
        self.provider.next_login = sub
        browser = requests.Session()
        r = browser.get(f"{self.hub.url}/hub/oauth_login?next=/hub/home", timeout=20)
        return browser, r

    def home(self, browser):
        """The hub's home page for a logged-in browser, once the refresh age has passed."""
        time.sleep(REFRESH_AGE + 0.5)
        return browser.get(f"{self.hub.url}/hub/home", allow_redirects=False, timeout=20)

    def test_removed_from_the_users_group_is_logged_out_and_cannot_log_in_again(self):
        self.identity("id-bob", "bob", "jupyterhub-users")
        browser, r = self.login("id-bob")
        self.assertEqual(r.status_code, 200, self.hub.logs())
        self.assertEqual(self.home(browser).status_code, 200)
        self.provider.identities["id-bob"]["groups"] = []
        r = self.home(browser)
        self.assertEqual(r.status_code, 302, "a removed user must be sent to log in again")
        self.assertIn("/hub/login", r.headers["Location"])
        _, again = self.login("id-bob")
        self.assertEqual(again.status_code, 403)

    def test_removed_from_the_admin_group_loses_admin(self):
        self.identity("id-alice", "alice", "jupyterhub-users", "jupyterhub-admins")
        browser, r = self.login("id-alice")
        self.assertEqual(r.status_code, 200, self.hub.logs())
        self.assertTrue(self.hub.user("id-alice")["admin"])
        self.provider.identities["id-alice"]["groups"] = ["jupyterhub-users"]
        self.assertEqual(self.home(browser).status_code, 200)
        self.assertFalse(self.hub.user("id-alice")["admin"])

    def test_users_are_named_by_sub_so_a_reused_username_is_someone_else(self):
        self.identity("id-carol", "carol", "jupyterhub-users")
        self.identity("id-mallory", "carol", "jupyterhub-users")
        self.assertEqual(self.login("id-carol")[1].status_code, 200, self.hub.logs())
        self.assertEqual(self.login("id-mallory")[1].status_code, 200, self.hub.logs())
        self.assertIsNotNone(self.hub.user("id-carol"))
        self.assertIsNotNone(self.hub.user("id-mallory"))
        self.assertIsNone(self.hub.user("carol"))

    def test_a_session_lasts_one_day_at_most(self):
        # The hub checks the age signed into its login cookie (cookie_max_age_days): the
        # same cookie signed 23 h ago is accepted, signed 25 h ago it is not.
        self.identity("id-dave", "dave", "jupyterhub-users")
        browser, r = self.login("id-dave")
        self.assertEqual(r.status_code, 200, self.hub.logs())
        name = "jupyterhub-hub-login"
        cookie = next(c for c in browser.cookies if c.name == name)
        secret = self.hub.cookie_secret()
        cookie_id = decode_signed_value(secret, name, cookie.value.strip('"'), max_age_days=31)
        self.assertIsNotNone(cookie_id)
        for hours, expected in [(23, 200), (25, 302)]:
            signed = create_signed_value(
                secret, name, cookie_id, clock=lambda: time.time() - hours * 3600
            ).decode()
            aged = requests.Session()
            aged.cookies.set(name, signed, domain=cookie.domain, path=cookie.path)
            r = aged.get(f"{self.hub.url}/hub/home", allow_redirects=False, timeout=20)
            self.assertEqual(r.status_code, expected, f"a login cookie signed {hours} h ago")

    def test_the_smoke_test_user_made_through_the_api_may_spawn_and_nobody_else_without_a_login(self):
        # Neither has logged in, so neither has auth state. The spawn itself fails here
        # (no such system user for the default spawner): what matters is that the smoke
        # test's user gets past the refresh before the spawn and another user does not.
        headers = {"Authorization": f"token {self.hub.probe_token}"}
        answers = {}
        for name in ["hub-smoke-test", "made-by-api"]:
            r = requests.post(f"{self.hub.url}/hub/api/users/{name}", headers=headers, timeout=10)
            self.assertEqual(r.status_code, 201, self.hub.logs())
            r = requests.post(f"{self.hub.url}/hub/api/users/{name}/server", headers=headers, timeout=30)
            answers[name] = (r.status_code, r.text)
        self.assertEqual(answers["made-by-api"][0], 403, answers)
        self.assertIn("login again", answers["made-by-api"][1])
        self.assertNotIn("login again", answers["hub-smoke-test"][1], answers)
        self.assertNotEqual(answers["hub-smoke-test"][0], 403, answers)


if __name__ == "__main__":
    unittest.main(verbosity=2)
