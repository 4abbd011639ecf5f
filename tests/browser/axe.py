"""Run axe-core (vendored, see vendor/axe-core.LICENSE) on the page a test has open."""

from pathlib import Path

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page, tags: list[str] = WCAG_21_AA) -> list[dict]:
    """The page's WCAG 2.1 A/AA violations, as axe reports them (empty when clean).

    axe is evaluated through the DevTools protocol, which the page's strict
    Content-Security-Policy does not block, so the page is tested as it is served.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        tags,
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
    ]
