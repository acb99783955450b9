"""Shared fixtures for the QEMU system tests: every Machine a test boots is
killed afterwards, and when the test fails the tail of each serial log is
printed."""

import os
import subprocess

import pytest

import machine as machine_mod


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.when == "call":
        item.rep_call = rep


@pytest.fixture
def boot(request):
    """boot(**qemu.command kwargs) -> Machine; cleaned up after the test."""
    started = []

    def _boot(name="lamina", **kw):
        kw.setdefault("kernel", machine_mod.kernel())
        m = machine_mod.Machine(name=name, **kw)
        started.append(m)
        return m

    yield _boot
    rep = getattr(request.node, "rep_call", None)
    for m in started:
        m.kill()
        if rep is not None and rep.failed:
            print(m.tail())


@pytest.fixture(scope="session")
def build_variant(tmp_path_factory):
    """build_variant(name, fragment_text) -> build dir with its own config."""
    built = {}

    def _build(name, fragment):
        if name in built:
            return built[name]
        d = tmp_path_factory.mktemp(f"build-{name}")
        frag = d / "fragment.config"
        frag.write_text(fragment)
        r = subprocess.run(["make", "-C", machine_mod.TOP, f"BUILD={d}",
                            f"CONFIG_FRAGMENTS={frag}", "all"],
                           capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            pytest.fail("variant build failed:\n" + r.stdout[-3000:] +
                        r.stderr[-3000:])
        built[name] = str(d)
        return built[name]

    return _build
