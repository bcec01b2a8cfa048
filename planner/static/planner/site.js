// Small behaviours the pages share; everything works without them, they only help.
"use strict";

// Fill fields marked data-browser-time-zone with the browser's IANA time zone.
function fillTimeZones(root) {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  root.querySelectorAll("[data-browser-time-zone]").forEach((field) => {
    if (zone && !field.dataset.keep) field.value = zone;
  });
}

// Buttons marked data-print open the browser's print dialog (a handout saves as PDF from there).
function bindPrint(root) {
  root.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
}

function ready(root) {
  fillTimeZones(root);
  bindPrint(root);
}

document.addEventListener("DOMContentLoaded", () => ready(document));
document.addEventListener("htmx:load", (event) => ready(event.target));
