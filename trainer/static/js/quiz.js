// Theory exam page: save each answer as it changes (typed answers while typing), say
// "saved" only for what the server confirmed, show the time left, submit at the end.
// The server enforces the deadline and keeps every answer; this only makes it pleasant.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector(".quiz-form");
  if (!form) return;
  const bar = document.querySelector("[data-testid=save-status]");
  const token = form.querySelector("input[name=csrf_token]");
  const TYPING_PAUSE = 700; // ms after the last keystroke
  const CHOICE_PAUSE = 250; // ms after a click or a select
  const RETRY = 3000; // ms between tries while the server cannot be reached

  // Per question: the number of edits made, and the edit number the server confirmed.
  const edits = {};
  const confirmed = {};
  let timer = null;
  let inFlight = false;
  let offline = false;
  let submitting = false;

  const questionOf = (element) => element.closest("fieldset.question");
  const stateOf = (index) => form.querySelector(`#answer-state-${index}`);
  const dirty = () => Object.keys(edits).filter((index) => edits[index] !== confirmed[index]);

  function showQuestion(index, state, text) {
    const element = stateOf(index);
    if (!element) return;
    element.dataset.state = state;
    element.textContent = text;
    const fieldset = element.closest("fieldset.question");
    fieldset.dataset.state = state;
    fieldset.classList.toggle("incomplete", state === "incomplete");
  }

  function showBar() {
    const waiting = dirty().length;
    let text;
    if (offline && waiting) text = bar.dataset.offline;
    else if (waiting) text = bar.dataset.unsaved;
    else text = bar.dataset.saved;
    bar.textContent = text;
    bar.dataset.state = offline && waiting ? "offline" : waiting ? "unsaved" : "saved";
    bar.classList.toggle("save-error", offline && waiting > 0);
  }

  function schedule(delay) {
    if (submitting) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, delay);
  }

  function edited(event) {
    const fieldset = questionOf(event.target);
    if (!fieldset || submitting) return;
    const typed = event.target.matches("input[type=text], input:not([type]), textarea");
    if (typed && event.type === "change") return; // its keystrokes were "input" events
    const index = fieldset.dataset.index;
    edits[index] = (edits[index] || 0) + 1;
    showQuestion(index, "unsaved", offline ? form.dataset.offline : form.dataset.unsaved);
    showBar();
    schedule(typed ? TYPING_PAUSE : CHOICE_PAUSE);
  }

  async function save(keepalive = false) {
    timer = null;
    if (submitting || !dirty().length) return;
    if (inFlight && !keepalive) {
      schedule(CHOICE_PAUSE); // one request at a time: answers arrive in order
      return;
    }
    inFlight = true;
    const sent = { ...edits };
    let data = null;
    let refused = false;
    try {
      const response = await fetch(form.dataset.saveUrl, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json", "X-CSRFToken": token ? token.value : "" },
        credentials: "same-origin",
        keepalive,
      });
      if (response.headers.get("Content-Type")?.startsWith("application/json")) {
        data = await response.json();
      } else if (response.status < 500) {
        refused = true; // e.g. signed out meanwhile: retrying will not help, a reload will
      }
    } catch (error) {
      data = null; // no connection, or the server is restarting
    }
    inFlight = false;
    if (data && data.result_url) {
      window.location = data.result_url; // graded meanwhile (time up, or another tab)
      return;
    }
    if (refused) {
      for (const index of dirty()) showQuestion(index, "unsaved", bar.dataset.refused);
      bar.textContent = bar.dataset.refused;
      bar.dataset.state = "refused";
      bar.classList.add("save-error");
      return;
    }
    if (!data || !data.questions) {
      offline = true;
      for (const index of dirty()) showQuestion(index, "unsaved", form.dataset.offline);
      showBar();
      schedule(RETRY);
      return;
    }
    offline = false;
    for (const [index, answer] of Object.entries(data.questions)) {
      if (edits[index] === sent[index] || edits[index] === undefined) {
        if (edits[index] !== undefined) confirmed[index] = sent[index];
        showQuestion(index, answer.state === "cleared" ? "" : answer.state, answer.text);
      }
    }
    showBar();
    if (dirty().length) schedule(TYPING_PAUSE); // edited while this request was on its way
  }

  form.addEventListener("input", edited);
  form.addEventListener("change", edited);
  window.addEventListener("online", () => schedule(0));
  // Leaving the page (reload, another app): send what is not saved yet.
  window.addEventListener("pagehide", () => {
    if (dirty().length && !submitting) save(true);
  });
  // Once the learner submits, the form post carries every answer: no autosave may race it.
  form.addEventListener("submit", () => {
    submitting = true;
    if (timer) clearTimeout(timer);
  });

  const countdown = document.querySelector(".countdown");
  if (countdown) {
    const deadline = Date.parse(countdown.dataset.deadline);
    const tick = () => {
      const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      countdown.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
      if (left === 0) {
        clearInterval(clock);
        submitting = true;
        form.submit();
      }
    };
    const clock = setInterval(tick, 1000);
    tick();
  }
});
