"""Night mode: from a set time until morning, servers idle at least a set time are
stopped, except those of members of an opt-out group; the hub's pages announce it
beforehand and say that files are safe.

Two halves, both from `custom.nightMode` (config/schedule-schema.ts):

- in the hub process, `configure(c, settings)` puts a callable `announcement` into
  c.JupyterHub.template_vars (JupyterHub calls it on every page render, so the banner
  appears `announceMinutesBefore` the night and stays until its end), registers this file
  as a hub-managed service with a role of its own, and, when the login supplies no groups,
  creates the opt-out group so admins can add members on the admin page;
- as that service (`python night_mode.py`), a loop that, during the night, lists active
  servers through the hub's REST API every `checkIntervalSeconds` and stops those idle at
  least `idleSeconds` whose owner is not in `optOutGroup`.

Times are wall-clock 'HH:MM' in the IANA zone `timeZone`; a night whose end is at or
before its start runs past midnight. Only the standard library and the hub's own API.
"""

import datetime
import json
import logging
import os
import sys
import time
import urllib.parse
import urllib.request
from zoneinfo import ZoneInfo

SERVICE_NAME = "night-mode"
SETTINGS_ENV = "NIGHT_MODE_SETTINGS"
#: What the service may do through the hub's API: see users, their groups and servers, stop servers.
SCOPES = [
    "list:users",
    "read:users:name",
    "read:users:groups",
    "read:users:activity",
    "read:servers",
    "delete:servers",
]

log = logging.getLogger(SERVICE_NAME)


def _minutes(clock):
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _local(now, settings):
    return now.astimezone(ZoneInfo(settings["timeZone"]))


def _within(minute, start, end):
    """True if `minute` of the day lies in [start, end), wrapping past midnight."""
    if start < end:
        return start <= minute < end
    return minute >= start or minute < end


def _minute_of_day(local):
    return local.hour * 60 + local.minute


def is_night(now, settings):
    """True during the night: from `start` (inclusive) until `end`, in the schedule's zone."""
    minute = _minute_of_day(_local(now, settings))
    return _within(minute, _minutes(settings["start"]), _minutes(settings["end"]))


def announcement(now, settings):
    """The banner text from `announceMinutesBefore` the night until its end, else ''."""
    start = _minutes(settings["start"])
    lead = int(settings.get("announceMinutesBefore", 60))
    minute = _minute_of_day(_local(now, settings))
    if not _within(minute, (start - lead) % 1440, _minutes(settings["end"])):
        return ""
    idle = int(settings["idleSeconds"]) // 60
    return (
        f"Night mode: from {settings['start']} until {settings['end']} ({settings['timeZone']}), "
        f"servers idle for {idle} minutes or more are stopped. "
        "Your files are safe: everything in your home folder stays, only running kernels "
        "and unsaved changes are lost, so save your notebooks. "
        f"To keep your server running overnight, ask an organiser to add you to the group "
        f"<code>{settings['optOutGroup']}</code>."
    )


def _parse_time(value):
    if not value:
        return None
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))


def to_stop(users, now, settings):
    """(user, server name) pairs to stop: ready servers idle at least `idleSeconds`
    whose owner is not in the opt-out group."""
    threshold = datetime.timedelta(seconds=int(settings["idleSeconds"]))
    group = settings["optOutGroup"]
    chosen = []
    for user in users:
        if group in (user.get("groups") or []):
            continue
        for name, server in (user.get("servers") or {}).items():
            if not server.get("ready") or server.get("pending"):
                continue
            last = _parse_time(server.get("last_activity"))
            if last is None or now - last >= threshold:
                chosen.append((user["name"], name))
    return chosen


class HubApi:
    """The few hub REST calls the service makes, with its own token."""

    def __init__(self, url, token):
        self.url = url.rstrip("/")
        self.token = token

    def _call(self, method, path, headers=None):
        request = urllib.request.Request(f"{self.url}{path}", method=method)
        request.add_header("Authorization", f"token {self.token}")
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
            return json.loads(body) if body else None

    def active_users(self):
        users, offset = [], 0
        while True:
            page = self._call(
                "GET",
                f"/users?state=active&offset={offset}&limit=200",
                {"Accept": "application/jupyterhub-pagination+json"},
            )
            users.extend(page["items"])
            following = (page.get("_pagination") or {}).get("next")
            if not following:
                return users
            offset = following["offset"]

    def stop(self, user, server):
        quoted = urllib.parse.quote(user, safe="")
        path = f"/users/{quoted}/server" if server == "" else f"/users/{quoted}/servers/{urllib.parse.quote(server, safe='')}"
        self._call("DELETE", path)


def sweep(api, now, settings):
    """Stops what `to_stop` chooses; returns the (user, server) pairs it stopped."""
    stopped = []
    for user, server in to_stop(api.active_users(), now, settings):
        try:
            api.stop(user, server)
        except Exception as error:  # one refusal must not spare everyone else
            log.warning("could not stop %s/%s: %s", user, server, error)
            continue
        log.info("night mode stopped the idle server %r of %s", server, user)
        stopped.append((user, server))
    return stopped


def run(settings, api, clock=None, sleep=time.sleep, rounds=None):
    """The service loop: sweep every `checkIntervalSeconds` while it is night."""
    clock = clock or (lambda: datetime.datetime.now(datetime.timezone.utc))
    interval = int(settings.get("checkIntervalSeconds", 300))
    done = 0
    while rounds is None or done < rounds:
        now = clock()
        if is_night(now, settings):
            try:
                sweep(api, now, settings)
            except Exception as error:  # the hub restarting must not end the service
                log.warning("night-mode sweep failed: %s", error)
        done += 1
        sleep(interval)


def configure(c, settings, python=None):
    """Hub-side wiring: the announcement, the service and its role, the opt-out group."""
    here = os.path.abspath(__file__)
    variables = dict(c.JupyterHub.template_vars) if "template_vars" in c.JupyterHub else {}
    variables["announcement"] = lambda user: announcement(
        datetime.datetime.now(datetime.timezone.utc), settings
    )
    c.JupyterHub.template_vars = variables

    services = list(c.JupyterHub.services) if "services" in c.JupyterHub else []
    services.append(
        {
            "name": SERVICE_NAME,
            "command": [python or sys.executable, here],
            "environment": {SETTINGS_ENV: json.dumps(settings)},
            "display": False,
        }
    )
    c.JupyterHub.services = services
    roles = list(c.JupyterHub.load_roles) if "load_roles" in c.JupyterHub else []
    roles.append(
        {
            "name": SERVICE_NAME,
            "description": "Stop idle servers at night, except the opt-out group's",
            "scopes": list(SCOPES),
            "services": [SERVICE_NAME],
        }
    )
    c.JupyterHub.load_roles = roles
    if settings.get("createOptOutGroup"):
        groups = dict(c.JupyterHub.load_groups) if "load_groups" in c.JupyterHub else {}
        groups.setdefault(settings["optOutGroup"], {"users": []})
        c.JupyterHub.load_groups = groups


def main():
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = json.loads(os.environ[SETTINGS_ENV])
    api = HubApi(os.environ["JUPYTERHUB_API_URL"], os.environ["JUPYTERHUB_API_TOKEN"])
    log.info(
        "night mode from %s to %s (%s), stopping servers idle %ss, sparing group %s",
        settings["start"],
        settings["end"],
        settings["timeZone"],
        settings["idleSeconds"],
        settings["optOutGroup"],
    )
    run(settings, api)


if __name__ == "__main__":
    main()
