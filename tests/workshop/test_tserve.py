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


def test_textual_stylesheets_still_cache_their_parsed_rules_where_the_fork_server_shares_them():
    """game/workshop/sharedcss.py swaps a private member of Textual's Stylesheet; this is its contract."""
    from textual.css.stylesheet import Stylesheet

    source = inspect.getsource(Stylesheet)
    assert "self._parse_cache[cache_key]" in source and "self._parse_cache[cache_key] = rules" in source
    assert "self._variables" in source
    assert "_parse_cache" in inspect.getsource(Stylesheet.__init__)


def test_forked_games_share_parsed_rules_for_the_same_css_and_theme_only():
    import subprocess
    import sys

    code = """
from textual.css.stylesheet import Stylesheet
from game.workshop.sharedcss import share_parsed_css
share_parsed_css()
css = "Screen { background: $panel; }"
def rules(variables):
    sheet = Stylesheet(variables=variables)
    sheet.add_source(css, read_from=("x.tcss", ""))
    sheet.parse()
    return sheet.rules
a, b = rules({"panel": "red"}), rules({"panel": "red"})
c = rules({"panel": "blue"})
print(a[0] is b[0], a[0] is c[0], str(c[0].styles.background) != str(a[0].styles.background))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.split() == ["True", "False", "True"]
