import os


def pytest_addoption(parser):
    # Not required: this conftest applies to every pytest file in this folder, and
    # hub_hooks_test.py and capacity_hooks_test.py take the folder from HUB_HOOKS_DIR.
    parser.addoption(
        "--hooks",
        default=os.environ.get("HUB_HOOKS_DIR"),
        help="the folder of the hub's Python hooks (default: $HUB_HOOKS_DIR)",
    )
    parser.addoption("--values", help="the hub's Helm values as JSON")
    parser.addoption("--chp", help="configurable-http-proxy")
