from deploy.helm.chart import OFFLINE_NOTE


def pytest_report_header() -> str:
    return OFFLINE_NOTE
