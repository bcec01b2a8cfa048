"""Messages between a runner and their therapist: the list of conversations, one conversation
with its history and the form to write, and the therapist's way in from a patient's page.

planner.care.messages decides who reads and writes; these views load, call and render. Someone
not in a conversation gets the 404 of one that does not exist.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from kit.web import signed_in
from planner.care import messages
from planner.models import MESSAGE_MAX_LENGTH, Message, Plan
from planner.pages.common import add_domain_errors, therapist_required


def longest_words() -> str:
    """The message field's help, with the longest message in the reader's number format."""
    return _("Plain text, up to %(count)s characters.") % {
        "count": number_format(MESSAGE_MAX_LENGTH, force_grouping=True)
    }


# The newest messages shown at once; older ones a page back each.
MESSAGES_PER_PAGE = 50


class MessageForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your message"),
        max_length=MESSAGE_MAX_LENGTH,
        # The service strips and refuses an empty message, naming the field.
        strip=False,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=lazy(longest_words, str)(),
    )


def viewer_zone(user: User) -> str:
    """The zone times are shown in: the one of the person's newest active plan (where they
    live their days), else the site's, as other pages show times."""
    zone: str | None = (
        Plan.objects.filter(user_id=user.pk, status=Plan.Status.ACTIVE)
        .order_by("-start_date", "-pk")
        .values_list("time_zone", flat=True)
        .first()
    )
    return zone or settings.TIME_ZONE


# How long a drawn list of conversations is kept: it is keyed on everything it shows, so a
# new message, a read or a link ended is a new key at once; this only bounds the memory.
LIST_CACHE_SECONDS = 600


def shown_in_list(summaries: list[messages.Summary]) -> list[tuple[object, ...]]:
    """Everything the list shows of each conversation: the drawn list is cached under it."""
    return [
        (s.pk, s.with_name, s.side.name, s.unread, s.open, s.last_message_at) for s in summaries
    ]


@login_required
def conversations(request: HttpRequest) -> HttpResponse:
    """Every conversation of the person, the latest written first, with its unread count."""
    user = signed_in(request)
    summaries = messages.inbox(user)
    # A therapist's list draws 100 cards (a link and a date each): drawn once per content,
    # per person (list.html's {% cache %}), as bench/page_times.py found it 2.6x the floor.
    return render(
        request,
        "pages/messages/list.html",
        {
            "summaries": summaries,
            "zone": viewer_zone(user),
            "shown": shown_in_list(summaries),
            "list_cache_seconds": LIST_CACHE_SECONDS,
        },
    )


def render_thread(request: HttpRequest, conversation_id: int, form: MessageForm) -> HttpResponse:
    user = signed_in(request)
    thread = messages.read(user, conversation_id)
    # Newest first to cut the pages (the first is the latest), shown oldest first on each.
    page: Page[Message] = Paginator(
        thread.messages.order_by("-created_at", "-pk"), MESSAGES_PER_PAGE
    ).get_page(request.GET.get("page"))
    shown = list(reversed(page.object_list))
    context = {
        "thread": thread,
        "page": page,
        "shown": [(message, thread.names[message.author_id]) for message in shown],
        "form": form,
        "zone": viewer_zone(user),
        "back": reverse("patient", args=[thread.runner_id])
        if thread.side is messages.THERAPIST
        else "",
    }
    return render(request, "pages/messages/conversation.html", context)


@login_required
def conversation(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """The history, newest at the bottom, and the form to write under it while it is open."""
    if request.method != "POST":
        return render_thread(request, conversation_id, MessageForm())
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            messages.post(
                signed_in(request), conversation_id, form.cleaned_data["body"], timezone.now()
            )
        except ValidationError as exc:
            add_domain_errors(form, exc)
        except messages.Closed as closed:
            form.add_error(None, closed.message)
        else:
            return redirect(reverse("conversation", args=[conversation_id]) + "#latest")
    return render_thread(request, conversation_id, form)


@therapist_required
@require_GET
def patient_messages(request: HttpRequest, runner_id: int) -> HttpResponse:
    """From a patient's page: the conversation of the active link, opened if it is the first."""
    found = messages.with_runner(signed_in(request), runner_id)
    return redirect("conversation", conversation_id=found.pk)


urlpatterns = [
    path("messages/", conversations, name="conversations"),
    path("messages/<id:conversation_id>/", conversation, name="conversation"),
    path("patients/<id:runner_id>/messages/", patient_messages, name="patient-messages"),
]
