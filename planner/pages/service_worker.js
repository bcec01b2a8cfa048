// The planner's service worker (served at /sw.js by planner.pages.app, which puts VERSION and
// SHELL, and START_URL, the manifest's start_url, above this line). It keeps two caches:
// - the shell, the same for everyone: styles, scripts, icons, the offline page;
// - the signed-in runner's own pages (their next days, with the pictures those pages show),
//   in a cache named after an opaque key of theirs, filled only when one of their day pages
//   asks ("keep"), emptied at sign-out ("forget"), when another runner's page asks, or when
//   the server sends a kept page's request to the sign-in page.
// Pages are fetched from the network first; the kept copy answers only when that fails.

const SHELL_CACHE = `planner-shell-${VERSION}`;
const RUNNER_PREFIX = "planner-runner-";
const OFFLINE_URL = SHELL[SHELL.length - 1];
const SIGN_IN = "/accounts/login/";
// Kept copies are matched whatever the request's language: a response that varies on
// Accept-Language (every page and chart, LocaleMiddleware) was kept under a request made here,
// and the page's own requests carry the browser's header, which would never match.
const ANY_VARY = { ignoreVary: true };

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith("planner-shell-") && name !== SHELL_CACHE)
            .map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

async function runnerCaches() {
  return (await caches.keys()).filter((name) => name.startsWith(RUNNER_PREFIX));
}

async function forget(exceptName) {
  const names = await runnerCaches();
  await Promise.all(names.filter((name) => name !== exceptName).map((name) => caches.delete(name)));
}

// The same-origin pictures (and other images) a kept page shows: `src` and `srcset` of its
// <img> and <source> tags (never a video: too heavy to keep unasked).
function picturesOf(html) {
  const found = new Set();
  for (const match of html.matchAll(/<(?:img|source)\b[^>]*?\s(?:src|srcset)="([^"]+)"/g)) {
    const url = new URL(match[1].replaceAll("&amp;", "&"), self.location.origin);
    if (url.origin === self.location.origin && !url.pathname.endsWith(".js")) {
      found.add(url.pathname + url.search);
    }
  }
  return [...found];
}

async function keep(runner, urls) {
  const name = RUNNER_PREFIX + runner;
  await forget(name);
  const cache = await caches.open(name);
  const pictures = new Set();
  for (const url of urls) {
    const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
    if (response.redirected || !response.ok) {
      if (new URL(response.url).pathname.startsWith(SIGN_IN)) {
        await forget();
        return false;
      }
      continue;
    }
    const html = await response.clone().text();
    picturesOf(html).forEach((picture) => pictures.add(picture));
    await cache.put(url, response);
  }
  await Promise.all(
    [...pictures].map(async (url) => {
      try {
        // Revalidated (the pictures have ETags): cheap when unchanged, fresh when changed.
        const response = await fetch(url, { credentials: "same-origin", cache: "no-cache" });
        if (response.ok && !response.redirected) await cache.put(url, response);
      } catch (error) {
        // A picture missed now is fetched again on the next "keep".
      }
    }),
  );
  return true;
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  const port = event.ports && event.ports[0];
  let work;
  if (data.type === "keep" && /^[0-9a-f]+$/.test(data.runner || "")) {
    work = keep(data.runner, (data.urls || []).filter((url) => url.startsWith("/plans/")));
  } else if (data.type === "forget") {
    work = forget().then(() => true);
  } else {
    return;
  }
  event.waitUntil(
    work
      .catch(() => false)
      .then((done) => {
        if (port) port.postMessage({ done });
      }),
  );
});

// The local date as YYYY-MM-DD: "today" offline is the device's today.
function localDate() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

// A kept day page of the device's today, of any of the runner's plans.
async function keptToday() {
  const suffix = `/day/${localDate()}/`;
  for (const name of await runnerCaches()) {
    const keys = await (await caches.open(name)).keys();
    const found = keys.find((request) => new URL(request.url).pathname.endsWith(suffix));
    if (found) return new URL(found.url).pathname;
  }
  return null;
}

async function keptPage(url) {
  const kept = await caches.match(url.pathname, { ignoreSearch: true, ...ANY_VARY });
  if (kept) return kept;
  // Today's address redirects to the day's page: offline, to the day kept for today. The
  // app's start (the dashboard, where the installed app opens) goes to a kept today too.
  const today = url.pathname.match(/^\/plans\/(\d+)\/today\/$/);
  if (today) {
    const day = `/plans/${today[1]}/day/${localDate()}/`;
    if (await caches.match(day, ANY_VARY)) return Response.redirect(day, 302);
  }
  if (url.pathname === START_URL || today) {
    const day = await keptToday();
    if (day) return Response.redirect(day, 302);
  }
  return caches.match(OFFLINE_URL, ANY_VARY);
}

async function page(request) {
  const url = new URL(request.url);
  try {
    const response = await fetch(request);
    if (response.redirected && new URL(response.url).pathname.startsWith(SIGN_IN)) {
      // Signed out (or expired) on the server: nothing of the runner's stays on the device.
      await forget();
    } else if (response.ok && !response.redirected) {
      // A kept page seen again online: its newer copy replaces the old one.
      for (const name of await runnerCaches()) {
        const cache = await caches.open(name);
        if (await cache.match(url.pathname, ANY_VARY)) await cache.put(url.pathname, response.clone());
      }
    }
    return response;
  } catch (error) {
    return keptPage(url);
  }
}

async function asset(request) {
  const kept = await caches.match(request, { ignoreSearch: false, ...ANY_VARY });
  if (kept) return kept;
  return fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(page(request));
  } else if (
    url.pathname.startsWith("/static/") ||
    url.pathname.startsWith("/exercises/") ||
    url.pathname.startsWith("/jsi18n/")
  ) {
    event.respondWith(asset(request));
  } else if (request.destination === "image") {
    // A kept page's other images (its chart): the network's, else the kept copy.
    event.respondWith(
      fetch(request).catch(() =>
        caches.match(request, ANY_VARY).then((kept) => kept || new Response("", { status: 504 })),
      ),
    );
  }
});

// A push reminder (planner.delivery.push): its title and one line, never what the exercises
// are (a lock screen shows it to anyone nearby). One per tag: the next of the same kind
// replaces it rather than piling up.
self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {
    message = {};
  }
  const icon = SHELL.find((url) => url.includes("icon-192"));
  event.waitUntil(
    self.registration.showNotification(message.title || "Rehab planner", {
      body: message.body || "",
      tag: message.tag || "planner",
      icon,
      badge: icon,
      data: { url: message.url || "/home/" },
    }),
  );
});

// Opening a push opens its page, here: only its path is taken, so a link can never send the
// runner to another site; a window already on that page is brought forward instead.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  let target = "/home/";
  try {
    const url = new URL((event.notification.data || {}).url || "/home/", self.location.origin);
    target = url.pathname + url.search;
  } catch (error) {
    target = "/home/";
  }
  const address = new URL(target, self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => client.url === address && "focus" in client);
      return open ? open.focus() : self.clients.openWindow(address);
    }),
  );
});
