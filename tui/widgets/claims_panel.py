"""The claims panel: the preset's claims, checked by the core when every run is done.

Each claim shows its verdict as a word (PASS/FAIL, readable without colour), its LECTURE.md
id and text (in Korean with `--lang ko`), and the values it measured, exactly as
`trainlab check` prints them. When the user changed the lecture's setup, a line says so:
the verdicts are then about their setup.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from presets.claims import ClaimResult
from tui.i18n import localized, tr


def verdict(claim: ClaimResult) -> tuple[str, str]:
    """The word and its style: the word alone must carry the meaning (NO_COLOR)."""
    return ("PASS", "bold $text-success") if claim.passed else ("FAIL", "bold $text-error")


def claims_heading(claims: list[ClaimResult], modified: bool, lang: str) -> Content:
    """How many pass and, when the user changed the setup, a warning in words."""
    passed = sum(claim.passed for claim in claims)
    parts: list[str | tuple[str, str]] = [
        (tr("claims_summary", lang, passed=passed, total=len(claims)), "bold")
    ]
    if modified:
        parts += ["\n", (tr("claims_modified", lang), "bold $text-warning")]
    return Content.assemble(*parts)


def claim_content(claim: ClaimResult, lang: str = "en") -> Content:
    """The claim's id and text in `lang`, then the values it measured, labelled as
    `trainlab check` prints them (metric and run names are the same in every language)."""
    measured = " · ".join(f"{label} = {value:.4g}" for label, value in claim.measured.items())
    return Content.assemble(f"{claim.id:<4} {localized(claim.text, lang)}", "\n", (measured, "dim"))


class ClaimsPanel(VerticalScroll):
    """Hidden until claims arrive; `c` on the main screen hides and shows it again."""

    def compose(self) -> ComposeResult:
        yield Static(id="claims-heading")

    def show_claims(self, claims: list[ClaimResult], modified: bool, lang: str) -> None:
        self.border_title = tr("claims", lang)
        self.border_subtitle = tr("claims_hint", lang)
        self.query_one("#claims-heading", Static).update(claims_heading(claims, modified, lang))
        self.query(".claim").remove()
        self.mount_all(
            Horizontal(
                Static(Content.styled(*verdict(claim)), classes="verdict"),
                Static(claim_content(claim, lang), classes="claim-text"),
                classes="claim",
            )
            for claim in claims
        )
        self.scroll_home(animate=False)

    @property
    def shown_text(self) -> str:
        """The plain text on show, a line per claim (for tests)."""
        lines = [str(self.query_one("#claims-heading", Static).content)]
        for row in self.query(".claim"):
            verdict_text, text = (str(s.content) for s in row.query(Static))
            lines.append(f"{verdict_text}  {text}")
        return "\n".join(lines)
