"""Display preferences kept in cookies, so they work before log-in and persist."""

from dataclasses import dataclass

FONT_COOKIE = "portal_font"
ELDERLY_COOKIE = "portal_elderly"
FONT_SIZES = ("normal", "large", "larger")
COOKIE_AGE = 60 * 60 * 24 * 365


@dataclass(frozen=True)
class DisplayPreferences:
    font_size: str = "normal"
    elderly: bool = False

    @classmethod
    def from_request(cls, request) -> "DisplayPreferences":
        font = request.COOKIES.get(FONT_COOKIE, "normal")
        return cls(
            font_size=font if font in FONT_SIZES else "normal",
            elderly=request.COOKIES.get(ELDERLY_COOKIE) == "1",
        )

    @property
    def classes(self) -> str:
        """The classes of the root element: the stylesheet sizes every rem from there."""
        classes = [f"font-{self.font_size}"]
        if self.elderly:
            classes.append("elderly")
        return " ".join(classes)
