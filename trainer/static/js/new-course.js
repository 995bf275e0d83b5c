// New course / duplicate: suggest the folder name from the title as the trainer types (the
// server makes the same suggestion when the field is left empty). A name the trainer typed
// is never replaced.
(function () {
  "use strict";
  var box = document.querySelector("[data-slug-suggestion]");
  if (!box) return;
  var title = box.querySelector("#title");
  var slug = box.querySelector("#slug");
  if (!title || !slug) return;
  var url = box.getAttribute("data-slug-suggestion");
  var typedByHand = slug.value !== "";
  var timer = null;
  var latest = 0;
  slug.addEventListener("input", function () {
    typedByHand = slug.value !== "";
  });
  function suggest() {
    if (typedByHand || !title.value.trim()) return;
    var asked = ++latest;
    fetch(url + "?title=" + encodeURIComponent(title.value), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (answer) {
        if (answer && asked === latest && !typedByHand) slug.value = answer.slug;
      })
      .catch(function () {});
  }
  title.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(suggest, 400);
  });
})();
