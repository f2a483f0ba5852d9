"""Sets the replicas of the chart's user-placeholder StatefulSet through its scale
subresource: what each placeholder CronJob runs (lib/jupyterhub/placeholder-schedule.ts),
and, with --at, the one-off Job `npm run event -- prewarm --until` leaves in the cluster to
undo a pre-warm at a set time (tools/event/prewarm.ts): it sleeps until then, also when
Kubernetes restarts it on another node, and scales then.

Python's standard library only, so a plain pinned python image runs it, and only the two
calls its service account may make: GET and PATCH on
/apis/apps/v1/namespaces/<ns>/statefulsets/<name>/scale. Inside a pod the API server, the
token and the CA come from the service account mount; --api, --token-file and --ca-file
point it elsewhere (the tests' stand-in of the scale API).

Exit codes: 0 scaled (or already at the count), 2 the StatefulSet does not exist, 3 the
service account may not scale it, 1 anything else. Every failure prints one line saying
what went wrong.
"""

import argparse
import datetime
import json
import os
import ssl
import sys
import time
import urllib.error
import urllib.request

SERVICE_ACCOUNT = "/var/run/secrets/kubernetes.io/serviceaccount"
TIMEOUT_SECONDS = 30


class ScaleError(Exception):
    def __init__(self, message, code=1):
        super().__init__(message)
        self.code = code


def default_api():
    host = os.environ.get("KUBERNETES_SERVICE_HOST")
    port = os.environ.get("KUBERNETES_SERVICE_PORT", "443")
    if not host:
        return None
    if ":" in host:
        host = f"[{host}]"
    return f"https://{host}:{port}"


def call(method, url, token, context, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Accept", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if body is not None:
        request.add_header("Content-Type", "application/merge-patch+json")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS, context=context) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        detail = error.read().decode(errors="replace")
        try:
            detail = json.loads(detail).get("message", detail)
        except ValueError:
            pass
        raise ScaleError(f"{method} {url}: HTTP {error.code}: {detail}".strip(), error.code)
    except (urllib.error.URLError, OSError) as error:
        raise ScaleError(f"{method} {url}: cannot reach the Kubernetes API: {error}")


def scale(api, namespace, name, replicas, token=None, context=None):
    """Sets the StatefulSet's replicas; returns (previous, now)."""
    url = f"{api.rstrip('/')}/apis/apps/v1/namespaces/{namespace}/statefulsets/{name}/scale"
    where = f"statefulset {namespace}/{name}"
    try:
        current = call("GET", url, token, context)
    except ScaleError as error:
        if error.code == 404:
            raise ScaleError(
                f"{where} not found: is the JupyterHub release installed with "
                "scheduling.userPlaceholder.enabled? Nothing was scaled.",
                2,
            )
        if error.code in (401, 403):
            raise ScaleError(f"not allowed to read the scale of {where}: {error}", 3)
        raise
    previous = (current.get("spec") or {}).get("replicas", 0)
    if previous == replicas:
        return previous, replicas
    try:
        patched = call("PATCH", url, token, context, {"spec": {"replicas": replicas}})
    except ScaleError as error:
        if error.code == 404:
            raise ScaleError(f"{where} disappeared while it was being scaled; nothing was scaled", 2)
        if error.code in (401, 403):
            raise ScaleError(f"not allowed to scale {where}: {error}", 3)
        raise
    now = (patched.get("spec") or {}).get("replicas")
    if now != replicas:
        raise ScaleError(f"{where}: asked for {replicas} replicas, the API answered {now}")
    return previous, now


def parse_at(text):
    """An ISO 8601 date-time with a UTC offset (or Z), as an aware datetime; None if it is not one."""
    try:
        when = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


def wait_until(when, now=None, sleep=time.sleep, step=300):
    """Sleeps until `when` in steps of at most `step` seconds (a clock change is noticed)."""
    now = now or (lambda: datetime.datetime.now(datetime.timezone.utc))
    while True:
        left = (when - now()).total_seconds()
        if left <= 0:
            return
        sleep(min(left, step))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("replicas", type=int, help="placeholder pods to keep")
    parser.add_argument("--namespace", default="jupyterhub")
    parser.add_argument("--statefulset", default="user-placeholder")
    parser.add_argument("--api", default=None, help="@default the in-cluster API server")
    parser.add_argument("--token-file", default=f"{SERVICE_ACCOUNT}/token")
    parser.add_argument("--ca-file", default=f"{SERVICE_ACCOUNT}/ca.crt")
    parser.add_argument(
        "--at", default=None, help="scale at this ISO 8601 date-time with offset, waiting until then"
    )
    args = parser.parse_args(argv)
    if args.replicas < 0:
        parser.error(f"replicas: {args.replicas} is negative; give 0 or more")
    when = None
    if args.at is not None:
        when = parse_at(args.at)
        if when is None:
            parser.error(
                f"--at: {args.at!r} is not a date-time with offset such as 2026-07-14T17:30:00Z"
            )
    api = args.api or default_api()
    if not api:
        print("no Kubernetes API: KUBERNETES_SERVICE_HOST is unset and --api not given", file=sys.stderr)
        return 1
    token = None
    if os.path.exists(args.token_file):
        with open(args.token_file) as f:
            token = f.read().strip()
    context = None
    if api.startswith("https://"):
        context = ssl.create_default_context(cafile=args.ca_file if os.path.exists(args.ca_file) else None)
    if when is not None:
        print(f"waiting until {when.isoformat()} to scale to {args.replicas} replicas", flush=True)
        wait_until(when)
    try:
        previous, now = scale(api, args.namespace, args.statefulset, args.replicas, token, context)
    except ScaleError as error:
        print(f"scale_placeholders: {error}", file=sys.stderr)
        return error.code if error.code in (2, 3) else 1
    if previous == now:
        print(f"statefulset {args.namespace}/{args.statefulset} already has {now} replicas")
    else:
        print(f"statefulset {args.namespace}/{args.statefulset} scaled from {previous} to {now} replicas")
    return 0


if __name__ == "__main__":
    sys.exit(main())
