def pytest_addoption(parser):
    parser.addoption("--hooks", required=True, help="the folder of the hub's Python hooks")
    parser.addoption("--values", help="the hub's Helm values as JSON")
    parser.addoption("--chp", help="configurable-http-proxy")
