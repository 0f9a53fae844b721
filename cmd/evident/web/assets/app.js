// evident's keyboard: j/k move, c confirm, d dismiss, n note, o outcome,
// r reopen, u undo; and the "Add what left no trace" form.
(function () {
  "use strict";
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const toast = document.getElementById("toast");
  const undo = [];
  let sel = -1;

  function items() {
    // Routine items folded away are not in the keyboard's path until shown.
    return Array.from(document.querySelectorAll("article.item:not(.done):not(.done-item)")).filter((e) => !e.closest("details:not([open])"));
  }
  function say(msg) {
    if (!toast) return;
    toast.textContent = msg;
    toast.classList.add("show");
    clearTimeout(say.t);
    say.t = setTimeout(() => toast.classList.remove("show"), 2500);
  }
  function select(i) {
    const list = items();
    document.querySelectorAll("article.item.sel").forEach((e) => e.classList.remove("sel"));
    if (!list.length) { sel = -1; return; }
    sel = Math.max(0, Math.min(i, list.length - 1));
    list[sel].classList.add("sel");
    list[sel].focus({ preventScroll: true });
    list[sel].scrollIntoView({ block: "nearest" });
  }
  function current() {
    const list = items();
    return sel >= 0 && sel < list.length ? list[sel] : null;
  }
  async function post(url, body) {
    const res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    if (!res.ok) {
      let msg = res.statusText;
      try { msg = (await res.json()).error || msg; } catch (e) { msg = (await res.text()) || msg; }
      throw new Error(msg);
    }
    return res.json();
  }
  function setCount(delta) {
    const c = document.getElementById("inbox-count");
    if (c) c.textContent = Math.max(0, parseInt(c.textContent || "0", 10) + delta);
  }
  async function decide(el, state) {
    if (!el) return;
    const id = el.dataset.id;
    try {
      await post("/v1/decide", { ids: [id], state: state });
    } catch (e) { say("Could not save: " + e.message); return; }
    const idx = items().indexOf(el);
    const was = el.dataset.state || (el.classList.contains("evidence") ? "confirmed" : "suggested");
    el.classList.add("done", "was-" + state);
    el.dataset.state = state;
    undo.push({ el: el, id: id, was: was });
    if (state !== "suggested") setCount(-1); else setCount(1);
    say({ confirmed: "Confirmed", dismissed: "Dismissed", suggested: "Back in the inbox" }[state] + " · u to undo");
    select(idx);
  }
  async function undoLast() {
    const last = undo.pop();
    if (!last) { say("Nothing to undo"); return; }
    const was = last.was || "suggested";
    try { await post("/v1/decide", { ids: [last.id], state: was }); }
    catch (e) { say("Could not undo: " + e.message); return; }
    last.el.classList.remove("done", "was-confirmed", "was-dismissed", "was-suggested");
    last.el.dataset.state = was;
    setCount(was === "suggested" ? 1 : -1);
    select(items().indexOf(last.el));
    say("Undone");
  }
  // formIn is the item's one-line form of class cls, made on first use so
  // that a long page carries none it does not need.
  function formIn(el, cls, name, placeholder) {
    let f = el.querySelector("form." + cls);
    if (f) return f;
    f = document.createElement("form");
    f.className = cls;
    f.hidden = true;
    const input = Object.assign(document.createElement("input"), { type: "text", name: name, placeholder: placeholder });
    input.setAttribute("aria-label", name);
    f.append(input);
    el.append(f);
    return f;
  }
  function openOutcome(el) {
    if (!el) return;
    const form = formIn(el, "item-outcome-form", "outcome", "Outcome, with numbers: p99 down 40%, 3 teams adopted it — Enter to save, Esc to cancel");
    form.hidden = false;
    const input = form.querySelector("input");
    const existing = el.querySelector(".outcome");
    if (existing && !input.value) input.value = existing.textContent.replace(/^Outcome: /, "");
    input.focus();
  }
  async function addEntry(f) {
    const v = (n) => (f.elements[n] ? f.elements[n].value.trim() : "");
    const body = { title: v("title"), date: v("date"), domain: v("domain"), note: v("note"), outcome: v("outcome"), link: v("link"), teams: v("team") ? [v("team")] : [] };
    try { await post("/v1/add", body); }
    catch (e) { say("Could not add it: " + e.message); return; }
    f.reset();
    say("Added: " + body.title);
    setTimeout(() => location.reload(), 800);
  }
  function openNote(el) {
    if (!el) return;
    const form = formIn(el, "note-form", "note", "Impact: outcome, numbers, who benefited — Enter to save, Esc to cancel");
    form.hidden = false;
    const input = form.querySelector("input");
    const existing = el.querySelector(".note");
    if (existing && !input.value) input.value = existing.textContent.replace(/^Impact: /, "");
    input.focus();
  }
  // saveText saves an item's note or its outcome and shows it on the item.
  async function saveText(el, field, text, shown, formClass, label) {
    const body = { id: el.dataset.id };
    body[field] = text;
    try { await post("/v1/edit", body); }
    catch (e) { say("Could not save the " + label + ": " + e.message); return; }
    let n = el.querySelector("." + shown.cls);
    if (!n) { n = document.createElement("div"); n.className = shown.cls; el.querySelector(".actions").before(n); }
    n.textContent = shown.prefix + text;
    el.querySelector("." + formClass).hidden = true;
    el.focus();
    say(label[0].toUpperCase() + label.slice(1) + " saved");
  }
  const saveOutcome = (el, text) => saveText(el, "outcome", text, { cls: "outcome", prefix: "Outcome: " }, "item-outcome-form", "outcome");
  const saveNote = (el, text) => saveText(el, "note", text, { cls: "note", prefix: "Impact: " }, "note-form", "note");
  document.addEventListener("click", (ev) => {
    const b = ev.target.closest("button[data-action]");
    if (b) {
      const el = b.closest("article.item");
      select(items().indexOf(el));
      const a = b.dataset.action;
      if (a === "confirm") decide(el, "confirmed");
      else if (a === "dismiss") decide(el, "dismissed");
      else if (a === "note") openNote(el);
      else if (a === "outcome") openOutcome(el);
      else if (a === "reopen") decide(el, "suggested");
      return;
    }
    const bulk = ev.target.closest("button[data-bulk]");
    if (bulk) {
      const sec = bulk.closest("section.week");
      const els = Array.from(sec.querySelectorAll("article.item:not(.done)"));
      if (!els.length) return;
      post("/v1/decide", { ids: els.map((e) => e.dataset.id), state: "confirmed" }).then(() => {
        els.forEach((e) => { e.classList.add("done", "was-confirmed"); undo.push({ el: e, id: e.dataset.id }); });
        setCount(-els.length);
        say("Confirmed " + els.length + " items");
        select(0);
      }).catch((e) => say("Could not save: " + e.message));
      return;
    }
    const routine = ev.target.closest("button[data-bulk-routine]");
    if (routine) {
      ev.preventDefault(); // a button in a summary must not toggle it
      const how = routine.dataset.bulkRoutine; // confirm or dismiss
      const els = Array.from(routine.closest("details.routine").querySelectorAll("article.item:not(.done)"));
      if (!els.length) return;
      post("/v1/decide", { ids: els.map((e) => e.dataset.id), state: how === "confirm" ? "confirmed" : "dismissed" }).then(() => {
        els.forEach((e) => { e.classList.add("done", how === "confirm" ? "was-confirmed" : "was-dismissed"); undo.push({ el: e, id: e.dataset.id }); });
        setCount(-els.length);
        say((how === "confirm" ? "Confirmed " : "Dismissed ") + els.length + " routine items");
        select(0);
      }).catch((e) => say("Could not save: " + e.message));
      return;
    }
    const art = ev.target.closest("article.item");
    if (art && !ev.target.closest("a,select,input,label")) select(items().indexOf(art));
  });
  document.addEventListener("change", (ev) => {
    const s = ev.target.closest("select[data-edit]");
    if (!s) return;
    const el = s.closest("article.item");
    const body = { id: el.dataset.id }; body[s.dataset.edit] = s.value;
    post("/v1/edit", body).then((v) => {
      const badge = el.querySelector(".badge[class*='scope-']");
      if (s.dataset.edit === "scope" && badge) { badge.textContent = v.scope; badge.className = "badge scope-" + v.scope; badge.title = v.scope_reason; }
      const sb = el.querySelector(".badge[class*='strength-']");
      if (s.dataset.edit === "strength" && sb) { sb.textContent = v.strength; sb.className = "badge strength-" + v.strength; }
      say("Saved " + s.dataset.edit + ": " + s.value);
    }).catch((e) => say("Could not save: " + e.message));
  });
  document.addEventListener("submit", (ev) => {
    const ef = ev.target.closest("form.entry-form");
    if (ef) { ev.preventDefault(); addEntry(ef); return; }
    const io = ev.target.closest("form.item-outcome-form");
    if (io) { ev.preventDefault(); saveOutcome(io.closest("article.item"), io.querySelector("input").value.trim()); return; }
    const o = ev.target.closest("form.outcome-form");
    if (o) {
      ev.preventDefault();
      const box = o.closest(".followup");
      const text = o.querySelector("input").value.trim();
      if (!text) return;
      post("/v1/edit", { id: box.dataset.id, outcome: text }).then(() => {
        box.classList.add("done");
        o.replaceWith(Object.assign(document.createElement("div"), { className: "outcome", textContent: "Outcome: " + text }));
        say("Outcome saved");
      }).catch((e) => say("Could not save the outcome: " + e.message));
      return;
    }
    const f = ev.target.closest("form.note-form");
    if (!f) return;
    ev.preventDefault();
    saveNote(f.closest("article.item"), f.querySelector("input").value);
  });
  document.addEventListener("keydown", (ev) => {
    if (ev.target.closest("input,select,textarea")) {
      if (ev.key === "Escape") { const f = ev.target.closest("form.note-form,form.item-outcome-form"); if (f) { f.hidden = true; f.closest("article").focus(); } }
      return;
    }
    if (ev.metaKey || ev.ctrlKey || ev.altKey) return;
    switch (ev.key) {
      case "j": select(sel + 1); break;
      case "k": select(sel - 1); break;
      case "c": decide(current(), "confirmed"); break;
      case "d": decide(current(), "dismissed"); break;
      case "n": case "o": break; // opened on keyup, so the key's own character never lands in the field
      case "r": if (current() && current().classList.contains("evidence")) decide(current(), "suggested"); break;
      case "u": undoLast(); break;
      default: return;
    }
    ev.preventDefault();
  });
  document.addEventListener("keyup", (ev) => {
    if ((ev.key !== "n" && ev.key !== "o") || ev.metaKey || ev.ctrlKey || ev.altKey || ev.target.closest("input,select,textarea")) return;
    if (ev.key === "n") openNote(current());
    else if (current() && current().classList.contains("evidence")) openOutcome(current());
  });
  if (items().length) select(0);
  // While a backfill runs, say how far it has reached and offer the items
  // that arrived since the page was drawn (without moving what is on it).
  const bf = document.getElementById("backfill");
  if (bf) {
    const get = async (url) => {
      const res = await fetch(url, { credentials: "same-origin" });
      if (!res.ok) throw new Error(res.statusText);
      return res.json();
    };
    const day = (t) => {
      const d = new Date(t);
      return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
    };
    const poll = async () => {
      try {
        const [sources, counts] = await Promise.all([get("/v1/sources"), get("/v1/counts?state=suggested")]);
        let running = 0;
        bf.querySelectorAll("p[data-source]").forEach((p) => {
          const st = sources[p.dataset.source];
          if (st && st.backfill && st.backfilled_to) {
            running++;
            p.textContent = p.dataset.source + ": backfilled to " + day(st.backfilled_to) + ", " + Math.round(100 * (st.backfill_progress || 0)) + "%";
          } else p.textContent = p.dataset.source + ": backfill complete";
        });
        const more = document.getElementById("backfill-new");
        const count = document.getElementById("inbox-count");
        if (more && count && counts.suggested > parseInt(count.textContent || "0", 10)) more.hidden = false;
        if (running) setTimeout(poll, 10000);
      } catch (e) { setTimeout(poll, 30000); }
    };
    setTimeout(poll, 10000);
  }
})();
