// Progressive enhancement only: every page works without this file.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".menu-toggle");
  const nav = document.getElementById("main-nav");
  if (!toggle || !nav) return;
  toggle.addEventListener("click", () => {
    const open = nav.classList.toggle("open");
    toggle.setAttribute("aria-expanded", String(open));
  });
});
// "Tick everyone on this page" on lists with bulk actions (the people list).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-tick-all]").forEach((all) => {
    all.hidden = false;
    all.addEventListener("change", () => {
      document
        .querySelectorAll(`input[type=checkbox][form="${all.dataset.tickAll}"]`)
        .forEach((box) => { box.checked = all.checked; });
    });
  });
});
