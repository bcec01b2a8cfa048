// Signals for someone exercising who is not looking at the screen: a beep (Web Audio) and a
// vibration (Vibration API) as a hold starts and ends. Both optional: without them the words
// on the screen say the same. The sound is unlocked by a tap (browsers let a page sound only
// from one), so `unlock` is called from the button that starts things.
"use strict";

window.PlannerSignals = (function () {
  let audio = null;

  function unlock() {
    try {
      const Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) return;
      if (!audio) audio = new Context();
      if (audio.state === "suspended") audio.resume();
    } catch (error) {
      audio = null;
    }
  }

  // "start": a short low beep and a short buzz; "end": a longer high beep and two buzzes.
  function signal(kind) {
    const end = kind === "end";
    try {
      unlock();
      if (audio) {
        const oscillator = audio.createOscillator();
        const gain = audio.createGain();
        oscillator.frequency.value = end ? 880 : 660;
        gain.gain.value = 0.25;
        oscillator.connect(gain);
        gain.connect(audio.destination);
        oscillator.start();
        oscillator.stop(audio.currentTime + (end ? 0.45 : 0.15));
      }
    } catch (error) {
      // Sound is a help, never a requirement.
    }
    if (typeof navigator.vibrate === "function") navigator.vibrate(end ? [200, 100, 200] : 120);
  }

  return { unlock, signal };
})();
