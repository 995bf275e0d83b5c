// Saves the scoring form as a draft while the assessor works. Progressive enhancement:
// without this file the "Save draft" and "Submit result" buttons do the same job.
(() => {
  const TYPING_DELAY_MS = 800;

  function fields(form) {
    const data = {};
    new FormData(form).forEach((value, name) => {
      if (name !== "csrf_token" && name !== "action") data[name] = value;
    });
    return data;
  }

  function setUp(form) {
    const url = form.dataset.autosaveUrl;
    const status = form.querySelector("[data-autosave-status]");
    const tokenInput = form.querySelector('input[name="csrf_token"]');
    let timer = null;
    let inFlight = false;
    let again = false; // changed while a save was on its way: save once more afterwards
    let submitting = false;

    const show = (text) => { if (status) status.textContent = text; };
    // "saved" only when nothing newer is waiting to be sent.
    const settle = (state) => {
      form.dataset.autosaveState = timer || again ? "pending" : state;
    };

    async function save(keepalive = false) {
      timer = null;
      if (submitting) return;
      if (inFlight) { again = true; return; }
      inFlight = true;
      try {
        const response = await fetch(url, {
          method: "POST",
          credentials: "same-origin",
          keepalive,
          headers: {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "X-CSRFToken": tokenInput ? tokenInput.value : "",
          },
          body: JSON.stringify(fields(form)),
        });
        const result = await response.json().catch(() => ({}));
        show(result.message || form.dataset.autosaveFailed);
        settle(result.saved ? "saved" : "failed");
      } catch (_error) {
        show(form.dataset.autosaveFailed);
        settle("failed");
      } finally {
        inFlight = false;
        if (again) { again = false; save(); }
      }
    }

    function schedule(delay) {
      form.dataset.autosaveState = "pending";
      if (timer) clearTimeout(timer);
      timer = setTimeout(save, delay);
    }

    form.addEventListener("change", () => schedule(0));
    form.addEventListener("input", (event) => {
      if (event.target.tagName === "TEXTAREA" || event.target.type === "text") {
        schedule(TYPING_DELAY_MS);
      }
    });
    form.addEventListener("submit", () => {
      submitting = true;
      if (timer) clearTimeout(timer);
    });
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden" && timer) {
        clearTimeout(timer);
        save(true);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("form[data-autosave-url]").forEach(setUp);
  });
})();
