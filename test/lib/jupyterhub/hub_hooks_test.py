"""Tests of the hub's Python hooks against stand-in spawners and users, and the real
traitlets Config that jupyterhub_config.py hands them as `c`.

Run by test/lib/jupyterhub/hub-hooks.test.ts with the hooks folder as the first
argument: python3 hub_hooks_test.py <values/jupyterhub/files>. Needs traitlets
(Debian's python3-traitlets); without it the run fails rather than skips.
"""

import sys
import unittest
from types import SimpleNamespace

from traitlets import Dict, HasTraits, Integer
from traitlets.config import Config

sys.path.insert(0, sys.argv.pop(1))

import hub_access  # noqa: E402
import shared_folder  # noqa: E402

SETTINGS = {
    "volume": "shared",
    "claim": "shared",
    "readWriteMountPath": "/home/jovyan/shared-readwrite",
    "instructors": {"users": ["lead"], "groups": ["org:tutorial-leads"]},
}
HOME = {"name": "home", "mountPath": "/home/jovyan", "subPath": "{username}"}
SHARED_RO = {"name": "shared", "mountPath": "/home/jovyan/shared", "readOnly": True}


def user(name, *groups):
    return SimpleNamespace(name=name, groups=[SimpleNamespace(name=g) for g in groups])


def spawner(u, mounts):
    return SimpleNamespace(user=u, volume_mounts=mounts)


class SharedFolderTest(unittest.TestCase):
    def test_participant_gets_no_writable_mount(self):
        s = spawner(user("participant", "org:everyone"), {"home": HOME, "0-shared": SHARED_RO})
        self.assertFalse(shared_folder.add_instructor_mount(s, SETTINGS))
        self.assertEqual(s.volume_mounts, {"home": HOME, "0-shared": SHARED_RO})

    def test_listed_user_gets_writable_mount_in_the_charts_dict_form(self):
        before = {"home": HOME, "0-shared": SHARED_RO}
        s = spawner(user("lead"), before)
        self.assertTrue(shared_folder.add_instructor_mount(s, SETTINGS))
        self.assertEqual(
            s.volume_mounts["shared-readwrite"],
            {"name": "shared", "mountPath": "/home/jovyan/shared-readwrite", "readOnly": False},
        )
        self.assertEqual(s.volume_mounts["0-shared"]["readOnly"], True)
        self.assertNotIn("shared-readwrite", before, "the configured mounts must not change")

    def test_group_member_gets_writable_mount_in_list_form(self):
        s = spawner(user("ta", "org:tutorial-leads"), [HOME, SHARED_RO])
        self.assertTrue(shared_folder.add_instructor_mount(s, SETTINGS))
        self.assertEqual([m["mountPath"] for m in s.volume_mounts][-1], "/home/jovyan/shared-readwrite")

    def test_configure_chains_an_existing_hook(self):
        calls = []
        c = Config()
        c.KubeSpawner.pre_spawn_hook = lambda sp: calls.append(sp.user.name)
        shared_folder.configure(c, SETTINGS)
        s = spawner(user("lead"), [HOME])
        c.KubeSpawner.pre_spawn_hook(s)
        self.assertEqual(calls, ["lead"])
        self.assertEqual(len(s.volume_mounts), 2)

    def test_configure_without_an_existing_hook(self):
        c = Config()
        shared_folder.configure(c, SETTINGS)
        s = spawner(user("participant"), [HOME])
        c.KubeSpawner.pre_spawn_hook(s)
        self.assertEqual(s.volume_mounts, [HOME])


PROFILES = [{"slug": "default"}, {"slug": "gpu"}, {"slug": "big"}]
ACCESS = {"gpu": {"users": [], "groups": ["org:tutorial-leads"]}, "big": {"users": ["alice"], "groups": []}}


