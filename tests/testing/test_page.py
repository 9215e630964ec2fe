"""LivePage against real components over the in-process socket: each action and read-back."""

from __future__ import annotations

import pytest
from pytest_django.fixtures import Settings

from liveview.core.dialect import HTMX2_FRAME
from liveview.testing import LiveClient, LiveTestError

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.testing.urls")]


async def test_a_submit_sends_the_forms_values_as_htmx_collects_them(
    each_build_client: LiveClient,
) -> None:
    page = await each_build_client.open("/testing/form/")
    await page.submit("form.live")
    assert page.text("[data-k=title]") == "first"
    assert page.text("[data-k=size]") == "m"
    assert page.text("[data-k=color]") == "red"
    assert page.text("[data-k=tag]") == "['a', 'b']"
    assert not page.has("[data-k=agree]")  # unchecked
    assert not page.has("[data-k=off]") and not page.has("[data-k=gone]")  # disabled
    assert not page.has("[data-k=action]")  # no submitter


async def test_submit_fills_fields_by_name_first(each_build_client: LiveClient) -> None:
    page = await each_build_client.open("/testing/form/")
    await page.submit("form.live", title="new", body="text", size="Large", agree=True, color="blue")
    assert page.text("[data-k=title]") == "new"
    assert page.text("[data-k=body]") == "text"
    assert page.text("[data-k=size]") == "l"
    assert page.text("[data-k=agree]") == "yes"


async def test_clicking_a_submit_button_sends_its_name_and_value(
    each_build_client: LiveClient,
) -> None:
    page = await each_build_client.open("/testing/form/")
    await page.click(text="Publish")
    assert page.text("[data-k=action]") == "publish"


async def test_fill_changes_a_field_without_an_event(each_build_client: LiveClient) -> None:
    page = await each_build_client.open("/testing/form/")
    await page.fill("Title", "typed")
    assert page.value("Title") == "typed"
    assert len(page.frames) == 1
    await page.click(text="Keep")
    assert page.text("[data-k=title]") == "typed"


async def test_a_form_that_is_not_live_is_refused(each_build_client: LiveClient) -> None:
    page = await each_build_client.open("/testing/form/")
    with pytest.raises(LiveTestError, match="not live: it posts to '/elsewhere/'"):
        await page.click(text="Plain")


async def test_a_click_runs_the_binding_of_the_element_clicked_in(
    each_build_client: LiveClient,
) -> None:
    page = await each_build_client.open("/testing/clicks/")
    await page.click("span.inner")
    assert page.text(".hits") == "2"


async def test_a_click_bubbles_to_a_bound_ancestor(each_build_client: LiveClient) -> None:
    page = await each_build_client.open("/testing/clicks/")
    await page.click("button.bubbled")
    assert page.text(".hits") == "10"


async def test_clicking_what_nothing_handles_is_an_error(each_build_client: LiveClient) -> None:
    page = await each_build_client.open("/testing/clicks/")
    with pytest.raises(LiveTestError, match="runs no live binding"):
        await page.click(text="Dead")
    with pytest.raises(LiveTestError, match="a link to '/elsewhere/'"):
        await page.click(text="Away")
    with pytest.raises(LiveTestError, match="no element with the text 'Missing'"):
        await page.click(text="Missing")


async def test_typing_fires_an_input_binding(each_build_client: LiveClient) -> None:
    page = await each_build_client.open("/testing/inputs/")
    await page.type("Live", "abc")
    assert page.text(".log") == "input: q=abc"


async def test_typing_then_leaving_fires_a_change_binding(each_build_client: LiveClient) -> None:
    page = await each_build_client.open("/testing/inputs/")
    await page.type("Leave", "x")
    assert page.text(".log") == "change: l=x"


async def test_a_changed_binding_fires_only_on_a_new_value(each_build_client: LiveClient) -> None:
    page = await each_build_client.open("/testing/inputs/")
    await page.type("Changed", "same")
    await page.type("Changed", "same")
    assert page.count(".log li") == 1


async def test_typing_does_not_fire_a_key_binding_and_pressing_the_key_does(
    each_build_client: LiveClient,
) -> None:
    page = await each_build_client.open("/testing/inputs/")
    await page.type("Enter", "note")
    await page.type("Quiet", "unbound")
    assert not page.has(".log li")
    await page.press("Enter", "Escape")
    assert not page.has(".log li")
    await page.press("Enter", "Enter")
    assert page.text(".log") == "enter: k=note"


async def test_clicking_a_checkbox_checks_it_and_fires_its_change_binding(
    each_build_client: LiveClient,
) -> None:
    page = await each_build_client.open("/testing/inputs/")
    await page.click("input[name=b]")
    assert page.text(".log") == "box: b=on"


