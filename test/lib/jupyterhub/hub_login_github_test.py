"""The hackweek's GitHub login as shipped, driven through oauthenticator 17.4's real
GitHubOAuthenticator (hub_login's subclass) against a GitHub API faked on loopback:
a refreshed login passes the organisation check again, and admin follows the team.

Run by test/lib/jupyterhub/hub-login.test.ts with the hub's Python:

    python hub_login_github_test.py <values.json> <hooks dir>

values.json holds the release's `hub` and `custom` values; the config is built as the
chart's jupyterhub_config.py builds it (hub.config sections, then the hooks' configure).
"""

import asyncio
import json
import os
import secrets
import sys
import unittest
from types import SimpleNamespace
from urllib.parse import urlparse

from traitlets.config import Config

VALUES, HOOKS = sys.argv[1:3]
del sys.argv[1:3]
sys.path.insert(0, HOOKS)
os.environ.setdefault("JUPYTERHUB_CRYPT_KEY", secrets.token_hex(32))

import hub_access  # noqa: E402
import hub_login  # noqa: E402
from oauthenticator.github import GitHubOAuthenticator  # noqa: E402
from hub_support import JsonHandler, LoopbackServer  # noqa: E402

ORG = "ICESAT-2HackWeek"


class GitHub(LoopbackServer):
    """The GitHub API: users by token, organisation members, and each user's teams."""

    def __init__(self):
        self.users = {}  # token -> login
        self.members = set()
        self.teams = {}  # login -> [slug]
        github = self

        class Handler(JsonHandler):
            def do_GET(self):
                token = self.headers.get("Authorization", "").split(" ")[-1]
                login = github.users.get(token)
                if login is None:
                    return self.reply(401, {"message": "Bad credentials"})
                path = urlparse(self.path).path.removeprefix("/api/v3")
                if path == "/user":
                    return self.reply(200, {"login": login, "id": hash(login) % 10**6, "name": login, "email": None})
                if path == "/user/teams":
                    return self.reply(
                        200,
                        [{"slug": t, "organization": {"login": ORG}} for t in github.teams.get(login, [])],
                    )
                if path.startswith(f"/orgs/{ORG}/members/"):
                    # GitHub matches logins case-insensitively; the hub lower-cases them.
                    member = path.rsplit("/", 1)[1].lower() in {m.lower() for m in github.members}
                    return self.reply(204 if member else 404)
                return self.reply(404, {"message": "Not Found"})

        super().__init__(Handler)


def hub_config(github_url):
    with open(VALUES) as f:
        values = json.load(f)
    c = Config()
    for section, cfg in values["hub"]["config"].items():
        c[section].update(cfg)
    hub_access.configure(c, values["custom"]["hubAccess"])
    hub_login.configure(c, values["custom"]["hubLogin"])
    c.GitHubOAuthenticator.github_url = github_url
    c.GitHubOAuthenticator.client_secret = "test-client-secret"
    return c, values["hub"]["config"]["JupyterHub"]["authenticator_class"]


class GitHubRefreshTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.github = GitHub()
        cls.config, cls.authenticator_class = hub_config(cls.github.url)

    @classmethod
    def tearDownClass(cls):
        cls.github.close()

    def user(self, login, *teams):
        token = secrets.token_hex(8)
        self.github.users[token] = login
        self.github.members.add(login)
        self.github.teams[login] = list(teams)
        state = {
            "access_token": token,
            "token_response": {"access_token": token, "token_type": "bearer", "scope": "read:org"},
            "github_user": {"login": login},
            "scope": ["read:org"],
        }

        async def get_auth_state():
            return state

        return SimpleNamespace(name=login.lower(), get_auth_state=get_auth_state)

    def refresh(self, cls, user):
        return asyncio.run(cls(config=self.config).refresh_user(user))

    def test_the_hub_uses_the_reauthorizing_class(self):
        self.assertEqual(self.authenticator_class, "hub_login.GitHubOAuthenticator")

    def test_a_member_stays_logged_in_with_teams_as_groups(self):
        lead = self.user("Lead", "tutorial-leads")
        refreshed = self.refresh(hub_login.GitHubOAuthenticator, lead)
        self.assertIsInstance(refreshed, dict)
        self.assertEqual(refreshed["groups"], [f"{ORG}:tutorial-leads"])
        self.assertFalse(refreshed["admin"])

    def test_someone_removed_from_the_organisation_is_logged_out(self):
        gone = self.user("gone", "tutorial-leads")
        self.github.members.discard("gone")
        self.github.teams["gone"] = []
        self.assertIs(self.refresh(hub_login.GitHubOAuthenticator, gone), False)
        # oauthenticator's own class hands JupyterHub a valid login, which it applies.
        self.assertIsInstance(self.refresh(GitHubOAuthenticator, gone), dict)

    def test_an_organiser_removed_from_the_team_loses_admin(self):
        organiser = self.user("organiser", "organisers")
        self.assertTrue(self.refresh(hub_login.GitHubOAuthenticator, organiser)["admin"])
        self.github.teams["organiser"] = []
        refreshed = self.refresh(hub_login.GitHubOAuthenticator, organiser)
        self.assertIsInstance(refreshed, dict)
        self.assertFalse(refreshed["admin"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
