// The CodeMirror 6 editor the course editor page uses (trainer/static/js/course-editor.js).
// Built by `npm run build` into trainer/static/vendor/codemirror/editor.bundle.js, one IIFE
// that sets window.TrainerEditor; nothing is fetched at run time.
import { EditorState, Prec } from "@codemirror/state";
import {
  EditorView,
  keymap,
  lineNumbers,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  drawSelection,
  dropCursor,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import {
  syntaxHighlighting,
  defaultHighlightStyle,
  indentOnInput,
  bracketMatching,
} from "@codemirror/language";
import { LanguageSupport } from "@codemirror/language";
import { markdownLanguage, markdownKeymap, pasteURLAsLink } from "@codemirror/lang-markdown";
import { lintGutter, lintKeymap, setDiagnostics } from "@codemirror/lint";
import { searchKeymap, highlightSelectionMatches } from "@codemirror/search";

function imageFiles(list) {
  return Array.from(list || []).filter((file) => /^image\//.test(file.type));
}

// options: parent (element), doc (string), nonce (CSP nonce for CodeMirror's <style>),
// label (accessible name of the text area), phrases (translations of CodeMirror's own UI
// words, e.g. {"Find": "查找"}), onChange(text), onImages(files, position).
function create(options) {
  const tracked = new Set();
  const extensions = [
    lineNumbers(),
    highlightActiveLineGutter(),
    highlightSpecialChars(),
    history(),
    drawSelection(),
    dropCursor(),
    indentOnInput(),
    bracketMatching(),
    highlightActiveLine(),
    highlightSelectionMatches(),
    syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    // markdown() would also embed the HTML, CSS and JavaScript languages for raw HTML in
    // Markdown (150 kB more); courses do not need them highlighted.
    new LanguageSupport(markdownLanguage, [Prec.high(keymap.of(markdownKeymap)), pasteURLAsLink]),
    lintGutter(),
    EditorView.lineWrapping,
    // Tab is left alone: it moves the focus out of the editor, as everywhere else on the page.
    keymap.of([...defaultKeymap, ...historyKeymap, ...searchKeymap, ...lintKeymap]),
    // An explicit tab stop: axe (scrollable-region-focusable) does not count a bare
    // contenteditable as focusable content of the scrolling region.
    EditorView.contentAttributes.of({ "aria-label": options.label || "Markdown", tabindex: "0" }),
    EditorView.updateListener.of((update) => {
      if (!update.docChanged) return;
      for (const mark of tracked) mark.pos = update.changes.mapPos(mark.pos, 1);
      if (options.onChange) options.onChange(update.state.doc.toString());
    }),
  ];
  if (options.nonce) extensions.push(EditorView.cspNonce.of(options.nonce));
  if (options.phrases) extensions.push(EditorState.phrases.of(options.phrases));
  if (options.onImages) {
    extensions.push(
      Prec.high(
        EditorView.domEventHandlers({
          paste(event, view) {
            const files = imageFiles(event.clipboardData && event.clipboardData.files);
            if (!files.length) return false;
            event.preventDefault();
            options.onImages(files, view.state.selection.main.head);
            return true;
          },
          drop(event, view) {
            const files = imageFiles(event.dataTransfer && event.dataTransfer.files);
            if (!files.length) return false;
            event.preventDefault();
            const at = view.posAtCoords({ x: event.clientX, y: event.clientY });
            options.onImages(files, at == null ? view.state.selection.main.head : at);
            return true;
          },
        }),
      ),
    );
  }
  const view = new EditorView({
    parent: options.parent,
    state: EditorState.create({ doc: options.doc || "", extensions }),
  });

  return {
    view,
    getText() {
      return view.state.doc.toString();
    },
    focus() {
      view.focus();
    },
    // problems: [{line, severity, message}], line 1-based; 0, missing or not a number is
    // line 1, past the end is the last line.
    setProblems(problems) {
      const doc = view.state.doc;
      const diagnostics = (problems || []).map((problem) => {
        let number = Math.floor(Number(problem.line)) || 1;
        number = Math.min(Math.max(number, 1), doc.lines);
        const line = doc.line(number);
        return {
          from: line.from,
          to: line.to,
          severity: problem.severity === "error" ? "error" : "warning",
          message: String(problem.message || ""),
        };
      });
      view.dispatch(setDiagnostics(view.state, diagnostics));
    },
    // A position that follows the edits made after it was taken (an upload takes a while).
    track(pos) {
      const mark = { pos: Math.min(Math.max(pos, 0), view.state.doc.length) };
      tracked.add(mark);
      return mark;
    },
    // Insert text at a tracked position (released), put the cursor after it; returns the
    // position after the text.
    insertAt(mark, text) {
      tracked.delete(mark);
      const pos = Math.min(mark.pos, view.state.doc.length);
      view.dispatch({
        changes: { from: pos, insert: text },
        selection: { anchor: pos + text.length },
        scrollIntoView: true,
      });
      return pos + text.length;
    },
    release(mark) {
      tracked.delete(mark);
    },
  };
}

window.TrainerEditor = { create };
