"""Shared fixtures: external tools that tests need, and in-process CLI runs."""

from __future__ import annotations

import io
import os
import shutil
import sys
from dataclasses import dataclass
from typing import Any

import pytest

# The maintainer tools (tools/: docgen, gallery, atlas) are imported by the docs tests from the
# repository root, however pytest was started.
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from symconv.cli import main  # noqa: E402

REQUIRE_TOOLS = os.environ.get("SYMCONV_REQUIRE_TOOLS") == "1"


def need_tool(name: str) -> str:
    """Path of an external program; skip (or fail under SYMCONV_REQUIRE_TOOLS=1) if absent."""
    path = shutil.which(name)
    if path is None:
        msg = f"{name} is not installed"
        if REQUIRE_TOOLS:
            pytest.fail(msg + " and SYMCONV_REQUIRE_TOOLS=1 requires it")
        pytest.skip(msg)
    return path


def need_module(name: str) -> Any:
    """Import an optional module; skip (or fail under SYMCONV_REQUIRE_TOOLS=1) if absent."""
    try:
        return __import__(name)
    except ImportError:
        if REQUIRE_TOOLS:
            pytest.fail(f"{name} is not importable and SYMCONV_REQUIRE_TOOLS=1 requires it")
        pytest.skip(f"{name} is not installed")


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(*argv: str) -> Run:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return Run(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli() -> Any:
    return run_cli


@pytest.fixture
def torch() -> Any:
    return need_module("torch")


@pytest.fixture(scope="session")
def tf() -> Any:
    """TensorFlow (tensorflow-cpu in CI), quiet."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return need_module("tensorflow")


@pytest.fixture(scope="session")
def jax() -> Any:
    """JAX with 64-bit floats (the oracle compares exact integers)."""
    mod = need_module("jax")
    mod.config.update("jax_enable_x64", True)
    return mod


@pytest.fixture(scope="session")
def cv2() -> Any:
    return need_module("cv2")
