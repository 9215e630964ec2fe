"""render_inner renders a component's template as Django's own `Template.render` does.

It sets what `Template.render` sets around `_render` (the render context's template and its
isolated state, the context's template) directly instead of through context managers; these
tests compare its output with `Template.render` on the same data, for template features that
read that state: `{% cycle %}` and `{% ifchanged %}` keep theirs in the render context,
`{% include %}` reads the context's template, `{% now %}`/`{% firstof %}`/escaping the rest.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context
from django_components import register, registry

from liveview import LiveComponent, event
from liveview.core.token import Binding, ComponentSpec, PageToken
from liveview.runtime.page import Page
from liveview.runtime.render import Handle, component_template, context_data, render_inner

TEMPLATE = """{% load liveview %}<ul>{% for n in numbers %}<li class="{% cycle 'odd' 'even' %}">
{% ifchanged n %}{{ n }}{% endifchanged %} {{ ratio }} {{ text }} {{ text|safe }}</li>{% endfor %}
</ul>{% include "liveview/tests/included.html" %}{% firstof missing text %}
{% with total=numbers|length %}{{ total }}{% endwith %}
{% autoescape off %}{{ text }}{% endautoescape %}
<button {% live "more" %}>More</button>{{ lv.id }}"""


class Features(LiveComponent):
    template = TEMPLATE
    numbers: list[int]
    ratio: float = 2.5
    text: str = "<b>A & B</b>"

    def mount(self) -> None:
        self.numbers = [1, 1, 2, 3, 3]

    @event
    def more(self) -> None:
        self.numbers = [*self.numbers, self.numbers[-1] + 1]
        self.text += " 'x'"


@pytest.fixture
def features(tmp_path: Any, settings: Any) -> Any:
    folder = tmp_path / "liveview" / "tests"
    folder.mkdir(parents=True)
    (folder / "included.html").write_text("<i>{{ text }} {% cycle 'a' 'b' %}{{ lv.id }}</i>")
    template_settings = [dict(t) for t in settings.TEMPLATES]
    template_settings[0]["DIRS"] = [*template_settings[0].get("DIRS", []), str(tmp_path)]
    settings.TEMPLATES = template_settings
    register("test_render_features")(Features)
    try:
        yield Features
    finally:
        registry.unregister("test_render_features")


def _reference(comp: LiveComponent) -> str:
    """The same template through Django's whole `Template.render`."""
    template = component_template(type(comp))
    context = Context(context_data(comp, Handle(comp)), autoescape=template.engine.autoescape)
    return str(template.render(context))


def test_render_inner_is_what_template_render_gives(features: Any) -> None:
    page = Page(connected=True)
    token = PageToken.new(
        (ComponentSpec("test_render_features", "lv-1", {}),), Binding.of(None, None, "x")
    )
    page.mount_token(token)
    page.render_all()
    comp = page.components["lv-1"]
    html = render_inner(comp, Handle(comp))
    assert '<li class="odd">\n1 2.5 &lt;b&gt;A &amp; B&lt;/b&gt; <b>A & B</b></li>' in html
    assert "<i>&lt;b&gt;A &amp; B&lt;/b&gt; a" in html and "lv-1</i>" in html
    for _ in range(3):  # each render starts its cycles and ifchanged afresh
        assert render_inner(comp, Handle(comp)) == _reference(comp)
        page.dispatch("lv-1", "more", {})
    assert "&#x27;x&#x27;" in render_inner(comp, Handle(comp))
