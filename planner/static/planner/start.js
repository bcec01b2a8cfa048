// The start form's date defaults to today in the browser's own zone, not the server's.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-browser-today]").forEach((field) => {
    if (field.dataset.keep) return;
    const now = new Date();
    const pad = (n) => String(n).padStart(2, "0");
    field.value = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  });
});
