// The course editor page: turns the plain form (textarea + submit, which works without
// JavaScript) into a CodeMirror editor that checks as the trainer types, saves in place and
// takes pasted or dropped images. Needs window.TrainerEditor (vendor/codemirror/editor.bundle.js).
// Every word shown comes from the page's data-* attributes: nothing is written here in one
// language.
(function () {
  "use strict";

  var CHECK_DELAY_MS = 700;

  var form = document.getElementById("editor-form");
  var source = document.getElementById("editor-source");
  if (!form || !source || !window.TrainerEditor || !window.fetch || !window.FormData) return;

  var data = form.dataset;
  var status = document.getElementById("editor-status");
  var problemsBox = document.getElementById("editor-problems");
  var preview = document.getElementById("editor-preview");
  var layout = form.closest(".editor-layout") || form.parentElement;
  var pathField = form.elements.namedItem("path");
  var revisionField = form.elements.namedItem("revision");
  var csrfField = form.elements.namedItem("csrf_token");
  var path = pathField ? pathField.value : "";

  function nonce() {
    var meta = document.querySelector('meta[name="csp-nonce"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function phrases() {
    if (!data.editorPhrases) return null;
    try {
      return JSON.parse(data.editorPhrases);
    } catch (error) {
      return null;
    }
  }

  function label() {
    if (data.editorLabel) return data.editorLabel;
    if (source.getAttribute("aria-label")) return source.getAttribute("aria-label");
    var labelFor = source.id && document.querySelector('label[for="' + source.id + '"]');
    return labelFor ? labelFor.textContent.trim() : "";
  }

  // --- status line ---------------------------------------------------------------------
  function setStatus(text, kind) {
    if (!status) return;
    status.textContent = text || "";
    status.classList.remove("editor-status-error", "editor-status-ok", "editor-status-busy");
    if (kind) status.classList.add("editor-status-" + kind);
  }

  function messageOf(body, fallback) {
    return body && typeof body.message === "string" && body.message ? body.message : fallback;
  }

  // The JSON body of a response, or null (an HTML page: the sign-in page after a redirect,
  // a proxy's error page, a 413 from the server...).
  function jsonOf(response) {
    var type = response.headers.get("Content-Type") || "";
    if (type.indexOf("application/json") === -1) return Promise.resolve(null);
    return response.json().catch(function () {
      return null;
    });
  }

  function post(url, body, accept) {
    var headers = { "X-CSRFToken": csrfField ? csrfField.value : "" };
    if (accept) headers.Accept = accept;
    return fetch(url, {
      method: "POST",
      body: body,
      headers: headers,
      credentials: "same-origin",
    });
  }

  // --- the editor ----------------------------------------------------------------------
  var mount = document.createElement("div");
  mount.className = "editor-cm";
  source.parentNode.insertBefore(mount, source);
  source.hidden = true; // still submitted with the form, kept in step below
  source.removeAttribute("required");

  var savedText = source.value;
  var editor = window.TrainerEditor.create({
    parent: mount,
    doc: source.value,
    nonce: nonce(),
    label: label(),
    phrases: phrases(),
    onChange: function (text) {
      source.value = text;
      // "Saved" no longer holds once the text changes again.
      if (status && status.classList.contains("editor-status-ok")) {
        setStatus(data.msgUnsaved || "", null);
      }
      scheduleCheck();
    },
    onImages: function (files, position) {
      uploadImages(files, editor.track(position));
    },
  });
  if (layout) layout.classList.add("editor-enhanced");
  // The textarea's <label> now names the editor (aria-label) and focuses it when clicked.
  var sourceLabel = source.id && document.querySelector('label[for="' + source.id + '"]');
  if (sourceLabel) {
    sourceLabel.addEventListener("click", function (event) {
      event.preventDefault();
      editor.focus();
    });
  }

  function dirty() {
    return editor.getText() !== savedText;
  }

  // --- check as the trainer types ------------------------------------------------------
  var checkTimer = null;
  var checkSequence = 0;
  var checkController = null;

  function scheduleCheck() {
    if (!data.checkUrl) return;
    window.clearTimeout(checkTimer);
    checkTimer = window.setTimeout(check, CHECK_DELAY_MS);
  }

  function check() {
    window.clearTimeout(checkTimer);
    if (!data.checkUrl) return;
    var sequence = ++checkSequence;
    if (checkController) checkController.abort();
    checkController = window.AbortController ? new AbortController() : null;
    var body = new FormData();
    body.append("csrf_token", csrfField ? csrfField.value : "");
    body.append("path", path);
    body.append("content", editor.getText());
    var options = {
      method: "POST",
      body: body,
      headers: {
        "X-CSRFToken": csrfField ? csrfField.value : "",
        Accept: "application/json",
      },
      credentials: "same-origin",
    };
    if (checkController) options.signal = checkController.signal;
    fetch(data.checkUrl, options)
      .then(function (response) {
        return response.ok ? jsonOf(response) : null;
      })
      .then(function (result) {
        if (!result || sequence !== checkSequence) return; // a later check is under way
        showProblems(Array.isArray(result.problems) ? result.problems : []);
        if (preview && typeof result.preview_html === "string") {
          preview.innerHTML = result.preview_html; // sanitised by the server
        }
      })
      .catch(function () {
        // Aborted or offline: the next keystroke checks again; saving reports the trouble.
      });
  }

  var SEVERITY_ORDER = { error: 0, warning: 1 };

  function severityOf(problem) {
    return problem.severity === "error" ? "error" : "warning";
  }

  function showProblems(problems) {
    editor.setProblems(
      problems.filter(function (problem) {
        return problem.file === path;
      }),
    );
    if (!problemsBox) return;
    var list = problemsBox.querySelector("[data-problem-list]");
    if (!list) {
      list = document.createElement("ul");
      list.setAttribute("data-problem-list", "");
      problemsBox.appendChild(list);
    }
    list.classList.add("editor-problem-list");
    var sorted = problems
      .map(function (problem, index) {
        return { problem: problem, index: index };
      })
      .sort(function (a, b) {
        var bySeverity =
          SEVERITY_ORDER[severityOf(a.problem)] - SEVERITY_ORDER[severityOf(b.problem)];
        return bySeverity || a.index - b.index;
      });
    list.textContent = "";
    sorted.forEach(function (entry) {
      var problem = entry.problem;
      var severity = severityOf(problem);
      var item = document.createElement("li");
      item.className = "editor-problem editor-problem-" + severity;
      item.setAttribute("data-severity", severity);
      var word = severity === "error" ? data.msgSeverityError : data.msgSeverityWarning;
      if (word) {
        var tag = document.createElement("span");
        tag.className = "editor-problem-severity";
        tag.textContent = word;
        item.appendChild(tag);
        item.appendChild(document.createTextNode(" "));
      }
      var where = document.createElement("span");
      where.className = "editor-problem-where";
      var line = Math.floor(Number(problem.line)) || 0;
      where.textContent = (problem.file || "") + (line > 0 ? ":" + line : "");
      item.appendChild(where);
      item.appendChild(document.createTextNode(" \u2013 "));
      var message = document.createElement("span");
      message.className = "editor-problem-message";
      message.textContent = String(problem.message || "");
      item.appendChild(message);
      list.appendChild(item);
    });
    if (!problems.length && data.msgNoProblems) {
      var none = document.createElement("li");
      none.className = "editor-problem-none";
      none.textContent = data.msgNoProblems;
      list.appendChild(none);
    }
  }

  // --- save in place -------------------------------------------------------------------
  var saving = false;

  function save() {
    if (saving) return;
    saving = true;
    var text = editor.getText();
    source.value = text;
    setStatus(data.msgSaving || "", "busy");
    post(form.action, new FormData(form), "application/json")
      .then(function (response) {
        return jsonOf(response).then(function (body) {
          if (response.ok && body && body.revision != null) {
            if (revisionField) revisionField.value = String(body.revision);
            savedText = text;
            setStatus(messageOf(body, data.msgSaved), "ok");
          } else if (response.status === 409) {
            setStatus(messageOf(body, data.msgConflict), "error");
          } else if (!body && response.redirected) {
            // Signed out meanwhile: the answer is the sign-in page, nothing was saved.
            setStatus(data.msgSignedOut || data.msgError, "error");
          } else {
            setStatus(messageOf(body, data.msgError), "error");
          }
        });
      })
      .catch(function () {
        setStatus(data.msgOffline, "error");
      })
      .then(function () {
        saving = false;
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    save();
  });

  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "s") {
      event.preventDefault();
      save();
    }
  });

  window.addEventListener("beforeunload", function (event) {
    if (!dirty()) return;
    event.preventDefault();
    event.returnValue = ""; // older browsers need a value; none shows custom text any more
  });

  // --- images --------------------------------------------------------------------------
  function uploadImages(files, mark) {
    if (!data.imageUrl) {
      editor.release(mark);
      return;
    }
    var queue = Array.prototype.slice.call(files);
    function next() {
      var file = queue.shift();
      if (!file) {
        editor.release(mark);
        check();
        return;
      }
      setStatus(data.msgUploading || "", "busy");
      var body = new FormData();
      body.append("csrf_token", csrfField ? csrfField.value : "");
      body.append("document", path);
      body.append("image", file, file.name || "image");
      post(data.imageUrl, body, "application/json")
        .then(function (response) {
          return jsonOf(response).then(function (result) {
            if (response.ok && result && typeof result.markdown === "string") {
              mark = editor.track(editor.insertAt(mark, result.markdown));
              setStatus(data.msgUploaded || "", "ok");
              next();
            } else {
              editor.release(mark);
              setStatus(messageOf(result, data.msgUploadFailed || data.msgError), "error");
            }
          });
        })
        .catch(function () {
          editor.release(mark);
          setStatus(data.msgOffline, "error");
        });
    }
    next();
  }

  // --- narrow screens: one pane at a time ----------------------------------------------
  var tabs = document.querySelectorAll(".editor-tabs [data-pane]");
  function showPane(name) {
    if (layout) layout.setAttribute("data-editor-pane", name);
    Array.prototype.forEach.call(tabs, function (tab) {
      tab.setAttribute("aria-pressed", tab.getAttribute("data-pane") === name ? "true" : "false");
    });
  }
  Array.prototype.forEach.call(tabs, function (tab) {
    tab.addEventListener("click", function () {
      showPane(tab.getAttribute("data-pane"));
    });
  });
  showPane("source");

  // Problems as CodeMirror diagnostics from the start (the server rendered the list).
  check();
})();
