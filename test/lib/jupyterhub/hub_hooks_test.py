"""Tests of the hub's Python hooks (values/jupyterhub/files) against the objects they meet in
the hub: KubeSpawner 7 in its mock mode (no cluster), JupyterHub 5.5's User over a real
(in-memory) database with real groups, the traitlets Config that jupyterhub_config.py hands
them as `c`, and oauthenticator 17's GitHubOAuthenticator.

A spawn is driven in JupyterHub 5.5's order (jupyterhub/user.py, User.spawn): user_options
set, the pre_spawn_hook run, the hub's start timeout read, and then KubeSpawner's own
start begins with load_user_options, which picks and applies the profile. The pod manifest
is KubeSpawner's own.

Run by test/lib/jupyterhub/hub-hooks.test.ts with the hub's Python environment:
    HUB_HOOKS_DIR=values/jupyterhub/files HUB_HOOKS_RELEASE=<values.json> python -m pytest <this file>
HUB_HOOKS_RELEASE is the hackweek environment's synthesized jupyterhub release values.
"""

import asyncio
import functools
import json
import os
import sys

import hub_support
from hub_support import prepare_spawn, profiles_offered

hub_support.offline_kubeconfig()  # before kubespawner is imported

import pytest  # noqa: E402
from jupyterhub import orm  # noqa: E402
from jupyterhub.utils import maybe_future  # noqa: E402
from kubespawner import KubeSpawner  # noqa: E402
from oauthenticator.github import GitHubOAuthenticator  # noqa: E402
from traitlets.config import Config  # noqa: E402

sys.path.insert(0, os.environ["HUB_HOOKS_DIR"])


import hub_access  # noqa: E402
import shared_folder  # noqa: E402

with open(os.environ["HUB_HOOKS_RELEASE"]) as f:
    RELEASE = json.load(f)

SHARED = RELEASE["custom"]["sharedFolder"]
ACCESS = RELEASE["custom"]["hubAccess"]
PROFILES = RELEASE["singleuser"]["profileList"]
# The chart's form (jupyterhub_config.py): volume mounts as a dict keyed by name.
HOME = {"name": "home", "mountPath": "/home/jovyan", "subPath": "{username}"}
MOUNTS = {"home": HOME, **{f"{i}-{m['name']}": m for i, m in enumerate(RELEASE["singleuser"]["storage"]["extraVolumeMounts"])}}


def in_loop(test):
    """Runs an async test in a fresh event loop: KubeSpawner makes its Kubernetes client,
    which never connects here, in the running loop when it is constructed."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))

    return run


@pytest.fixture
def db():
    session = orm.new_session_factory("sqlite://")()
    yield session
    session.close()


@pytest.fixture
def make_user(db):
    def make(name, *groups):
        return hub_support.make_user(db, name, groups)

    return make


def chart_config():
    """What jupyterhub_config.py has set on `c` when hub.extraConfig runs: the profile list
    and the mounts, from the synthesized release."""
    c = Config()
    c.KubeSpawner.profile_list = PROFILES
    c.KubeSpawner.volume_mounts = MOUNTS
    c.KubeSpawner.start_timeout = RELEASE["singleuser"]["startTimeout"]
    return c


def configured():
    """The chart's config with the hooks installed as hub.extraConfig installs them."""
    c = chart_config()
    shared_folder.configure(c, SHARED)
    hub_access.configure(c, ACCESS)
    return c


def spawner_for(user, c):
    return KubeSpawner(_mock=True, user=user, config=c)


def profile(slug):
    return next(p for p in PROFILES if p["slug"] == slug)


INSTRUCTOR_GROUP = SHARED["instructors"]["groups"][0]
RESTRICTED = next(slug for slug in ACCESS["profileAccess"])
OPEN = ACCESS["defaultProfile"]


def test_the_release_under_test_has_a_restricted_profile_and_instructor_groups():
    # What the tests below rely on: hackweek's GPU profile is for a group, which instructs.
    assert ACCESS["profileAccess"][RESTRICTED]["groups"] == [INSTRUCTOR_GROUP]
    assert OPEN != RESTRICTED
    assert ACCESS["startTimeouts"][RESTRICTED] != ACCESS["startTimeouts"][OPEN]


