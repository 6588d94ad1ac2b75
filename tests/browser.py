"""Pages in Debian's chromium that fail the test on any script error."""

from __future__ import annotations

from live import ARTIFACTS

TIMEOUT_MS = 15_000


class Watched:
    """A page in its own browser context (its own localStorage, like a phone).

    Script errors and CSP refusals are collected; tests assert there are none.
    """

    def __init__(self, browser, name: str, viewport: dict, shots: str = "misc") -> None:
        self.name = name
        self.shots = ARTIFACTS / shots
        self.context = browser.new_context(viewport=viewport, device_scale_factor=1)
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.problems: list[str] = []
        self.page.on("pageerror", lambda exc: self.problems.append(f"{name}: {exc}"))
        self.page.on("console", self._console)

    def _console(self, message) -> None:
        if message.type == "error":
            self.problems.append(f"{self.name}: {message.text}")

    def shot(self, label: str) -> None:
        self.shots.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(self.shots / f"{label}-{self.name}.png"))

    def no_sideways_scroll(self) -> None:
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= self.page.viewport_size["width"], f"{self.name} scrolls sideways ({width}px)"

    def no_scroll_at_all(self) -> None:
        sizes = self.page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
        view = self.page.viewport_size
        assert sizes[0] <= view["width"] and sizes[1] <= view["height"], f"{self.name} scrolls: {sizes}"
