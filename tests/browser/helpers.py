"""What several browser tests do alike: run axe-core on a page, measure sideways scrolling, and answer
the visible quiz question."""
from pathlib import Path

from tests.browser.conftest import PHONE

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-4.11.0.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page) -> list[str]:
    """WCAG 2.2 AA violations of every impact, one readable line each (empty = none)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the devtools protocol, so the page's CSP does not block it.
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate("""async (tags) => {
        const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
        return result.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — ' +
            v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
    }""", TAGS)


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 = no horizontal scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def overflow_at_320px(page) -> int:
    """Sideways scrolling of the page on a 320 px wide screen (WCAG 1.4.10 reflow); the phone size
    is restored afterwards."""
    page.set_viewport_size({"width": 320, "height": 640})
    try:
        return horizontal_overflow(page)
    finally:
        page.set_viewport_size(PHONE)


def answer_visible_question(page, number: str = "1") -> None:
    """Give some answer to the question on screen, whatever its type, and submit it."""
    form = page.locator("form.quiz-form")
    radios, boxes = form.locator("input[type=radio]"), form.locator("input[type=checkbox]")
    selects = form.locator("select")
    if form.locator("input[name=order]").count():
        form.get_by_role("button", name="één plaats omlaag").first.click()   # an order question: move one step
        page.wait_for_load_state("networkidle")   # the reordered list is swapped in (or a new page loaded)
        form = page.locator("form.quiz-form")
    elif selects.count():
        for i in range(selects.count()):
            selects.nth(i).select_option(str(i + 1))
    elif boxes.count():
        boxes.first.check()
    elif radios.count():
        radios.first.check()
    else:
        form.locator("input[name=answer]").fill(number)
    form.get_by_role("button", name="Controleer mijn antwoord").click()
