"""The start-up anchor: a minimal Textual app (Header + Static + Footer), started as `dayjob` is."""

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class Minimal(App):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Hello from a minimal Textual app.")
        yield Footer()


if __name__ == "__main__":
    Minimal().run()
