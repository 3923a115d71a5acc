"""What we take from textual-serve (and Textual's web driver) is still there, in the shape we use.

If one of these fails after an upgrade, read game/workshop/tserve.py and driver.py, adapt them,
then widen the tested range in tserve.TESTED and pyproject.toml together.
"""

from __future__ import annotations

import inspect
import re
import tomllib

from workshop_serving import ROOT

from game.workshop import tserve
from game.workshop.pages import font_face


def test_the_installed_textual_serve_is_in_the_tested_range_and_pyproject_pins_it():
    assert tserve.version_problem() is None
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    (pin,) = [d for d in deps if d.startswith("textual-serve")]
    low, high = tserve.TESTED
    assert pin == f"textual-serve>={'.'.join(map(str, low))},<{'.'.join(map(str, high[:2]))}"


def test_the_page_assets_we_link_are_there():
    static = tserve.static_dir()
    for name in ("js/textual.js", "css/xterm.css"):
        assert (static / name).is_file(), name
    for font in re.findall(r"fonts/([\w.-]+)", font_face("/static/")):
        assert (static / "fonts" / font).is_file(), font


def test_a_file_chunk_as_textual_packs_it_is_what_we_unpack():
    from textual.drivers._byte_stream import ByteStream  # noqa: F401  (the driver's framing is still there)
    from textual.drivers.web_driver import binary_dump

    assert list(tserve.decode_packed(binary_dump(("deliver_chunk", "key", b"data")))) == [
        "deliver_chunk",
        "key",
        b"data",
    ]


def test_the_web_driver_still_has_what_our_driver_builds_on():
    from textual.drivers.web_driver import WebDriver

    for name in ("run_input_thread", "deliver_binary", "start_application_mode", "on_meta", "write_meta"):
        assert callable(getattr(WebDriver, name, None)), name
    source = inspect.getsource(WebDriver)
    assert "self._deliveries" in source  # the pending downloads our driver trims to one
    assert "__GANGLION__" in source  # the first line a game prints
