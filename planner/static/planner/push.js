// Push reminders on this device (planner.pages.devices): whether they come here, and turning
// them on (the browser's permission, then its subscription, made with the app's key and sent
// to the app) or off. The list of devices below works without this script.
"use strict";

(() => {
  const section = document.querySelector("[data-push]");
  if (!section) return;
  const button = section.querySelector("[data-push-on]");
  const actions = section.querySelector("[data-push-actions]");
  const problem = section.querySelector("[data-push-problem]");

  function show(state) {
    section.querySelectorAll("[data-push-state]").forEach((line) => {
      line.hidden = line.dataset.pushState !== state;
    });
    actions.hidden = state !== "off";
  }

  function say(text) {
    problem.textContent = text;
    problem.hidden = !text;
  }

  function keyBytes(base64url) {
    const text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(text, (c) => c.charCodeAt(0));
  }

  function sameKey(subscription) {
    const used = subscription.options && subscription.options.applicationServerKey;
    if (!used) return true;
    const mine = keyBytes(section.dataset.key);
    const theirs = new Uint8Array(used);
    return theirs.length === mine.length && theirs.every((byte, i) => byte === mine[i]);
  }

  // What the list calls this device: its browser and system, in the page's words.
  function labelOf() {
    const ua = navigator.userAgent;
    const browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : /Chrome\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : "";
    const system = /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Windows/.test(ua) ? "Windows" : /Mac OS X/.test(ua) ? "macOS" : /Linux/.test(ua) ? "Linux" : "";
    if (browser && system) return section.dataset.labelFormat.replace("%(browser)s", browser).replace("%(system)s", system);
    return browser || system;
  }

  function csrfToken() {
    const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
    if (cookie) return cookie.split("=")[1];
    const headers = document.body.getAttribute("hx-headers");
    return headers ? JSON.parse(headers)["X-CSRFToken"] : "";
  }

  async function registration() {
    const found = await navigator.serviceWorker.getRegistration("/");
    return found ? navigator.serviceWorker.ready : null;
  }

  async function current() {
    const worker = await registration();
    return worker ? worker.pushManager.getSubscription() : null;
  }

  async function look() {
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return show("unsupported");
    if (!(await registration())) return show("unsupported");
    if (Notification.permission === "denied") return show("blocked");
    const subscription = await current();
    const known = Array.from(document.querySelectorAll("[data-device]"), (item) => item.dataset.device);
    show(subscription && known.includes(subscription.endpoint) && Notification.permission === "granted" ? "on" : "off");
  }

  async function turnOn() {
    say("");
    button.disabled = true;
    try {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") return show(permission === "denied" ? "blocked" : "off");
      const worker = await registration();
      let subscription = await worker.pushManager.getSubscription();
      // Made with another key (the app's was replaced): its pushes would be refused.
      if (subscription && !sameKey(subscription)) {
        await subscription.unsubscribe();
        subscription = null;
      }
      if (!subscription) {
        subscription = await worker.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(section.dataset.key) });
      }
      const response = await fetch(section.dataset.onUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ ...subscription.toJSON(), label: labelOf() }),
      });
      if (response.ok) {
        window.location.reload();
        return;
      }
      const answer = await response.json().catch(() => ({}));
      say(Object.values(answer.errors || {}).flat().join(" ") || section.dataset.failed);
    } catch (error) {
      say(section.dataset.failed);
    } finally {
      button.disabled = false;
    }
  }

  // Turning this very device off from the list also ends the browser's subscription.
  function offHere(event) {
    const form = event.target.closest("[data-push-off]");
    if (!form || form.dataset.done) return;
    event.preventDefault();
    current()
      .then((subscription) => {
        const item = form.closest("[data-device]");
        if (subscription && item && subscription.endpoint === item.dataset.device) return subscription.unsubscribe();
        return null;
      })
      .catch(() => null)
      .finally(() => {
        form.dataset.done = "yes";
        form.submit();
      });
  }

  button.addEventListener("click", turnOn);
  document.addEventListener("submit", offHere);
  look();
})();