class HubAccessTest(unittest.TestCase):
    def slugs(self, u):
        c = Config()
        c.KubeSpawner.profile_list = PROFILES
        hub_access.configure(c, {"profileAccess": ACCESS, "githubTeamGroups": False})
        return [p["slug"] for p in c.KubeSpawner.profile_list(spawner(u, []))]

    def test_unrestricted_profiles_for_everyone(self):
        self.assertEqual(self.slugs(user("bob")), ["default"])

    def test_group_restricted_profile_for_members(self):
        self.assertEqual(self.slugs(user("ta", "org:tutorial-leads")), ["default", "gpu"])

    def test_user_restricted_profile_for_that_user(self):
        self.assertEqual(self.slugs(user("alice")), ["default", "big"])

    def test_github_teams_become_org_team_groups(self):
        auth_state = {
            "teams": [
                {"slug": "tutorial-leads", "organization": {"login": "ICESAT-2HackWeek"}},
                {"slug": "organisers", "organization": {"login": "ICESAT-2HackWeek"}},
            ]
        }
        self.assertEqual(
            hub_access.github_team_groups(auth_state),
            ["ICESAT-2HackWeek:organisers", "ICESAT-2HackWeek:tutorial-leads"],
        )
        self.assertEqual(hub_access.github_team_groups({}), [])

    def test_configure_without_a_profile_list_offers_none(self):
        c = Config()
        hub_access.configure(c, {"profileAccess": ACCESS, "githubTeamGroups": False})
        self.assertEqual(c.KubeSpawner.profile_list(spawner(user("alice"), [])), [])

    def test_configure_sets_the_group_mapping_only_for_github(self):
        c = Config()
        c.KubeSpawner.profile_list = PROFILES
        hub_access.configure(c, {"profileAccess": {}, "githubTeamGroups": True})
        self.assertIs(c.GitHubOAuthenticator.auth_state_groups_key, hub_access.github_team_groups)
        other = Config()
        hub_access.configure(other, {"profileAccess": {}, "githubTeamGroups": False})
        self.assertNotIn("GitHubOAuthenticator", other)


class TimedSpawner(HasTraits):
    """The traits of a Spawner the start-timeout hook touches, typed as JupyterHub's are."""

    start_timeout = Integer(900)  # the chart's: the longest profile's
    user_options = Dict()

    def __init__(self, options, name="participant"):
        super().__init__(user_options=options)
        self.user = user(name)
        self.volume_mounts = [HOME]


TIMEOUTS = {"profileAccess": {}, "startTimeouts": {"default": 300, "gpu": 900}, "defaultProfile": "default"}


class StartTimeoutTest(unittest.TestCase):
    def spawn(self, options):
        s = TimedSpawner(options)
        hub_access.make_start_timeout_hook(TIMEOUTS)(s)
        return s.start_timeout

    def test_the_chosen_profile_sets_the_timeout(self):
        self.assertEqual(self.spawn({"profile": "gpu"}), 900)
        self.assertEqual(self.spawn({"profile": "default"}), 300)

    def test_a_spawn_without_a_profile_gets_the_default_profiles(self):
        self.assertEqual(self.spawn({}), 300)
        self.assertEqual(self.spawn({"profile": ""}), 300)

    def test_an_unknown_profile_keeps_the_hub_wide_timeout(self):
        self.assertEqual(self.spawn({"profile": "a100"}), 900)

    def test_configure_installs_it_after_the_shared_folder_hook_as_extra_config_does(self):
        c = Config()
        c.KubeSpawner.profile_list = PROFILES
        shared_folder.configure(c, SETTINGS)
        hub_access.configure(c, TIMEOUTS)
        s = TimedSpawner({"profile": "default"}, name="lead")
        c.KubeSpawner.pre_spawn_hook(s)
        self.assertEqual(s.start_timeout, 300)
        self.assertEqual(len(s.volume_mounts), 2, "the instructor mount hook still runs")


if __name__ == "__main__":
    unittest.main(verbosity=2)