class TestProfileList:
    async def offered(self, user):
        spawner = spawner_for(user, configured())
        return [p["slug"] for p in await profiles_offered(spawner)]

    @in_loop
    async def test_participants_get_the_open_profiles_only(self, make_user):
        assert await self.offered(make_user("participant", "someone:else")) == [OPEN]

    @in_loop
    async def test_members_of_the_allowed_group_also_get_the_restricted_one(self, make_user):
        assert await self.offered(make_user("lead", INSTRUCTOR_GROUP)) == [OPEN, RESTRICTED]

    @in_loop
    async def test_a_user_named_in_the_rule_gets_it(self, make_user):
        c = chart_config()
        hub_access.configure(c, {**ACCESS, "profileAccess": {RESTRICTED: {"users": ["alice"], "groups": []}}})
        spawner = spawner_for(make_user("alice"), c)
        assert [p["slug"] for p in await profiles_offered(spawner)] == [OPEN, RESTRICTED]

    @in_loop
    async def test_the_options_form_kubespawner_renders_lists_only_what_the_user_may_pick(self, make_user):
        participant = spawner_for(make_user("participant"), configured())
        form = await participant.get_options_form()
        assert profile(OPEN)["display_name"] in form
        assert profile(RESTRICTED)["display_name"] not in form
        lead = spawner_for(make_user("lead", INSTRUCTOR_GROUP), configured())
        assert profile(RESTRICTED)["display_name"] in await lead.get_options_form()

    @in_loop
    async def test_kubespawner_refuses_a_restricted_profile_asked_for_by_someone_else(self, make_user):
        spawner = spawner_for(make_user("participant"), configured())
        with pytest.raises(ValueError, match=f"No such profile: {RESTRICTED}"):
            await prepare_spawn(spawner, {"profile": RESTRICTED})

    @in_loop
    async def test_without_a_profile_list_none_is_offered(self, make_user):
        c = Config()
        hub_access.configure(c, ACCESS)
        spawner = spawner_for(make_user("alice"), c)
        assert await profiles_offered(spawner) == []


class TestSpawn:
    @in_loop
    async def test_the_chosen_profile_sets_the_hubs_timeout_and_kubespawner_applies_its_size(self, make_user):
        spawner = spawner_for(make_user("lead", INSTRUCTOR_GROUP), configured())
        hub_timeout = await prepare_spawn(spawner, {"profile": RESTRICTED})
        override = profile(RESTRICTED)["kubespawner_override"]
        assert hub_timeout == ACCESS["startTimeouts"][RESTRICTED] == override["start_timeout"]
        assert spawner.cpu_guarantee == override["cpu_guarantee"]
        assert spawner.node_selector == override["node_selector"]
        assert spawner.extra_resource_guarantees == override["extra_resource_guarantees"]

    @in_loop
    async def test_a_spawn_naming_no_profile_gets_kubespawners_default_and_its_timeout(self, make_user):
        spawner = spawner_for(make_user("lead", INSTRUCTOR_GROUP), configured())
        hub_timeout = await prepare_spawn(spawner, {})
        override = profile(OPEN)["kubespawner_override"]
        # KubeSpawner's default profile is the one our release calls the default.
        assert spawner.cpu_guarantee == override["cpu_guarantee"]
        assert spawner.node_selector == override["node_selector"]
        assert hub_timeout == ACCESS["startTimeouts"][OPEN] == spawner.start_timeout

    @in_loop
    async def test_without_the_hook_the_hub_would_wait_the_chart_wide_timeout(self, make_user):
        # Why the hook exists: the profile's timeout reaches the spawner only after the hub's
        # timer has started with the chart-wide one.
        spawner = spawner_for(make_user("participant"), chart_config())
        hub_timeout = await prepare_spawn(spawner, {"profile": OPEN})
        assert hub_timeout == RELEASE["singleuser"]["startTimeout"]
        assert spawner.start_timeout == profile(OPEN)["kubespawner_override"]["start_timeout"]
        assert hub_timeout != spawner.start_timeout

    @in_loop
    async def test_an_unknown_profile_keeps_the_chart_wide_timeout_and_kubespawner_refuses_it(self, make_user):
        spawner = spawner_for(make_user("lead", INSTRUCTOR_GROUP), configured())
        spawner.user_options = {"profile": "a100"}
        await maybe_future(spawner.run_pre_spawn_hook())
        assert spawner.start_timeout == RELEASE["singleuser"]["startTimeout"]
        with pytest.raises(ValueError, match="No such profile: a100"):
            await spawner.load_user_options()


async def mounts_in_pod(spawner):
    pod = await spawner.get_pod_manifest()
    container = pod.spec.containers[0]
    return {m.mount_path: (m.name, bool(m.read_only)) for m in container.volume_mounts}


