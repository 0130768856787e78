"""The payments binary carries production code only: no test harness, no stand-in, no
embedded database server (the dependency rule in src/python/ticketing/BUILD enforces it; this
checks what actually ships)."""

import zipfile
from pathlib import Path

# Where Pants puts the runtime package dependency of this test (see BUILD).
PEX = Path("src.python.ticketing.payments/payments.pex")


def test_the_payments_pex_has_no_test_harness_stack_or_secantus() -> None:
    names = zipfile.ZipFile(PEX).namelist()
    assert "ticketing/payments/app.py" in names  # it is the payments service
    assert "ticketing/shared/platform.py" in names
    assert [n for n in names if "ticketing/testing/" in n or "ticketing/stack/" in n] == []
    assert [n for n in names if "secantus" in n.lower()] == []
