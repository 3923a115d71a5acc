"""The game's three looks: calm dark, calm light, and a large high-contrast one for projectors."""

from __future__ import annotations

from textual.theme import Theme

DARK = "dayjob-dark"
LIGHT = "dayjob-light"
PROJECTOR = "dayjob-projector"

THEMES: dict[str, Theme] = {
    DARK: Theme(
        name=DARK,
        primary="#7AA2C8",  # a desk-lamp blue, not a neon one
        secondary="#A3B8A0",
        accent="#E0B872",  # the clock and what needs attention: warm amber
        warning="#E0A35E",
        error="#D9776E",
        success="#8FBF8F",
        foreground="#D8D4CC",
        background="#1C1E22",
        surface="#24272C",
        panel="#2C3036",
        dark=True,
        variables={
            "footer-key-foreground": "#E0B872",
            "block-cursor-text-style": "none",
            "input-selection-background": "#7AA2C8 35%",
        },
    ),
    LIGHT: Theme(
        name=LIGHT,
        primary="#2F5D8A",
        secondary="#5E7A5A",
        accent="#9A5B00",
        warning="#A8620A",
        error="#B23A30",
        success="#2E7D32",
        foreground="#2A2A2A",
        background="#F6F3EC",  # paper, not white
        surface="#EFEAE0",
        panel="#E4DED2",
        dark=False,
        variables={
            "footer-key-foreground": "#9A5B00",
            "block-cursor-text-style": "none",
        },
    ),
    PROJECTOR: Theme(
        name=PROJECTOR,
        primary="#FFD400",
        secondary="#00E5FF",
        accent="#FFD400",
        warning="#FFB000",
        error="#FF6B6B",
        success="#7CFF7C",
        foreground="#FFFFFF",
        background="#000000",
        surface="#000000",
        panel="#1A1A1A",
        dark=True,
        luminosity_spread=0.1,
        text_alpha=1.0,
        variables={
            "footer-key-foreground": "#FFD400",
            "block-cursor-text-style": "bold",
            "text-muted": "#E6E6E6",  # muted text must still read across a room
            "foreground-muted": "#E6E6E6",
        },
    ),
}

LABELS = {DARK: "Dark", LIGHT: "Light", PROJECTOR: "Projector (large, high contrast)"}
ORDER = (DARK, LIGHT, PROJECTOR)


def next_theme(current: str) -> str:
    """The theme after `current`, for the key that cycles them."""
    if current not in ORDER:
        return ORDER[0]
    return ORDER[(ORDER.index(current) + 1) % len(ORDER)]
