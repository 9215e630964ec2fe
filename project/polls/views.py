"""Pages of the polls demo, and the plain-HTTP posts its forms fall back to without JavaScript."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from liveview.editor import BASE_ETAG, THEIR_ETAG
from liveview.resources import StaleResource, save_if_match
from project.polls.forms import PollForm, VoteForm
from project.polls.models import Poll, vote


@require_GET
def poll_index(request: HttpRequest) -> HttpResponse:
    return render(request, "polls/index.html")


@require_GET
def poll_detail(request: HttpRequest, pk: int) -> HttpResponse:
    poll = get_object_or_404(Poll, pk=pk)
    return render(request, "polls/detail.html", {"poll": poll})


@require_POST
def poll_vote(request: HttpRequest, pk: int) -> HttpResponse:
    poll = get_object_or_404(Poll, pk=pk)
    form = VoteForm(request.POST)
    if not form.is_valid() or not vote(poll.pk, form.cleaned_data["choice"]):
        return render(request, "polls/detail.html", {"poll": poll}, status=400)
    return redirect(poll)


@require_POST
def poll_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor without JavaScript: the same ETag rules; a conflict page on a stale save."""
    poll = get_object_or_404(Poll, pk=pk)
    action = request.POST.get("action", "save")
    if action == "reload":
        return redirect(poll)
    field = THEIR_ETAG if action == "overwrite" else BASE_ETAG
    etag = request.POST.get(field, "")
    form = PollForm(request.POST, instance=poll)
    if not etag:  # as the live editor and the REST API (428) refuse it: nothing is saved
        form.add_error(None, f'This form was sent without its "{field}" field: nothing was saved.')
        context = {"poll": poll, "form": form, "etag": request.POST.get(BASE_ETAG, "")}
        return render(request, "polls/edit_fallback.html", context, status=428)
    if not form.is_valid():
        context = {"poll": poll, "form": form, "etag": etag}
        return render(request, "polls/edit_fallback.html", context, status=400)
    try:
        save_if_match(form.instance, etag)
    except StaleResource as stale:
        theirs = get_object_or_404(Poll, pk=pk)
        context = {"poll": theirs, "form": form, "etag": stale.expected, "conflict": theirs}
        return render(request, "polls/edit_fallback.html", context, status=409)
    return redirect(poll)
