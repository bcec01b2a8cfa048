"""Django's makemessages, which also reads the emails' Jinja2 templates (planner/jinja2/).

Django's reads every .html and .txt file as a Django template, and Jinja2's `{% trans %}`
blocks and `_("...")` calls with values are not Django's syntax: their strings would be left
out of the catalog, and a later run would mark the ones put there by hand obsolete. Here a file
under a `jinja2` folder is read by Jinja2's own extractor (the parser that draws it, so exactly
the strings it will look up) and handed to xgettext as the gettext calls it makes, with their
`Translators:` comments; every other file goes through Django's as before. Run it as Django's:
`manage.py makemessages -l es ...` (the README's options).
"""

from __future__ import annotations

import io
from pathlib import Path

from django.core.management.commands import makemessages
from jinja2.ext import babel_extract

# What the emails call: Jinja2's i18n names (planner.delivery.email_templates installs them).
KEYWORDS = ("_", "gettext", "ngettext")
COMMENT_TAGS = ("Translators:",)


def as_python(source: str) -> str:
    """The gettext calls of a Jinja2 template's source, one a line, as Python xgettext reads,
    each after the translators' comments written for it."""
    lines: list[str] = []
    found = babel_extract(io.BytesIO(source.encode()), KEYWORDS, COMMENT_TAGS, {})
    for _line, _function, message, comments in found:
        # Jinja2 hands the comment without its tag; xgettext keeps only those with it.
        lines.extend(f"# Translators: {comment}" for comment in comments)
        if isinstance(message, str):
            lines.append(f"gettext({message!r})")
        elif message is not None:
            singular, plural = message[0], message[1]
            lines.append(f"ngettext({singular!r}, {plural!r}, 1)")
    return "\n".join(lines) + "\n"


def is_jinja(path: str) -> bool:
    return "jinja2" in Path(path).parts


class BuildFile(makemessages.BuildFile):
    def preprocess(self) -> None:
        if not (self.is_templatized and is_jinja(self.path)):
            super().preprocess()
            return
        source = Path(self.path).read_text(encoding="utf-8")
        Path(self.work_path).write_text(as_python(source), encoding="utf-8")


class Command(makemessages.Command):
    build_file_class = BuildFile
