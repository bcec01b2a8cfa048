"""A handout as a PDF, made on the server with WeasyPrint from the same page a browser prints.

The page's stylesheets and drawings are fetched from the app itself (the static files, and the
drawing and photo views called in-process with the reader's own rights), never over the
network: a handout made here reaches no other server, and renders the same offline.

WeasyPrint loads Pango when imported: this module is imported by the PDF views when called,
so the rest of the app runs on a machine without Pango."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpRequest, StreamingHttpResponse
from django.urls import Resolver404, resolve
from django.utils._os import safe_join
from PIL import ImageFile
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# WeasyPrint, when imported, lets Pillow load truncated images for the whole process; that
# would let a cut-short photo through kit.uploads' check in every upload after the first PDF.
# The handouts embed only our drawings and photos already checked, so the flag goes back.
ImageFile.LOAD_TRUNCATED_IMAGES = False

# The views whose answers a handout may embed: the exercise drawings and exercise photos.
EMBEDDED_VIEWS = {"exercise-picture", "exercise-picture-still", "media-file"}


class SiteFetcher(URLFetcher):
    """What the handout links to, from the app: anything else is refused (WeasyPrint then
    leaves it out and says so in its log)."""

    def __init__(self, request: HttpRequest) -> None:
        super().__init__(allowed_protocols=("http", "https"))
        self.request = request
        self.origin = request.build_absolute_uri("/")

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        if not url.startswith(self.origin):
            raise ValueError("a handout embeds the site's own files only")
        path = "/" + url[len(self.origin) :].split("?", 1)[0].split("#", 1)[0]
        if path.startswith(settings.STATIC_URL):
            return self.static_file(url, path[len(settings.STATIC_URL) :])
        try:
            match = resolve(path)
        except Resolver404:
            raise ValueError("no such page") from None
        if match.url_name not in EMBEDDED_VIEWS:
            raise ValueError("not a drawing or a photo")
        inner = HttpRequest()
        inner.method = "GET"
        inner.path = inner.path_info = path
        inner.META = {"SERVER_NAME": self.request.get_host(), "SERVER_PORT": "443"}
        inner.user = self.request.user
        response = match.func(inner, *match.args, **match.kwargs)
        if response.status_code != 200:
            raise ValueError(f"{response.status_code} for an embedded file")
        body = (
            b"".join(response.streaming_content)  # type: ignore[arg-type]
            if isinstance(response, StreamingHttpResponse)
            else response.content
        )
        return URLFetcherResponse(
            url, body=body, headers={"Content-Type": response["Content-Type"]}
        )

    @staticmethod
    def static_file(url: str, name: str) -> URLFetcherResponse:
        # Collected (and, in production, named by content hash) or, in development, found
        # where the apps keep them; never a path outside the static folder ("//etc/passwd"
        # and "../" survive URL joining), which safe_join refuses.
        try:
            collected = Path(safe_join(str(settings.STATIC_ROOT), name))
        except SuspiciousFileOperation:
            raise ValueError("not a static file") from None
        found = str(collected) if collected.is_file() else finders.find(name)
        if not isinstance(found, str) or not Path(found).resolve().is_file():
            raise ValueError("no such static file")
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=Path(found).read_bytes(), headers={"Content-Type": content_type}
        )


def pdf_of(request: HttpRequest, html: str) -> bytes:
    document = HTML(
        string=html, base_url=request.build_absolute_uri("/"), url_fetcher=SiteFetcher(request)
    )
    pdf: bytes = document.write_pdf()
    return pdf
