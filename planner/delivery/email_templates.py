"""The emails' templates (planner/jinja2/planner/email/), drawn by Jinja2.

Why not Django's template language, as the pages are: the send path draws three templates a
delivery (the email's text and HTML, the notice's text), and Django's engine took about 0.8 ms
of CPU for the three, a third of what sending a reminder cost (bench/delivery_bench.py);
Jinja2 compiles a template to Python once. The words are the same; the HTML writes a quote as
&#34; and an apostrophe as &#39; where Django wrote &quot; and &#x27; (the same characters to
any mail reader).

The text templates are not escaped (a plain-text email shows "&" as "&"); the HTML ones are.

Their words are translated with Jinja2's i18n extension calling Django's gettext, so an email
is written in the language active when it is drawn (planner.delivery.notify activates each
recipient's). A template writes a fixed sentence as `{{ _("...") }}` and one with values as
`{% trans name=value %}... {{ name }} ...{% endtrans %}` (the values escaped in the HTML ones,
the translation not: it is ours). Django's makemessages does not read Jinja2; the project's own
makemessages (planner/management/commands/makemessages.py) hands these files to Jinja2's
extractor, so their strings land in locale/*/LC_MESSAGES/django.po with the rest.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.template import engines
from django.utils import timezone
from django.utils.translation import get_language, gettext, ngettext
from jinja2 import Environment, pass_eval_context, select_autoescape
from jinja2.nodes import EvalContext
from markupsafe import Markup

from planner.templatetags.dates import shown_date

ENGINE = "email"


def _date(value: date | datetime | None, fmt: str) -> str:
    """Django's `date` filter: a datetime in the current time zone, in the active language."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return shown_date(value, fmt)
    if value is None:
        return shown_date(value, fmt)
    # A day: a chunk's reminders are for the same few days, each written out once.
    return _day_words(value, fmt, get_language())


@functools.lru_cache(maxsize=512)
def _day_words(value: date, fmt: str, language: str | None) -> str:
    return shown_date(value, fmt)


@functools.cache
def gettext_in(language: str | None) -> Callable[[str], str]:
    """gettext for messages drawn in `language` (the active one when called), each string
    looked up once: the catalogs do not change as the process runs, and Django's gettext asks
    the thread for its language at every call."""
    found: dict[str, str] = {}

    def translated(message: str) -> str:
        words = found.get(message)
        if words is None:
            words = found[message] = gettext(message)
        return words

    return translated


@functools.cache
def translator(language: str | None) -> Callable[..., str]:
    """`_` and `gettext` of the templates drawn in `language` (the active one when called):
    what Jinja2's new-style gettext does (the translation, trusted in an HTML template, its
    values formatted in and escaped there), with each string looked up once.

    Why not Jinja2's own: the send path draws three templates a delivery with a dozen strings
    in each, and each of its lookups went through three context calls and Django's gettext,
    which asks the thread for its language every time: that tripled what drawing a reminder
    cost. Here the language is asked once a template (`render`), and a template's words are
    a few dozen fixed strings while the catalogs do not change as the process runs."""
    looked_up = gettext_in(language)

    @pass_eval_context
    def translated(eval_ctx: EvalContext, message: str, **values: Any) -> str:
        words = looked_up(message)
        # As Jinja2's: always a format, so "%%" is a percent sign.
        if eval_ctx.autoescape:
            return Markup(words) % values
        return words % values

    return translated


def html_language(language: str | None) -> str:
    """The language as an HTML `lang` names it: "en" for Django's default "en-us"."""
    return (language or "en").split("-")[0]


def environment(**options: Any) -> Environment:
    options["autoescape"] = select_autoescape(
        enabled_extensions=("html",), default_for_string=False, default=False
    )
    # Django's templates keep the newline a file ends with; so must these.
    options["keep_trailing_newline"] = True
    env = Environment(**options)
    env.filters["date"] = _date
    env.add_extension("jinja2.ext.i18n")
    # New style: `_("... %(name)s", name=value)` formats (and escapes) its values itself, as
    # {% trans %} does.
    # Jinja2's callables, for a template drawn other than through `render`; `render` hands
    # each its language's own (translator).
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    return env


def render(name: str, context: dict[str, Any], language: str | None = None) -> str:
    """planner/email/<name> drawn with `context` in the active language (`language`: its code,
    when the caller has it already)."""
    language = language or get_language()
    translated = translator(language)
    context = {
        **context,
        "_": translated,
        "gettext": translated,
        "language": html_language(language),
    }
    # Straight to Jinja2: Django's wrapper (a template object a call, the request's context
    # processors, of which this engine has none) cost a fifth of drawing a reminder's text.
    template = engines[ENGINE].env.get_template(f"planner/email/{name}")  # type: ignore[attr-defined]
    return str(template.render(context))
