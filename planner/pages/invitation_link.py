"""The page an invitation's email links to: who invites, and what accepting means; then sign
up (the address is taken as confirmed: the link came to it) or sign in, and answer.

planner.care.invitation_links decides whether the link can be used and binds it to the
account that opens it; the runner's answer is linking.answer_invitation, as in the app."""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kit.web import signed_in
from planner.care import invitation_links, linking, team
from planner.models import CareLink
from planner.names import shown_name


def join(request: HttpRequest, token: str) -> HttpResponse:
    now = timezone.now()
    try:
        invitation = invitation_links.find(token, now)
    except invitation_links.LinkUnusable as unusable:
        # A 200, as Django's own page for a spent password-reset link: the page is the answer,
        # a person followed an old link, nothing broke.
        return render(request, "pages/invitations/unusable.html", {"reason": str(unusable)})
    here = reverse("invitation-link", args=[token])
    context = {
        "therapist": shown_name(invitation.therapist),
        "clinic": team.handout_clinic(invitation.therapist, None),
        "email": invitation.email,
        "signup_url": f"{reverse('account_signup')}?{urlencode({'next': here})}",
        "login_url": f"{reverse('account_login')}?{urlencode({'next': here})}",
        "here": here,
    }
    if not request.user.is_authenticated:
        # Whoever opened the link reads this mailbox: signing up with the address confirms
        # it at once (allauth's verified-email stash), and the sign-up form comes filled in.
        get_adapter(request).stash_verified_email(request, invitation.email)
        return render(request, "pages/invitations/join.html", context)
    user = signed_in(request)
    if request.method != "POST":
        return render(request, "pages/invitations/join.html", context)
    accept = request.POST.get("answer") == "accept"
    try:
        link = invitation_links.claim(token, user, now)
    except invitation_links.LinkUnusable as unusable:
        return render(request, "pages/invitations/unusable.html", {"reason": str(unusable)})
    if link.status == CareLink.Status.INVITED:
        linking.answer_invitation(user, link.pk, accept=accept, now=now)
        if accept:
            messages.success(
                request, _("%(name)s can now see your plans.") % {"name": context["therapist"]}
            )
        else:
            messages.success(
                request,
                _("You declined %(name)s's invitation.") % {"name": context["therapist"]},
            )
    elif link.status == CareLink.Status.ACTIVE:
        messages.info(
            request, _("%(name)s already follows your plans.") % {"name": context["therapist"]}
        )
    else:
        messages.info(request, _("Nothing to answer: your notifications show your care links."))
    return redirect("notifications")


urlpatterns = [
    path("invitations/join/<str:token>/", join, name="invitation-link"),
]
