// The picture of the legs on the "where it hurts" step: each region ticks or unticks its box
// in the list without a reload, by mouse, touch or keyboard (Tab to a region, Enter or Space),
// and the sentence under the picture says what is chosen, for screen readers too. Without
// this script each region is a link that reloads the page with the choice changed, and the
// list works on its own.
"use strict";

function bodyMap(picture) {
  const form = picture.closest(".bodymap-step")?.querySelector("form");
  const summary = document.getElementById("bodymap-chosen");
  if (!form || !summary) return;
  const boxes = new Map();
  form.querySelectorAll('input[type="checkbox"][name="regions"]').forEach((box) => {
    boxes.set(box.value, box);
  });
  const regions = [...picture.querySelectorAll("[data-region]")].filter((region) =>
    boxes.has(region.dataset.region),
  );

  // The names in the list's order (the catalog's order, top to bottom).
  function chosenNames() {
    const names = [];
    boxes.forEach((box, slug) => {
      if (!box.checked) return;
      const region = regions.find((r) => r.dataset.region === slug);
      names.push(region ? region.dataset.name : box.closest("label")?.textContent.trim() || slug);
    });
    return names;
  }

  function show() {
    regions.forEach((region) => {
      const chosen = boxes.get(region.dataset.region).checked;
      region.classList.toggle("picked", chosen);
      // The check mark is drawn over the outline, outside the region's link.
      picture
        .querySelector(`[data-tick="${region.dataset.region}"]`)
        ?.classList.toggle("picked", chosen);
      region.setAttribute("aria-checked", String(chosen));
    });
    const names = chosenNames();
    // The sentence's words come from the page, in its language.
    const chosenWords = summary.dataset.chosen || "Chosen:";
    const noneWords = summary.dataset.none || "Nothing chosen yet.";
    const words = names.length ? `${chosenWords} ${names.join(", ")}.` : noneWords;
    // Written only when it changes, so a screen reader is not told it again on arrival.
    if (summary.textContent !== words) summary.textContent = words;
  }

  function toggle(region) {
    const box = boxes.get(region.dataset.region);
    box.checked = !box.checked;
    show();
  }

  regions.forEach((region) => {
    // A checkbox now, not a link: the link's address would reload the page.
    region.removeAttribute("href");
    region.setAttribute("role", "checkbox");
    region.setAttribute("tabindex", "0");
    region.setAttribute("aria-label", region.dataset.name);
    region.addEventListener("click", (event) => {
      event.preventDefault();
      toggle(region);
    });
    region.addEventListener("keydown", (event) => {
      if (event.key !== " " && event.key !== "Enter") return;
      // Space would scroll the page, Enter would submit nothing useful here.
      event.preventDefault();
      toggle(region);
    });
  });
  boxes.forEach((box) => box.addEventListener("change", show));
  show();
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-body-map]").forEach(bodyMap);
});
