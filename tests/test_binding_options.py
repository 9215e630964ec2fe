"""{% live %}'s confirm= and only=: a question before a destructive event, and a button inside
a form that sends its own arguments and none of the form's fields."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.template import Engine, RequestContext, TemplateSyntaxError
from django.urls import path
from django_components import register

from liveview import LiveComponent, event
from liveview.core.dialect import HTMX2_FRAME, HTMX4_BETA_FRAME, HTMX4_FRAME
from liveview.runtime.page import Page
from liveview.socket.protocol import ProtocolError, parse_event
from liveview.testing import LiveClient, LiveTestError

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls(__name__)]


@register("options_rows")
class Rows(LiveComponent):
    """A list with a confirmed delete, and an edit form with a Cancel that takes no argument."""

    template = (
        "{% load liveview %}<ul>{% for row in rows %}<li>{{ row }} <button type='button' "
        "{% live 'delete' row=row confirm='Delete this row?' %}>Delete {{ row }}</button></li>"
        "{% endfor %}</ul><form {% live 'save' %}><input name='description' value='d'>"
        "<input name='type' value='t'><button>Save</button>"
        "<button type='button' {% live 'cancel' only=True %}>Cancel</button>"
        "<button type='button' {% live 'cancel' %}>Cancel (form)</button>"
        "<button type='button' {% live 'pick' only=True row='b' %}>Pick</button></form>"
        "<form class='wipe' {% live 'wipe' confirm='Wipe every row?' %}><button>Wipe</button>"
        "</form><p class='said'>{{ said }}</p>"
    )
    rows: list[str] = ["a", "b"]
    said: str = ""

    @event
    def delete(self, row: str) -> None:
        self.rows = [r for r in self.rows if r != row]

    @event
    def save(self, description: str, type: str) -> None:
        self.said = f"saved {description} {type}"

    @event
    def wipe(self) -> None:
        self.rows = []

    @event
    def cancel(self) -> None:
        self.said = "cancelled"

    @event
    def pick(self, row: str) -> None:
        self.said = f"picked {row}"


def rows_page(request: HttpRequest) -> HttpResponse:
    template = Engine.get_default().from_string(
        "{% load liveview %}<!doctype html><html><body>{% component 'options_rows' / %}"
        "{% liveview_scripts %}</body></html>"
    )
    return HttpResponse(template.render(RequestContext(request)))


urlpatterns = [path("rows/", rows_page)]


async def test_confirm_writes_hx_confirm_on_the_binding(each_build_client: LiveClient) -> None:
    page = await each_build_client.open("/rows/")
    assert page.html("li button").count('hx-confirm="Delete this row?"') == 1


async def test_a_confirmed_click_runs_the_event(each_build_client: LiveClient) -> None:
    page = await each_build_client.open("/rows/")
    await page.click(text="Delete a", confirm=True)
    assert page.count("li") == 1 and page.has("li", "b")


async def test_a_cancelled_confirmation_sends_nothing(each_build_client: LiveClient) -> None:
    page = await each_build_client.open("/rows/")
    sent = len(page.frames)
    await page.click(text="Delete a", confirm=False)
    assert page.count("li") == 2 and len(page.frames) == sent


async def test_a_click_that_ignores_the_question_is_an_error(each_build_client: LiveClient) -> None:
    page = await each_build_client.open("/rows/")
    with pytest.raises(LiveTestError, match="asks 'Delete this row\\?' first"):
        await page.click(text="Delete a")


async def test_a_confirmed_form_asks_on_its_submit_button(each_build_client: LiveClient) -> None:
    page = await each_build_client.open("/rows/")
    with pytest.raises(LiveTestError, match="asks 'Wipe every row\\?' first"):
        await page.submit("form.wipe")  # submit() cannot answer: click the button
    await page.click(text="Wipe", confirm=False)
    assert page.count("li") == 2
    await page.click(text="Wipe", confirm=True)
    assert page.count("li") == 0


async def test_a_button_in_a_form_sends_the_forms_fields(each_build_client: LiveClient) -> None:
    page = await each_build_client.open("/rows/")
    await page.click(text="Cancel (form)")
    assert page.errors == ["Invalid arguments for cancel: unexpected argument: description, type"]


async def test_only_sends_nothing_but_the_bindings_own_values(
    each_build_client: LiveClient,
) -> None:
    page = await each_build_client.open("/rows/")
    await page.click(text="Cancel")
    assert page.errors == [] and page.text(".said") == "cancelled"
    await page.click(text="Pick")
    assert page.errors == [] and page.text(".said") == "picked b"


async def test_the_forms_own_submit_still_sends_its_fields(each_build_client: LiveClient) -> None:
    page = await each_build_client.open("/rows/")
    await page.click(text="Save")
    assert page.text(".said") == "saved d t"


def test_only_is_parsed_from_every_frame_shape() -> None:
    for shape in (HTMX2_FRAME, HTMX4_BETA_FRAME, HTMX4_FRAME):
        values = {"lv": "lv-1", "event": "pick", "row": "b", "type": "t", "lv_only": ["row"]}
        message = parse_event(__import__("json").dumps(shape.frame(values, {})))
        assert message.values == {"row": "b"}


def test_a_bad_only_list_is_a_protocol_error() -> None:
    with pytest.raises(ProtocolError, match="lv_only"):
        parse_event('{"lv": "lv-1", "event": "pick", "lv_only": "row"}')


def test_an_empty_confirm_is_a_template_error() -> None:
    @register("options_bad_confirm")
    class BadConfirm(LiveComponent):
        template = "{% load liveview %}<button {% live 'go' confirm='' %}>Go</button>"

    page = Page(connected=True)
    comp = page.mount("options_bad_confirm", "lv-1", {})
    with pytest.raises(TemplateSyntaxError, match="confirm= takes the question"):
        page.render(comp, oob=False)
