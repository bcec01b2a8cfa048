// Hold timers on exercise cards: start, pause and reset a countdown; the start and the end are
// said through the card's aria-live status, and beeped and buzzed (signals.js) for a runner
// lying on the floor who cannot see the screen. Without JavaScript the timer stays hidden.
"use strict";

function formatSeconds(total) {
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return minutes ? `${minutes}:${String(seconds).padStart(2, "0")}` : `${seconds} s`;
}

function bindTimer(timer) {
  if (timer.dataset.bound) return;
  timer.dataset.bound = "yes";
  const full = parseInt(timer.dataset.seconds, 10) || 0;
  const display = timer.querySelector("[data-timer-display]");
  const status = timer.querySelector("[data-timer-status]");
  let left = full;
  let ticking = null;

  const show = () => { display.textContent = formatSeconds(left); };
  const stop = () => {
    if (ticking !== null) clearInterval(ticking);
    ticking = null;
  };
  const tick = () => {
    left -= 1;
    show();
    if (left <= 0) {
      stop();
      status.textContent = timer.dataset.ended || "Time is up: release the hold.";
      window.PlannerSignals.signal("end");
    }
  };

  timer.querySelector("[data-timer-start]").addEventListener("click", () => {
    if (ticking !== null) return;
    if (left <= 0) left = full;
    status.textContent = "";
    window.PlannerSignals.signal("start");
    ticking = setInterval(tick, 1000);
  });
  timer.querySelector("[data-timer-pause]").addEventListener("click", () => {
    if (ticking === null) return;
    stop();
    // The page gives the sentence in its language, "{left}" standing for the time left.
    const paused = timer.dataset.paused || "Paused with {left} to go.";
    status.textContent = paused.replace("{left}", formatSeconds(left));
  });
  timer.querySelector("[data-timer-reset]").addEventListener("click", () => {
    stop();
    left = full;
    status.textContent = "";
    show();
  });
  show();
  timer.hidden = false;
}

function bindTimers(root) {
  root.querySelectorAll("[data-timer]").forEach(bindTimer);
}

document.addEventListener("DOMContentLoaded", () => bindTimers(document));
document.addEventListener("htmx:load", (event) => bindTimers(event.target));