async def test_send_reaches_a_component_by_name_id_or_inner_selector(
    each_build_client: LiveClient,
) -> None:
    page = await each_build_client.open("/testing/greeters/")
    ids = [page.html("[data-lv]:nth-of-type(1)"), page.html("[data-lv]:nth-of-type(2)")]
    assert 'id="lv-1"' in ids[0] and 'id="lv-2"' in ids[1]
    await page.send("rename", component="lv-2", name="Bo")
    assert page.text("#lv-2 p") == "Hello Bo"
    assert page.text("#lv-1 p") == "Hello world"
    await page.send("rename", component="#lv-1 button", name="Al")
    assert page.text("#lv-1 p") == "Hello Al"
    with pytest.raises(LiveTestError, match="2 components are named 'test_greeter'"):
        await page.send("rename", component="test_greeter")


async def test_an_event_that_changes_nothing_gets_no_frame_and_returns(
    each_build_client: LiveClient,
) -> None:
    page = await each_build_client.open("/testing/greeters/")
    await page.send("same", component="lv-1")
    assert len(page.frames) == 1


async def test_a_failing_handler_shows_its_error_banner(each_build_client: LiveClient) -> None:
    page = await each_build_client.open("/testing/greeters/")
    assert page.errors == []
    await page.click("#lv-1 button", text="Explode")
    assert page.errors == ["Something went wrong in explode."]
    assert page.text("#lv-1 p:not(.lv-error)") == "Hello world"


async def test_a_handlers_redirect_is_read_back(each_build_client: LiveClient) -> None:
    page = await each_build_client.open("/testing/goto/")
    assert page.redirect is None
    await page.submit(url="/counter/")
    assert page.redirect == "/counter/"


async def test_arguments_of_the_wrong_type_show_an_error_and_keep_the_socket(
    each_build_client: LiveClient,
) -> None:
    page = await each_build_client.open("/testing/greeters/")
    await page.send("rename", component="lv-1", name=["not", "a", "string"])
    assert page.errors
    assert page.close_code is None


async def test_a_socket_the_server_closes_is_read_back_and_refuses_actions(
    each_build_client: LiveClient, settings: Settings
) -> None:
    settings.LIVEVIEW_MAX_FRAME_BYTES = 300
    page = await each_build_client.open("/testing/greeters/")
    await page.send("rename", component="lv-1", name="x" * 400)
    assert page.close_code == 1009
    with pytest.raises(LiveTestError, match=r"closed this page's socket \(code 1009\)"):
        await page.click("#lv-1 button", text="Rename")


async def test_a_broadcast_reaches_every_client(each_build_client: LiveClient) -> None:
    from liveview.testing import publish_change
    from tests.components import STORE

    first = await each_build_client.open("/testing/watch/")
    async with LiveClient() as other:
        second = await other.open("/testing/watch/")
        await second.click(text="Bump")
        assert second.text("p") == f"/testing/thing/={STORE['/testing/thing/']}"
        frame = await first.next_frame()
        assert "/testing/thing/=" in frame
        assert first.text("p") == second.text("p")
        STORE["/testing/thing/"] = 42
        await publish_change("/testing/thing/")
        await first.next_frame()
        await second.next_frame()
    assert first.text("p") == "/testing/thing/=42"


async def test_next_frame_times_out_when_nothing_comes(each_build_client: LiveClient) -> None:
    page = await each_build_client.open("/testing/greeters/")
    with pytest.raises(TimeoutError):
        await page.next_frame(timeout=0.05)


async def test_pages_carry_the_bindings_of_their_htmx(each_build_client: LiveClient) -> None:
    page = await each_build_client.open("/testing/clicks/")
    assert page.dialect.send_attr in page.html("button")
    await page.click("span.inner")
    assert page.text(".hits") == "2"


async def test_a_client_refuses_to_send_frames_the_pages_htmx_never_sends(
    settings: Settings,
) -> None:
    settings.LIVEVIEW_HTMX_VERSION = 4
    async with LiveClient(frame=HTMX2_FRAME) as client:
        with pytest.raises(LiveTestError, match="rendered for htmx 4.*htmx 2 frames"):
            await client.open("/testing/clicks/")


async def test_enter_in_a_text_field_submits_its_form_with_the_default_button(
    each_build_client: LiveClient,
) -> None:
    page = await each_build_client.open("/testing/form/")
    await page.fill("Title", "entered")
    await page.press("Title", "Enter")
    assert page.text("[data-k=title]") == "entered"
    assert page.text("[data-k=action]") == "keep"


async def test_a_disabled_button_cannot_be_clicked(each_build_client: LiveClient) -> None:
    page = await each_build_client.open("/testing/form/")
    with pytest.raises(LiveTestError, match="is disabled"):
        await page.click("fieldset input")
    assert len(page.frames) == 1
