"""The token of an invitation's sign-up link: signed (Django's signing, with the secret key)
over the invitation's id and the nonce kept on its row. Made here so the sender (planner.
delivery) and the invitation's rules (planner.care.invitation_links) read it alike."""

from __future__ import annotations

from django.core import signing

from planner.models import EmailInvitation

SALT = "planner.invitation-link"


def token_for(invitation: EmailInvitation) -> str:
    return signing.dumps([invitation.pk, invitation.nonce], salt=SALT, compress=False)


def read(token: str) -> tuple[int, str] | None:
    """(invitation id, nonce) from a token we made, else None."""
    try:
        invitation_id, nonce = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(invitation_id, int) or not isinstance(nonce, str):
        return None
    return invitation_id, nonce
