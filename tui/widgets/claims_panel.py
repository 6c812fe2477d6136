"""The claims panel: the preset's claims, checked by the core when every run is done.

Each claim shows its verdict as a word (PASS/FAIL, readable without colour), its LECTURE.md
id and text, and the values it measured. The measured values are labelled from the claim's
measures (run, metric, layer, step…) through the catalogue: in English exactly as `trainlab
check` prints them, in Korean in Korean words. When the user changed the lecture's setup, a
line says so: the verdicts are then about their setup. All of it follows the app's language.

The panel comes folded: one line (how many claims pass, and the key that opens it), so that
the charts keep their room; opened, it shows every claim.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from presets.claims import ClaimResult
from tui.i18n import localized, measure_label, tr
from tui.keys import key_for


def verdict(claim: ClaimResult, lang: str = "en") -> tuple[str, str]:
    """The word and its style: the word alone must carry the meaning (NO_COLOR)."""
    if claim.passed:
        return tr("claims.pass", lang), "bold $text-success"
    return tr("claims.fail", lang), "bold $text-error"


def claims_heading(claims: list[ClaimResult], modified: bool, lang: str) -> Content:
    """How many pass and, when the user changed the setup, a warning in words."""
    passed = sum(claim.passed for claim in claims)
    parts: list[str | tuple[str, str]] = [
        (tr("claims.summary", lang, passed=passed, total=len(claims)), "bold")
    ]
    if modified:
        parts += ["\n", (tr("claims.modified", lang), "bold $text-warning")]
    return Content.assemble(*parts)


def measured(claim: ClaimResult, lang: str) -> str:
    """The values the claim measured, each with its label, in `lang`."""
    return " · ".join(
        tr("measure.value", lang, label=measure_label(measure, lang), value=value)
        for measure, value in claim.measures
    )


def claim_content(claim: ClaimResult, lang: str = "en") -> Content:
    """The claim's id and text in `lang`, then the values it measured."""
    text = f"{claim.id:<4} {localized(claim.text, lang)}"
    return Content.assemble(text, "\n", (measured(claim, lang), "dim"))


def folded_line(claims: list[ClaimResult], modified: bool, lang: str) -> Content:
    """The panel in one line: "Claims: 3 of 4 pass · your setup · c shows each claim"."""
    passed = sum(claim.passed for claim in claims)
    style = "bold $text-success" if passed == len(claims) else "bold $text-error"
    parts: list[str | tuple[str, str]] = [
        (f"{tr('panel.claims', lang)}: ", "bold"),
        (tr("claims.summary", lang, passed=passed, total=len(claims)), style),
    ]
    if modified:
        parts.append((f" · {tr('claims_line.modified', lang)}", "bold $text-warning"))
    parts.append((f" · {tr('claims_line.hint', lang, key=key_for('toggle_claims'))}", "dim"))
    return Content.assemble(*parts)


class ClaimsPanel(VerticalScroll):
    """Hidden until claims arrive, then one line; `c` on the main screen opens it and
    folds it again."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="-folded")
        self.claims: list[ClaimResult] = []
        self.modified = False
        self.folded = True

    def fold(self, folded: bool) -> None:
        """One line (True), or every claim (False)."""
        self.folded = folded
        self.set_class(folded, "-folded")
        self._show_frame()
        self.scroll_home(animate=False)

    def compose(self) -> ComposeResult:
        yield Static(id="claims-heading")

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self._show, init=False)

    def show_claims(self, claims: list[ClaimResult], modified: bool) -> None:
        self.claims, self.modified = list(claims), modified
        lang = self.app.lang
        self._show_frame()
        self.query(".claim").remove()
        self.mount_all(
            Horizontal(
                Static(Content.styled(*verdict(claim, lang)), classes="verdict"),
                Static(claim_content(claim, lang), classes="claim-text"),
                classes="claim",
            )
            for claim in claims
        )
        self.scroll_home(animate=False)

    def _show_frame(self) -> None:
        lang = self.app.lang
        self.border_title = tr("panel.claims", lang)
        hint = tr("claims.hint", lang, close=key_for("toggle_claims"), reset=key_for("reset"))
        self.border_subtitle = hint
        heading = (
            folded_line(self.claims, self.modified, lang)
            if self.folded
            else claims_heading(self.claims, self.modified, lang)
        )
        self.query_one("#claims-heading", Static).update(heading)

    def _show(self) -> None:
        """Every word in the app's language (the rows stay; their words change)."""
        lang = self.app.lang
        self._show_frame()
        for row, claim in zip(self.query(".claim"), self.claims, strict=False):
            verdict_static, text_static = row.query(Static)
            verdict_static.update(Content.styled(*verdict(claim, lang)))
            text_static.update(claim_content(claim, lang))

    @property
    def shown_text(self) -> str:
        """The plain text on show, a line per claim (for tests)."""
        lines = [str(self.query_one("#claims-heading", Static).content)]
        for row in self.query(".claim"):
            verdict_text, text = (str(s.content) for s in row.query(Static))
            lines.append(f"{verdict_text}  {text}")
        return "\n".join(lines)
