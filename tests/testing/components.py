"""Components the client's own tests act on: every kind of control and binding."""

from __future__ import annotations

from typing import Any

from django_components import register

from liveview import LiveComponent, event


@register("testing_form")
class Form(LiveComponent):
    """A live form with one control of each kind; shows the values its submit carried."""

    template = (
        "{% load liveview %}<form class='live' {% live 'save' %}>"
        "<label for='{{ lv.id }}-title'>Title</label><input id='{{ lv.id }}-title' name='title'"
        " value='{{ title }}'>"
        "<label>Body <textarea name='body'>{{ body }}</textarea></label>"
        "<select name='size'><option>S</option><option value='m' selected>Medium</option>"
        "<option value='l'>Large</option></select>"
        "<input type='checkbox' name='agree' value='yes'>"
        "<input type='radio' name='color' value='red' checked>"
        "<input type='radio' name='color' value='blue'>"
        "<input name='tag' value='a'><input name='tag' value='b'>"
        "<input name='off' value='x' disabled><fieldset disabled><input name='gone' value='y'>"
        "</fieldset><button name='action' value='keep'>Keep</button>"
        "<button name='action' value='publish'><span>Publish</span></button></form>"
        "<ul class='got'>{% for k, v in got %}<li data-k='{{ k }}'>{{ v }}</li>{% endfor %}</ul>"
        "<form class='plain' method='post' action='/elsewhere/'><button>Plain</button></form>"
    )
    title: str = "first"
    body: str = ""
    got: list[tuple[str, str]] = []

    @event
    def save(self, **values: Any) -> None:
        self.got = sorted((k, str(v)) for k, v in values.items())


@register("testing_inputs")
class Inputs(LiveComponent):
    """One input per trigger; each binding logs the event name and the value it sent."""

    template = (
        "{% load liveview %}"
        "<label>Live <input name='q' {% live 'log' what='input' on='input' %}></label>"
        "<label>Changed <input name='c' {% live 'log' what='changed' on='input' changed=True %}>"
        "</label><label>Leave <input name='l' {% live 'log' what='change' %}></label>"
        "<label>Enter <input name='k' {% live 'log' what='enter' key='Enter' %}></label>"
        "<label>Quiet <input name='n'></label>"
        "<label>Box <input type='checkbox' name='b' {% live 'log' what='box' %}></label>"
        "<ol class='log'>{% for line in lines %}<li>{{ line }}</li>{% endfor %}</ol>"
    )
    lines: list[str] = []

    @event
    def log(self, what: str, **values: Any) -> None:
        shown = ", ".join(f"{k}={v}" for k, v in sorted(values.items()))
        self.lines = [*self.lines, f"{what}: {shown}"]


@register("testing_clicks")
class Clicks(LiveComponent):
    template = (
        "{% load liveview %}<p class='hits'>{{ hits }}</p>"
        "<button {% live 'hit' by=2 %}><span class='inner'>Hit</span></button>"
        "<div {% live 'hit' by=10 %}><button type='button' class='bubbled'>Bubble</button></div>"
        "<button type='button' class='dead'>Dead</button>"
        "<a href='/elsewhere/'>Away</a>"
    )
    hits: int = 0

    @event
    def hit(self, by: int = 1) -> None:
        self.hits += by


@register("testing_whoami")
class WhoAmI(LiveComponent):
    """Shows who the socket's user is."""

    login_required = True
    template = "<p class='who'>{{ user.username }}</p>"


@register("testing_poll_question")
class PollQuestion(LiveComponent):
    """A poll's question, reloaded whenever the poll is published as changed."""

    template = "<p class='question'>{{ question }}</p>"

    def mount(self, pk: int) -> None:
        from project.polls.models import Poll

        self.pk = pk
        self.question = Poll.objects.get(pk=pk).question

    def subscriptions(self) -> list[str]:
        return [f"/polls/{self.pk}"]
