"""Random HTML for the partial-update tests (tests/test_diff.py against lxml,
tests/browser/test_partial_updates.py in Chromium): trees the browser keeps as written, and a
few random changes to them. Seeded by a `random.Random` (Hypothesis gives one with
`st.randoms()`, and shrinks through it)."""

from __future__ import annotations

import html
import random
from dataclasses import dataclass, field

# What a child of each tag may be (as the browser keeps it): block, inline, table parts.
FLOW = ("div", "section", "ul", "table", "span", "b", "input", "br", "textarea", "p")
INLINE = ("span", "b", "input", "br")
CHILDREN: dict[str, tuple[str, ...]] = {
    "div": FLOW,
    "section": FLOW,
    "td": FLOW,
    "li": FLOW,
    "ul": ("li",),
    "table": ("tbody",),
    "tbody": ("tr",),
    "tr": ("td",),
    "span": INLINE,
    "b": INLINE,
    "p": INLINE,
    "textarea": (),
}
#: The tags that may hold text (a <textarea> only text).
TEXT_OK = {"div", "section", "td", "li", "span", "b", "p", "textarea"}
VOID = {"input", "br"}
WORDS = ("a", "b", "x & y", "5", "6", " ", "\n  ", "é", "<ok>")


@dataclass
class El:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[El | str] = field(default_factory=list)

    def html(self) -> str:
        attrs = "".join(f' {k}="{html.escape(v)}"' for k, v in self.attrs.items())
        if self.tag in VOID:
            return f"<{self.tag}{attrs}>"
        return f"<{self.tag}{attrs}>{self.inner_html()}</{self.tag}>"

    def inner_html(self) -> str:
        return "".join(
            html.escape(c, quote=False) if isinstance(c, str) else c.html() for c in self.children
        )


def tree(rng: random.Random, tag: str, depth: int) -> El:
    """A `tag` element with up to four children, elements down to `depth` levels, and text."""
    el = El(tag, attrs(rng))
    kinds = CHILDREN.get(tag, ())
    for _ in range(rng.randint(0, 4)):
        if depth > 0 and kinds and (tag not in TEXT_OK or rng.random() < 0.6):
            el.children.append(tree(rng, rng.choice(kinds), depth - 1))
        elif tag in TEXT_OK:
            el.children.append(rng.choice(WORDS))
    el.children = merged(el.children)
    return el


def attrs(rng: random.Random) -> dict[str, str]:
    names = rng.sample(["class", "title", "data-k", "name", "id"], rng.randint(0, 2))
    return {n: rng.choice(["1", "2", "a b", "k1", "k2"]) for n in names}


def merged(children: list[El | str]) -> list[El | str]:
    """Adjacent texts as one (as the browser reads them)."""
    out: list[El | str] = []
    for c in children:
        if isinstance(c, str) and out and isinstance(out[-1], str):
            out[-1] += c
        else:
            out.append(c)
    return out


def mutated(rng: random.Random, root: El) -> El:
    """A copy of `root` with a few random changes: text, attributes, children added or removed."""
    new = copy(root)
    for _ in range(rng.randint(1, 3)):
        target = rng.choice(elements(new))
        choice = rng.randint(0, 5)
        texts = [i for i, c in enumerate(target.children) if isinstance(c, str)]
        kinds = CHILDREN.get(target.tag)
        if choice == 0 and texts:
            target.children[rng.choice(texts)] = rng.choice(WORDS) + "!"
        elif choice == 1 and target is not new:
            target.attrs = attrs(rng)
        elif choice in (2, 3) and kinds:
            child = tree(rng, rng.choice(kinds), 1)
            target.children.insert(len(target.children) if choice == 2 else 0, child)
        elif choice == 4 and target.children:
            del target.children[rng.randrange(len(target.children))]
        elif choice == 5 and target.tag in TEXT_OK:
            target.children.append(rng.choice(WORDS))
        target.children = merged(target.children)
    return new


def copy(el: El) -> El:
    return El(el.tag, dict(el.attrs), [c if isinstance(c, str) else copy(c) for c in el.children])


def elements(el: El) -> list[El]:
    """`el` and every element inside it."""
    return [el, *(n for c in el.children if isinstance(c, El) for n in elements(c))]
