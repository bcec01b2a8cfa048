// The planner as an installed app that works with no network (planner.pages.app):
// the service worker registered, the install button on a runner's pages, the runner's next
// days kept on the device, sessions logged offline kept here (IndexedDB) and sent when the
// network returns, each with an id made here so a log sent twice is stored once, and a day
// logged elsewhere meanwhile shown, not lost. Everything works without it.
"use strict";

(() => {
  const DB_NAME = "planner-offline";
  const STORE = "logs";
  // How long a runner's kept days stay good before a day page keeps them again.
  const KEEP_EVERY_MS = 30 * 60 * 1000;

  // --- The device's store of logs made offline ----------------------------------------------

  function openStore() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "client_id" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function withStore(mode, work) {
    const db = await openStore();
    try {
      return await new Promise((resolve, reject) => {
        const transaction = db.transaction(STORE, mode);
        const result = work(transaction.objectStore(STORE));
        transaction.oncomplete = () => resolve(result && "result" in result ? result.result : result);
        transaction.onerror = () => reject(transaction.error);
      });
    } finally {
      db.close();
    }
  }

  // Reading never makes the store: a page of someone signed out leaves none behind.
  async function storeExists() {
    if (!indexedDB.databases) return true;
    return (await indexedDB.databases()).some((db) => db.name === DB_NAME);
  }

  const allLogs = async () => ((await storeExists()) ? withStore("readonly", (store) => store.getAll()) : []);
  const putLog = (log) => withStore("readwrite", (store) => store.put(log));
  const dropLog = (id) => withStore("readwrite", (store) => store.delete(id));

  // --- Talking to the service worker -----------------------------------------------------------

  function tellWorker(message) {
    if (!("serviceWorker" in navigator)) return Promise.resolve(false);
    return navigator.serviceWorker.ready.then(
      (registration) =>
        new Promise((resolve) => {
          const channel = new MessageChannel();
          channel.port1.onmessage = (event) => resolve(Boolean(event.data && event.data.done));
          registration.active.postMessage(message, [channel.port2]);
        }),
    );
  }

  function register() {
    const meta = document.querySelector('meta[name="service-worker"]');
    if (!meta || !("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register(meta.content, { scope: "/" }).catch(() => {});
  }

  // A runner's day page asks the worker to keep today and the next days (at most every half
  // hour, or at once after a log changed today's page).
  function keepDays(offline, force) {
    const urls = JSON.parse(offline.dataset.days);
    const mark = `planner-kept:${offline.dataset.runner}:${offline.dataset.plan}`;
    const last = JSON.parse(localStorage.getItem(mark) || "null");
    const fresh = last && last.first === urls[0] && Date.now() - last.at < KEEP_EVERY_MS;
    if (fresh && !force) {
      document.documentElement.dataset.offline = "kept";
      return;
    }
    tellWorker({ type: "keep", runner: offline.dataset.runner, urls }).then((done) => {
      if (!done) return;
      localStorage.setItem(mark, JSON.stringify({ first: urls[0], at: Date.now() }));
      document.documentElement.dataset.offline = "kept";
    });
  }

  // --- Logging with no network -------------------------------------------------------------

  function numberOr(value, scale) {
    if (value === null || value === "") return null;
    const number = Number(value);
    return Number.isFinite(number) ? Math.round(number * scale) : null;
  }

  // The card's form as the API's entry (planner.api.sessions.LogSessionSerializer).
  function entryOf(form, submitter) {
    const prefix = `ex${form.dataset.logFor}-`;
    const data = new FormData(form);
    const field = (name) => data.get(prefix + name);
    const entry = {
      plan_exercise: Number(form.dataset.logFor),
      day: form.dataset.day,
      done: Boolean(submitter && submitter.value === "true"),
      amount_done: numberOr(field("amount_done"), 1),
      pain_during: numberOr(field("pain_during"), 1),
      difficulty: numberOr(field("difficulty"), 1),
      note: field("note") || "",
      client_id: crypto.randomUUID(),
    };
    if (data.has(prefix + "run_minutes")) {
      entry.run_seconds = numberOr(field("run_minutes"), 60);
      const km = numberOr(field("distance_km"), 1000);
      if (km !== null) entry.distance_metres = km;
    }
    if (!entry.done) entry.amount_done = null;
    return entry;
  }

  function note(card, kind, text) {
    let shown = card.querySelector(".offline-note");
    if (!shown) {
      shown = document.createElement("p");
      shown.setAttribute("role", "status");
      card.appendChild(shown);
    }
    shown.className = `offline-note ${kind}`;
    shown.textContent = text;
  }

  function describe(values) {
    const parts = [values.done ? gettext("done") : gettext("not done")];
    if (values.amount_done !== null && values.amount_done !== undefined) parts.push(interpolate(gettext("%(amount)s per set"), { amount: values.amount_done }, true));
    if (values.pain_during !== null && values.pain_during !== undefined) parts.push(interpolate(gettext("pain during %(pain)s/10"), { pain: values.pain_during }, true));
    if (values.difficulty) parts.push(interpolate(gettext("difficulty %(difficulty)s/5"), { difficulty: values.difficulty }, true));
    if (values.note) parts.push(interpolate(gettext("note “%(note)s”"), { note: values.note }, true));
    return parts.join(", ");
  }

  async function logOffline(event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || navigator.onLine) return;
    const offline = document.getElementById("offline-plan");
    if (!form.dataset.logFor || !offline) {
      // Anything else sent with no network would end on the browser's error page: said here.
      if (form.method.toLowerCase() !== "post" || form.hasAttribute("data-sign-out")) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      const emergency = offline && offline.dataset.emergency ? ` (${offline.dataset.emergency})` : "";
      note(form, "warn", interpolate(gettext("No connection: this was not sent. Try again when you have a signal; if a warning sign worries you, call your doctor, or the emergency number%(emergency)s now."), { emergency }, true));
      return;
    }
    // Stop the page's own post (htmx's too): with no network it would be lost.
    event.preventDefault();
    event.stopImmediatePropagation();
    const card = form.closest(".exercise-card");
    if (form.dataset.correction !== undefined) {
      note(card, "warn", gettext("Changing a saved log needs a connection: try again when you have a signal."));
      return;
    }
    const entry = entryOf(form, event.submitter);
    await putLog({
      client_id: entry.client_id,
      url: offline.dataset.logs,
      plan: offline.dataset.plan,
      card: card.id,
      name: card.querySelector("h3").firstChild.textContent.trim(),
      entry,
      state: "waiting",
    });
    form.hidden = true;
    note(card, "waiting", interpolate(gettext("Saved on this device (%(log)s): it is sent when you are back online."), { log: describe(entry) }, true));
    countUnsent();
  }

  function csrfToken() {
    const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
    if (cookie) return cookie.split("=")[1];
    const headers = document.body.getAttribute("hx-headers");
    return headers ? JSON.parse(headers)["X-CSRFToken"] : "";
  }

  async function send(url, method, body) {
    return fetch(url, {
      method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    });
  }

  let sending = null;
  // Every log waiting on the device, sent in the order made; what the server answers decides.
  function sendWaiting() {
    if (sending) return sending;
    sending = (async () => {
      for (const log of await allLogs()) {
        if (log.state !== "waiting") continue;
        let response;
        try {
          response = await send(log.url, "POST", log.entry);
        } catch (error) {
          return; // Still no network: tried again when it returns.
        }
        const card = document.getElementById(log.card);
        if (response.status === 200 || response.status === 201) {
          await dropLog(log.client_id);
          if (card) note(card, "ok", gettext("Sent: your log is saved."));
        } else if (response.status === 409 || response.status === 400) {
          const answer = await response.json().catch(() => ({}));
          log.state = response.status === 409 ? "conflict" : "refused";
          log.stored = answer.stored || null;
          log.detail = answer.detail || Object.values(answer).flat().join(" ");
          await putLog(log);
          if (card) note(card, "warn", gettext("Not saved: see above, where both logs are shown."));
        } else {
          return; // Signed out, or the server is unwell: kept, tried again later.
        }
      }
    })().finally(() => {
      sending = null;
      countUnsent();
      showProblems();
    });
    return sending;
  }

  // Logs the server did not take: shown with both values until the runner decides.
  async function showProblems() {
    const offline = document.getElementById("offline-plan");
    const place = document.getElementById("offline-problems");
    if (!offline || !place) return;
    const problems = (await allLogs()).filter((log) => log.state !== "waiting" && log.plan === offline.dataset.plan);
    place.replaceChildren();
    place.hidden = problems.length === 0;
    for (const log of problems) place.appendChild(problemOf(log));
  }

  // A page opened again (the kept copy, offline) says which of its cards wait on the device.
  async function showWaiting() {
    for (const log of await allLogs().catch(() => [])) {
      const card = log.state === "waiting" && document.getElementById(log.card);
      const form = card && card.querySelector(`form[data-day="${log.entry.day}"]`);
      if (!form) continue;
      form.hidden = true;
      note(card, "waiting", interpolate(gettext("Saved on this device (%(log)s): it is sent when you are back online."), { log: describe(log.entry) }, true));
    }
  }

  function dayInWords(day) {
    const when = new Date(`${day}T12:00:00`);
    // In the page's language (its <html lang>), as the server writes dates.
    return when.toLocaleDateString(document.documentElement.lang || "en-GB", { weekday: "long", day: "numeric", month: "long" });
  }

  function button(text, secondary, action) {
    const made = document.createElement("button");
    made.type = "button";
    made.textContent = text;
    if (secondary) made.className = "secondary";
    made.addEventListener("click", action);
    return made;
  }

  function problemOf(log) {
    const section = document.createElement("section");
    section.className = "notice offline-conflict";
    section.setAttribute("role", "alert");
    const heading = document.createElement("h2");
    heading.textContent = log.state === "conflict"
        ? interpolate(gettext("%(exercise)s: logged twice, differently"), { exercise: log.name }, true)
        : interpolate(gettext("%(exercise)s: not saved"), { exercise: log.name }, true);
    section.appendChild(heading);
    const lines =
      log.state === "conflict"
        ? [
            interpolate(gettext("%(day)s was logged elsewhere while this device was offline."), { day: dayInWords(log.entry.day) }, true),
            interpolate(gettext("Saved: %(log)s."), { log: describe(log.stored) }, true),
            interpolate(gettext("On this device: %(log)s."), { log: describe(log.entry) }, true),
          ]
        : [log.detail || gettext("The planner refused it."), interpolate(gettext("On this device: %(log)s."), { log: describe(log.entry) }, true)];
    for (const line of lines) {
      const paragraph = document.createElement("p");
      paragraph.textContent = line;
      section.appendChild(paragraph);
    }
    const actions = document.createElement("p");
    actions.className = "actions";
    if (log.state === "conflict" && log.stored) {
      actions.appendChild(
        button(gettext("Keep this device's log"), false, async () => {
          const { plan_exercise, day, client_id, ...changes } = log.entry;
          const response = await send(`${log.url}/${log.stored.id}`, "PATCH", changes).catch(() => null);
          if (response && response.ok) {
            await dropLog(log.client_id);
            await countUnsent();
            window.location.reload();
          }
        }),
      );
    }
    actions.appendChild(
      button(log.state === "conflict" ? gettext("Keep the saved log") : gettext("Discard it"), true, async () => {
        await dropLog(log.client_id);
        countUnsent();
        showProblems();
      }),
    );
    section.appendChild(actions);
    return section;
  }

  // --- Install ------------------------------------------------------------------------------

  function offerInstall() {
    const offer = document.querySelector("[data-install]");
    if (!offer) return;
    const DISMISSED = "planner-install-dismissed";
    let asked = null;
    window.addEventListener("beforeinstallprompt", (event) => {
      event.preventDefault();
      if (localStorage.getItem(DISMISSED)) return;
      asked = event;
      offer.hidden = false;
    });
    offer.querySelector("[data-install-yes]").addEventListener("click", async () => {
      offer.hidden = true;
      if (!asked) return;
      asked.prompt();
      await asked.userChoice.catch(() => null);
      asked = null;
    });
    offer.querySelector("[data-install-no]").addEventListener("click", () => {
      localStorage.setItem(DISMISSED, "1");
      offer.hidden = true;
    });
    window.addEventListener("appinstalled", () => {
      offer.hidden = true;
    });
  }

  // --- Sign-out: nothing of the runner's stays on the device ----------------------------------

  const UNSENT = "planner-unsent";
  const SIGNING_OUT = "planner-signing-out";

  // How many logs the device holds unsent (waiting, or not taken): read at sign-out without
  // waiting for IndexedDB, so a sign-out with nothing unsent goes at once.
  async function countUnsent() {
    const count = (await allLogs().catch(() => [])).length;
    localStorage.setItem(UNSENT, String(count));
    return count;
  }

  async function clearDevice() {
    await Promise.race([
      Promise.all([
        tellWorker({ type: "forget" }),
        caches.keys().then((names) =>
          Promise.all(names.filter((name) => name.startsWith("planner-runner-")).map((name) => caches.delete(name))),
        ),
        new Promise((resolve) => {
          const request = indexedDB.deleteDatabase(DB_NAME);
          request.onsuccess = request.onerror = request.onblocked = resolve;
        }),
      ]),
      new Promise((resolve) => setTimeout(resolve, 3000)),
    ]);
    Object.keys(localStorage)
      .filter((key) => key.startsWith("planner-kept:"))
      .forEach((key) => localStorage.removeItem(key));
    localStorage.removeItem(UNSENT);
  }

  function signOutClears() {
    document.querySelectorAll("form[data-sign-out]").forEach((form) => {
      form.addEventListener("submit", async (event) => {
        localStorage.setItem(SIGNING_OUT, "1");
        // Nothing unsent: the sign-out goes now; the signed-out page empties the device.
        if (form.dataset.cleared || !Number(localStorage.getItem(UNSENT) || "0")) return;
        event.preventDefault();
        await Promise.race([sendWaiting(), new Promise((resolve) => setTimeout(resolve, 3000))]);
        const left = await countUnsent();
        const question = interpolate(
          ngettext(
            "%(count)s session log made on this device could not be sent. Sign out and discard it?",
            "%(count)s session logs made on this device could not be sent. Sign out and discard them?",
            left,
          ),
          { count: left },
          true,
        );
        if (left && !window.confirm(question)) {
          localStorage.removeItem(SIGNING_OUT);
          return;
        }
        form.dataset.cleared = "yes";
        form.submit();
      });
    });
  }

  // The page after a sign-out (signed out now): the runner's kept pages and logs go.
  function afterSignOut() {
    if (!localStorage.getItem(SIGNING_OUT)) return;
    if (document.body.hasAttribute("data-signed-in")) {
      localStorage.removeItem(SIGNING_OUT); // the sign-out did not happen
      return;
    }
    clearDevice().then(() => {
      localStorage.removeItem(SIGNING_OUT);
      document.documentElement.dataset.cleared = "yes";
    });
  }

  // --- Wiring --------------------------------------------------------------------------------

  register();
  offerInstall();
  document.addEventListener("submit", logOffline, true);
  document.addEventListener("DOMContentLoaded", () => {
    signOutClears();
    afterSignOut();
    const offline = document.getElementById("offline-plan");
    if (offline) {
      keepDays(offline, false);
      // A log saved online changes today's page: the kept copy is renewed.
      document.body.addEventListener("htmx:afterRequest", (event) => {
        if (event.detail.successful && event.detail.elt.dataset && event.detail.elt.dataset.logFor) keepDays(offline, true);
      });
    }
    if ("indexedDB" in window) {
      showWaiting();
      if (navigator.onLine) sendWaiting();
      else showProblems();
      window.addEventListener("online", () => sendWaiting());
    }
  });
})();
