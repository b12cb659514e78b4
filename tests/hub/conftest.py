import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

from fake_hub import FakeHub  # noqa: E402

FIXTURES = HERE / "fixtures"
REPOS = {
    "tiny-org/tiny-bert": FIXTURES / "tiny-bert",
    "tiny-org/tiny-bert-sharded": FIXTURES / "tiny-bert-sharded",
    "tiny-org/gated-bert": FIXTURES / "tiny-bert",
}


@pytest.fixture
def hub():
    server = FakeHub(REPOS, gated={"tiny-org/gated-bert"})
    yield server
    server.close()


def kernel_binary():
    """$BERT_KERNEL_BIN, else the release build (`make test` builds it), else the debug build."""
    candidates = [os.environ.get("BERT_KERNEL_BIN"), ROOT / ".build/release/bert-kernel", ROOT / ".build/debug/bert-kernel"]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    pytest.fail("no bert-kernel binary: run `swift build -c release --product bert-kernel` (or set BERT_KERNEL_BIN)")


@pytest.fixture
def binary():
    return kernel_binary()