class TestSharedFolder:
    @in_loop
    async def test_an_instructors_pod_mounts_the_shared_volume_writable_too(self, make_user):
        spawner = spawner_for(make_user("lead", INSTRUCTOR_GROUP), configured())
        await prepare_spawn(spawner, {})
        mounts = await mounts_in_pod(spawner)
        assert mounts[SHARED["readWriteMountPath"]] == (SHARED["volume"], False)
        shared_ro = RELEASE["singleuser"]["storage"]["extraVolumeMounts"][0]
        assert mounts[shared_ro["mountPath"]] == (SHARED["volume"], True)

    @in_loop
    async def test_a_participants_pod_has_the_read_only_mount_only(self, make_user):
        spawner = spawner_for(make_user("participant"), configured())
        await prepare_spawn(spawner, {})
        mounts = await mounts_in_pod(spawner)
        assert SHARED["readWriteMountPath"] not in mounts
        assert [v for v in mounts.values() if v[0] == SHARED["volume"]] == [(SHARED["volume"], True)]

    @in_loop
    async def test_a_user_listed_by_name_gets_it(self, make_user):
        settings = {**SHARED, "instructors": {"users": ["ta"], "groups": []}}
        c = chart_config()
        shared_folder.configure(c, settings)
        spawner = spawner_for(make_user("ta"), c)
        await prepare_spawn(spawner, {})
        assert (await mounts_in_pod(spawner))[SHARED["readWriteMountPath"]] == (SHARED["volume"], False)

    @in_loop
    async def test_other_spawners_configuration_is_not_changed(self, make_user):
        c = configured()
        lead = spawner_for(make_user("lead", INSTRUCTOR_GROUP), c)
        await prepare_spawn(lead, {})
        participant = spawner_for(make_user("participant"), c)
        assert "shared-readwrite" not in participant.volume_mounts
        assert dict(c.KubeSpawner.volume_mounts) == MOUNTS

    @in_loop
    async def test_the_list_form_of_volume_mounts_is_handled(self, make_user):
        c = chart_config()
        c.KubeSpawner.volume_mounts = list(MOUNTS.values())
        shared_folder.configure(c, SHARED)
        spawner = spawner_for(make_user("lead", INSTRUCTOR_GROUP), c)
        await prepare_spawn(spawner, {})
        assert (await mounts_in_pod(spawner))[SHARED["readWriteMountPath"]] == (SHARED["volume"], False)


class TestHookChaining:
    @in_loop
    async def test_both_hooks_run_and_one_configured_before_them_still_runs(self, make_user):
        calls = []
        c = chart_config()
        c.KubeSpawner.pre_spawn_hook = lambda spawner: calls.append(spawner.user.name)
        shared_folder.configure(c, SHARED)
        hub_access.configure(c, ACCESS)
        spawner = spawner_for(make_user("lead", INSTRUCTOR_GROUP), c)
        hub_timeout = await prepare_spawn(spawner, {"profile": RESTRICTED})
        assert calls == ["lead"]
        assert hub_timeout == ACCESS["startTimeouts"][RESTRICTED]
        assert SHARED["readWriteMountPath"] in await mounts_in_pod(spawner)

    @in_loop
    async def test_a_hook_set_on_spawner_not_kubespawner_is_kept(self, make_user):
        calls = []
        c = chart_config()
        c.Spawner.pre_spawn_hook = lambda spawner: calls.append(spawner.user.name)
        shared_folder.configure(c, SHARED)
        hub_access.configure(c, ACCESS)
        spawner = spawner_for(make_user("participant"), c)
        await prepare_spawn(spawner, {})
        assert calls == ["participant"]


class TestGitHubTeams:
    AUTH_STATE = {
        "teams": [
            {"slug": INSTRUCTOR_GROUP.split(":")[1], "organization": {"login": INSTRUCTOR_GROUP.split(":")[0]}},
            {"slug": "organisers", "organization": {"login": "ICESAT-2HackWeek"}},
        ]
    }

    def authenticator(self, github_team_groups=True):
        c = chart_config()
        c.GitHubOAuthenticator.manage_groups = True
        c.GitHubOAuthenticator.admin_groups = ["ICESAT-2HackWeek:organisers"]
        hub_access.configure(c, {**ACCESS, "githubTeamGroups": github_team_groups})
        return GitHubOAuthenticator(config=c)

    @in_loop
    async def test_teams_become_org_team_groups_in_the_real_authenticator(self):
        groups = await self.authenticator().get_user_groups(self.AUTH_STATE)
        assert groups == {INSTRUCTOR_GROUP, "ICESAT-2HackWeek:organisers"}
        assert await self.authenticator().get_user_groups({}) == set()

    @in_loop
    async def test_admin_groups_written_as_org_team_match(self):
        # As oauthenticator builds it: admin is None unless admin_users names the user.
        model = {"name": "lead", "admin": None, "auth_state": self.AUTH_STATE}
        await self.authenticator()._apply_managed_groups(model)
        assert model["groups"] == sorted([INSTRUCTOR_GROUP, "ICESAT-2HackWeek:organisers"])
        assert model["admin"] is True

    def test_other_logins_leave_the_key_alone(self):
        c = Config()
        hub_access.configure(c, {**ACCESS, "githubTeamGroups": False})
        assert "GitHubOAuthenticator" not in c
