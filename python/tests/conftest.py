import os
import shutil
import subprocess

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "fixtures")


def fixture(*parts):
    with open(os.path.join(FIXTURES, *parts), "rb") as f:
        return f.read()


@pytest.fixture(scope="session")
def cli():
    """The declutter binary `cargo test` built (or $DECLUTTER_BIN), to compare with."""
    candidates = [os.environ.get("DECLUTTER_BIN")] + [
        os.path.join(ROOT, "target", profile, "declutter") for profile in ("debug", "release")
    ]
    for path in candidates:
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    found = shutil.which("declutter")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("no declutter binary: run cargo test (or cargo build) first, or set DECLUTTER_BIN")
    pytest.skip("no declutter binary to compare with")


def run_cli(binary, args, data):
    out = subprocess.run([binary] + args, input=data, capture_output=True, check=False)
    assert out.returncode in (0, 1), out.stderr.decode()
    return out.stdout.decode()
