// Theory exam page: save each answer as it changes, show the time left, submit at the end.
// The server enforces the deadline and keeps every answer; this only makes it pleasant.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector(".quiz-form");
  if (!form) return;
  const status = document.querySelector("[data-testid=save-status]");
  const token = form.querySelector("input[name=csrf_token]");
  let pending = null;

  async function save() {
    pending = null;
    if (submitting) return;
    try {
      const response = await fetch(form.dataset.saveUrl, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json", "X-CSRFToken": token ? token.value : "" },
        credentials: "same-origin",
      });
      const data = await response.json();
      if (data.saved) {
        status.textContent = status.dataset.saved || "✓";
        status.classList.remove("save-error");
      } else if (data.result_url) {
        window.location = data.result_url;
      } else {
        status.textContent = (data.errors || []).map((e) => `${e.question}: ${e.message}`).join(" ") || data.message;
        status.classList.add("save-error");
      }
    } catch (error) {
      status.textContent = status.dataset.offline || "…";
      status.classList.add("save-error");
    }
  }

  let submitting = false;
  form.addEventListener("change", () => {
    if (submitting) return;
    if (pending) clearTimeout(pending);
    pending = setTimeout(save, 400);
  });
  // Once the learner submits, the form post carries every answer: no autosave may race it.
  form.addEventListener("submit", () => {
    submitting = true;
    if (pending) clearTimeout(pending);
  });

  const countdown = document.querySelector(".countdown");
  if (countdown) {
    const deadline = Date.parse(countdown.dataset.deadline);
    const tick = () => {
      const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      countdown.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
      if (left === 0) {
        clearInterval(timer);
        form.submit();
      }
    };
    const timer = setInterval(tick, 1000);
    tick();
  }
});
