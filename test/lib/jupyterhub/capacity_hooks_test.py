"""Unit tests of night_mode.py and profile_idle.py in the hub's Python (pytest): the night
and its announcement in a real IANA zone, across midnight and daylight saving; which
servers a sweep chooses; the idle flag a profile's spawn gets. Run by
capacity-hooks.test.ts with HUB_HOOKS_DIR set."""

import datetime
import os
import sys

sys.path.insert(0, os.environ["HUB_HOOKS_DIR"])

import night_mode  # noqa: E402
import profile_idle  # noqa: E402
from traitlets.config import Config  # noqa: E402

UTC = datetime.timezone.utc
SEATTLE = {
    "timeZone": "America/Los_Angeles",
    "start": "22:00",
    "end": "07:00",
    "idleSeconds": 1800,
    "optOutGroup": "org:night-owls",
    "announceMinutesBefore": 60,
}


def at(text):
    """A UTC instant from 'YYYY-MM-DD HH:MM'."""
    return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)


def test_night_is_wall_clock_time_in_the_zone_across_midnight():
    # 22:00 in Seattle is 05:00 UTC in summer (PDT, UTC-7) and 06:00 UTC in winter (PST).
    assert night_mode.is_night(at("2026-07-01 05:00"), SEATTLE)
    assert not night_mode.is_night(at("2026-07-01 04:59"), SEATTLE)
    assert night_mode.is_night(at("2026-12-01 06:00"), SEATTLE)
    assert not night_mode.is_night(at("2026-12-01 05:59"), SEATTLE)
    # 06:59 in the morning is still night, 07:00 is not.
    assert night_mode.is_night(at("2026-07-01 13:59"), SEATTLE)
    assert not night_mode.is_night(at("2026-07-01 14:00"), SEATTLE)


def test_announcement_from_the_lead_time_until_the_end_of_the_night():
    assert night_mode.announcement(at("2026-07-01 03:59"), SEATTLE) == ""  # 20:59 PDT
    text = night_mode.announcement(at("2026-07-01 04:00"), SEATTLE)  # 21:00 PDT
    assert "from 22:00 until 07:00 (America/Los_Angeles)" in text
    assert "idle for 30 minutes or more" in text
    assert "Your files are safe" in text
    assert "<code>org:night-owls</code>" in text
    assert night_mode.announcement(at("2026-07-01 13:59"), SEATTLE) != ""  # 06:59 PDT
    assert night_mode.announcement(at("2026-07-01 14:00"), SEATTLE) == ""  # 07:00 PDT


def server(last_activity, ready=True, pending=None):
    return {"ready": ready, "pending": pending, "last_activity": last_activity}


def test_sweep_chooses_idle_ready_servers_of_users_outside_the_opt_out_group():
    now = at("2026-07-01 08:00")
    users = [
        {"name": "idle", "groups": [], "servers": {"": server("2026-07-01T07:29:00Z")}},
        {"name": "recent", "groups": [], "servers": {"": server("2026-07-01T07:45:00.123456Z")}},
        {"name": "owl", "groups": ["org:night-owls"], "servers": {"": server("2026-07-01T01:00:00Z")}},
        {"name": "starting", "groups": [], "servers": {"": server(None, ready=False, pending="spawn")}},
        {"name": "named", "groups": [], "servers": {"gpu": server("2026-07-01T06:00:00+00:00")}},
        {"name": "never", "groups": [], "servers": {"": server(None)}},
    ]
    assert night_mode.to_stop(users, now, SEATTLE) == [("idle", ""), ("named", "gpu"), ("never", "")]


class FakeApi:
    def __init__(self, users, refuse=()):
        self.users, self.refuse, self.stopped = users, set(refuse), []

    def active_users(self):
        return self.users

    def stop(self, user, name):
        if user in self.refuse:
            raise RuntimeError("HTTP 403")
        self.stopped.append((user, name))


def test_a_refused_stop_does_not_spare_the_others():
    users = [
        {"name": name, "groups": [], "servers": {"": server("2026-07-01T01:00:00Z")}} for name in ("a", "b", "c")
    ]
    api = FakeApi(users, refuse={"b"})
    assert night_mode.sweep(api, at("2026-07-01 08:00"), SEATTLE) == [("a", ""), ("c", "")]


