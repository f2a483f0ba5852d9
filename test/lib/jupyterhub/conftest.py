def pytest_addoption(parser):
    parser.addoption("--hooks", required=True, help="the folder of the hub's Python hooks")
