// Exercise along: one exercise at a time with a rep counter, a hold timer and a rest timer
// that beep and vibrate at each hold's start and end (signals.js), the screen kept awake (Wake
// Lock API) where the browser allows it; then the one quick log, filled in from what was
// counted. Without JavaScript the page stays a plain list and form.
"use strict";

(function () {
  const { unlock: unlockAudio, signal } = window.PlannerSignals;
  let wakeLock = null;
  // The sentences in the page's language (data-words on the page), "{name}" for each value;
  // English when the page gives none.
  const words = Object.assign(
    {
      setOfSide: "Set {set} of {sets}, {side}",
      set: "Set {set} of {sets}",
      firstSide: "first side",
      secondSide: "second side",
      allSets: "All sets done.",
      repsOf: "{reps} of {amount}",
      wellDone: "Well done: every set is done. Press “Done: next”.",
      otherSide: "Now the other side.",
      rest: "Rest before the next set.",
      restOver: "Rest over: next set.",
      hold: "Hold…",
      timeUp: "Time is up: release the hold.",
      allDone: "All exercises done: log the session.",
      exercise: "Exercise {number} of {count}: {name}",
    },
    JSON.parse(document.querySelector("[data-along]")?.dataset.words || "{}"),
  );
  const say = (key, values = {}) =>
    words[key].replace(/\{(\w+)\}/g, (whole, name) => (name in values ? values[name] : whole));

  async function keepAwake() {
    if (!("wakeLock" in navigator) || document.visibilityState !== "visible") return;
    try {
      wakeLock = await navigator.wakeLock.request("screen");
      // The browser lets go of the lock when the page is hidden: asked again on return.
      if (wakeLock && wakeLock.addEventListener) {
        wakeLock.addEventListener("release", () => { wakeLock = null; });
      }
    } catch (error) {
      wakeLock = null; // refused (battery saver, no permission): the session goes on
    }
  }

  function seconds(total) {
    const minutes = Math.floor(total / 60);
    const rest = total % 60;
    return minutes ? `${minutes}:${String(rest).padStart(2, "0")}` : `${rest} s`;
  }

  // A countdown measured against the clock, so a throttled tab does not stretch it.
  function countdown(total, onTick, onEnd) {
    const ends = Date.now() + total * 1000;
    onTick(total);
    const timer = setInterval(() => {
      const left = Math.max(0, Math.ceil((ends - Date.now()) / 1000));
      onTick(left);
      if (left <= 0) {
        clearInterval(timer);
        onEnd();
      }
    }, 250);
    return () => clearInterval(timer);
  }

  function Step(section, restSeconds) {
    const amount = parseInt(section.dataset.amount, 10) || 0;
    const rounds = parseInt(section.dataset.rounds, 10) || 1;
    const hold = parseInt(section.dataset.hold, 10) || 0;
    const counted = section.dataset.counted === "yes";
    const perSide = section.dataset.perSide === "yes";
    const q = (selector) => section.querySelector(selector);
    const roundText = q("[data-round]");
    const repDisplay = q("[data-rep-display]");
    const repButton = q("[data-rep]");
    const holdDisplay = q("[data-hold-display]");
    const holdButton = q("[data-hold-start]");
    const rest = q("[data-rest]");
    const restDisplay = q("[data-rest-display]");
    const status = q("[data-status]");
    const done = q("[data-next]");
    // `achieved`: reps (or seconds held) of the rounds finished, for a session stopped early.
    const state = { round: 1, reps: 0, achieved: 0, held: 0, complete: false, stop: null };

    // A button about to be disabled while it has the focus hands it on, so a keyboard or a
    // switch user is not dropped at the top of the page.
    function disable(button) {
      if (!button) return;
      if (document.activeElement === button) done.focus();
      button.disabled = true;
    }

    function describeRound() {
      if (perSide) {
        const set = Math.ceil(state.round / 2);
        const side = state.round % 2 === 1 ? say("firstSide") : say("secondSide");
        return say("setOfSide", { set, sets: rounds / 2, side });
      }
      return say("set", { set: state.round, sets: rounds });
    }

    function show() {
      roundText.textContent = state.complete ? say("allSets") : describeRound();
      if (repDisplay) repDisplay.textContent = say("repsOf", { reps: state.reps, amount });
      if (holdDisplay && !state.stop) holdDisplay.textContent = seconds(counted ? hold : amount);
    }

    // `signalled`: the hold that ended the round has just beeped; no second beep over it.
    function roundDone(signalled) {
      if (state.round >= rounds) {
        state.complete = true;
        status.textContent = say("wellDone");
        if (!signalled) signal("end");
        state.achieved += counted ? state.reps : amount;
        disable(repButton);
        disable(holdButton);
        show();
        return;
      }
      state.achieved += counted ? state.reps : amount;
      const sideSwitch = perSide && state.round % 2 === 1;
      state.round += 1;
      state.reps = 0;
      if (sideSwitch) {
        status.textContent = say("otherSide");
        show();
        return;
      }
      rest.hidden = false;
      status.textContent = say("rest");
      state.stop = countdown(restSeconds, (left) => { restDisplay.textContent = seconds(left); }, endRest);
      show();
    }

    function endRest() {
      if (state.stop) state.stop();
      state.stop = null;
      rest.hidden = true;
      status.textContent = say("restOver");
      signal("end");
      show();
    }

    function addRep(signalled) {
      state.reps += 1;
      show();
      if (state.reps >= amount) roundDone(signalled);
    }

    if (repButton) {
      repButton.addEventListener("click", () => {
        if (state.complete || !rest.hidden) return;
        addRep(false);
      });
    }
    if (holdButton) {
      holdButton.addEventListener("click", () => {
        if (state.complete || state.stop) return;
        const length = counted ? hold : amount;
        // Left enabled (a tap during the hold does nothing), so the focus stays on it.
        status.textContent = say("hold");
        signal("start");
        state.stop = countdown(length, (left) => {
          holdDisplay.textContent = seconds(left);
          if (!counted) state.held = length - left;
        }, () => {
          state.stop = null;
          status.textContent = say("timeUp");
          signal("end");
          if (counted) addRep(true);
          else roundDone(true);
          if (holdDisplay) holdDisplay.textContent = seconds(length);
        });
      });
    }
    q("[data-rest-skip]").addEventListener("click", endRest);

    return {
      section,
      item: section.dataset.item,
      start() { show(); },
      leave() { if (state.stop) state.stop(); state.stop = null; },
      // What the quick log should say: done, and how much per set when less than the dose
      // (what was done, spread over the sets due). Nothing counted at all: done as the runner
      // says, the whole dose, which they may correct in the log.
      result(skipped) {
        if (skipped) return { done: false, amount: "" };
        if (state.complete) return { done: true, amount: "" };
        const current = counted ? state.reps : (state.stop ? state.held : 0);
        const total = state.achieved + current;
        if (total === 0) return { done: true, amount: "" };
        const perRound = Math.floor(total / rounds);
        return { done: true, amount: perRound < amount ? String(perRound) : "" };
      },
    };
  }

  function start(root) {
    const sections = Array.from(root.querySelectorAll("[data-along-step]"));
    const log = root.querySelector("[data-along-log]");
    if (!sections.length || !log) return;
    const restSeconds = parseInt(root.dataset.restSeconds, 10) || 60;
    const progress = root.querySelector("[data-along-progress]");
    const begin = root.querySelector("[data-along-start]");
    const steps = sections.map((section) => Step(section, restSeconds));
    let index = -1;
    sections.forEach((section) => { section.hidden = true; });
    if (log.hasAttribute("data-along-sent")) {
      // The log came back with what to fix: it is shown as it was sent, not walked again.
      const problem = log.querySelector(".errorlist, [role=alert]");
      (problem || log.querySelector("h2")).scrollIntoView();
      return;
    }
    log.hidden = true;
    begin.hidden = false;

    function fill(step, result) {
      const done = log.querySelector(`[data-log-done="${step.item}"]`);
      const amount = log.querySelector(`[data-log-amount="${step.item}"]`);
      if (done) done.checked = result.done;
      if (amount) amount.value = result.amount;
    }

    function go(next) {
      if (index >= 0) {
        steps[index].leave();
        sections[index].hidden = true;
      }
      index = next;
      if (index >= steps.length) {
        progress.textContent = say("allDone");
        log.hidden = false;
        log.querySelector("h2").focus();
        if (wakeLock) wakeLock.release().catch(() => {});
        wakeLock = null;
        return;
      }
      const section = sections[index];
      section.hidden = false;
      section.querySelector("[data-along-tools]").hidden = false;
      progress.textContent = say("exercise", {
        number: index + 1,
        count: steps.length,
        name: section.dataset.name,
      });
      steps[index].start();
      section.querySelector("h2").focus();
    }

    sections.forEach((section, at) => {
      section.querySelector("h2").tabIndex = -1;
      section.querySelector("[data-next]").addEventListener("click", () => {
        fill(steps[at], steps[at].result(false));
        go(at + 1);
      });
      section.querySelector("[data-skip]").addEventListener("click", () => {
        fill(steps[at], steps[at].result(true));
        go(at + 1);
      });
    });
    log.querySelector("h2").tabIndex = -1;
    root.querySelector("[data-along-begin]").addEventListener("click", () => {
      unlockAudio();
      begin.hidden = true;
      progress.hidden = false;
      keepAwake();
      go(0);
    });
    document.addEventListener("visibilitychange", () => {
      if (index >= 0 && index < steps.length && !wakeLock) keepAwake();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const root = document.querySelector("[data-along]");
    if (root) start(root);
  });
})();