def test_the_loop_sweeps_only_at_night():
    api = FakeApi([{"name": "a", "groups": [], "servers": {"": server("2026-07-01T01:00:00Z")}}])
    clock = iter([at("2026-07-01 03:00"), at("2026-07-01 06:00")])  # 20:00 then 23:00 PDT
    night_mode.run(dict(SEATTLE, checkIntervalSeconds=1), api, clock=lambda: next(clock), sleep=lambda s: None, rounds=1)
    assert api.stopped == []
    night_mode.run(dict(SEATTLE, checkIntervalSeconds=1), api, clock=lambda: next(clock), sleep=lambda s: None, rounds=1)
    assert api.stopped == [("a", "")]


def test_configure_adds_announcement_service_role_and_keeps_what_was_there():
    c = Config()
    c.JupyterHub.services = [{"name": "jupyterhub-idle-culler"}]
    c.JupyterHub.template_vars = {"custom": 1}
    night_mode.configure(c, dict(SEATTLE, createOptOutGroup=True))
    assert [s["name"] for s in c.JupyterHub.services] == ["jupyterhub-idle-culler", "night-mode"]
    assert c.JupyterHub.services[1]["command"][1].endswith("night_mode.py")
    assert c.JupyterHub.template_vars["custom"] == 1
    assert callable(c.JupyterHub.template_vars["announcement"])
    assert c.JupyterHub.load_roles[-1]["scopes"] == night_mode.SCOPES
    assert "admin:users" not in night_mode.SCOPES
    assert c.JupyterHub.load_groups == {"org:night-owls": {"users": []}}


def test_no_group_is_created_when_the_login_supplies_groups():
    c = Config()
    night_mode.configure(c, dict(SEATTLE, createOptOutGroup=False))
    assert "load_groups" not in c.JupyterHub


class Spawner:
    def __init__(self, options):
        self.user_options = options
        self.args = CONFIGURED


CONFIGURED = ["--allow-root"]
SETTINGS = {"idleTimeouts": {"gpu": 1800}, "defaultProfile": "cpu"}


def test_the_gpu_profile_gets_its_idle_flag_and_the_cpu_profile_none():
    hook = profile_idle.make_hook(SETTINGS)
    gpu, cpu, default = Spawner({"profile": "gpu"}), Spawner({"profile": "cpu"}), Spawner({})
    for spawner in (gpu, cpu, default):
        hook(spawner)
    assert gpu.args == ["--allow-root", "--ServerApp.shutdown_no_activity_timeout=1800"]
    assert cpu.args == ["--allow-root"]
    assert default.args == ["--allow-root"]
    assert CONFIGURED == ["--allow-root"]  # the configured list is shared: never changed in place


def test_a_respawn_with_another_profile_drops_the_earlier_flag():
    hook = profile_idle.make_hook(SETTINGS)
    spawner = Spawner({"profile": "gpu"})
    hook(spawner)
    spawner.user_options = {"profile": "cpu"}
    hook(spawner)
    assert spawner.args == ["--allow-root"]


def test_configure_keeps_the_earlier_pre_spawn_hook():
    calls = []
    c = Config()
    c.KubeSpawner.pre_spawn_hook = lambda spawner: calls.append("earlier")
    profile_idle.configure(c, SETTINGS)
    spawner = Spawner({"profile": "gpu"})
    c.KubeSpawner.pre_spawn_hook(spawner)
    assert calls == ["earlier"]
    assert spawner.args[-1] == "--ServerApp.shutdown_no_activity_timeout=1800"


def test_configure_keeps_a_hook_set_on_spawner_which_kubespawner_inherits():
    calls = []
    c = Config()
    c.Spawner.pre_spawn_hook = lambda spawner: calls.append("on Spawner")
    profile_idle.configure(c, SETTINGS)
    c.KubeSpawner.pre_spawn_hook(Spawner({"profile": "gpu"}))
    assert calls == ["on Spawner"]
