/* auditor: findings page behaviour. Reads the page through the DOM and writes text with
   textContent only; never innerHTML, never eval, nothing from the network. ES5 on purpose. */
(function () {
  "use strict";
  var SEVERITIES = ["error", "warning", "info"];
  var SEVERITY_LABEL = { error: "错误", warning: "警告", info: "提示" };
  var d = document;

  function all(selector, root) { return Array.prototype.slice.call((root || d).querySelectorAll(selector)); }
  function words(value) { return value ? value.split(/\s+/).filter(Boolean) : []; }
  function el(tag, cls, text) {
    var node = d.createElement(tag);
    if (cls) { node.className = cls; }
    if (text != null) { node.textContent = text; }
    return node;
  }

  var cards = all(".finding");
  var cardById = {};
  cards.forEach(function (card) { cardById[card.id] = card; });
  var marks = all(".document .ev");
  var marksByKey = {};
  var marksByFinding = {};
  marks.forEach(function (mark) {
    words(mark.getAttribute("data-ev")).forEach(function (key) { (marksByKey[key] = marksByKey[key] || []).push(mark); });
    words(mark.getAttribute("data-f")).forEach(function (id) { (marksByFinding[id] = marksByFinding[id] || []).push(mark); });
  });
  var visible = {};
  cards.forEach(function (card) { visible[card.id] = true; });
  var active = null;

  function flash(nodes) {
    nodes.forEach(function (node) {
      node.classList.remove("flash");
      void node.offsetWidth; // restart the animation
      node.classList.add("flash");
    });
    window.setTimeout(function () { nodes.forEach(function (node) { node.classList.remove("flash"); }); }, 1700);
  }

  function reveal(node) {
    if (node && node.scrollIntoView) {
      try { node.scrollIntoView({ block: "center", inline: "nearest" }); } catch (e) { node.scrollIntoView(); }
    }
  }

  function setActive(card) {
    if (active) {
      active.classList.remove("active");
      (marksByFinding[active.id] || []).forEach(function (m) { m.classList.remove("hot"); });
    }
    active = card;
    if (card) {
      card.classList.add("active");
      (marksByFinding[card.id] || []).forEach(function (m) { m.classList.add("hot"); });
    }
  }

  function showEvidence(key) {
    var nodes = marksByKey[key] || [];
    if (!nodes.length) { return; }
    reveal(nodes[0]);
    flash(nodes);
  }

  function selectFinding(card, scroll) {
    setActive(card);
    var nodes = marksByFinding[card.id] || [];
    if (scroll !== false && nodes.length) {
      reveal(nodes[0]);
      flash(nodes);
    }
  }

  function revealCard(card) {
    if (!card) { return; }
    if (card.classList.contains("filtered")) { return; }
    setActive(card);
    reveal(card);
    flash([card]);
    card.focus({ preventScroll: true });
  }

  // ---- Findings list: a click selects the finding and shows its evidence.
  cards.forEach(function (card) {
    card.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a.evidence") : null;
      if (link) {
        event.preventDefault();
        setActive(card);
        showEvidence(link.getAttribute("data-ev"));
        return;
      }
      if (event.target.closest && event.target.closest("a, button, input, label")) { return; }
      selectFinding(card);
    });
    card.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        selectFinding(card);
      }
    });
  });

  // ---- Popover: a click on a highlight shows the findings it is evidence for.
  var popover = d.getElementById("popover");
  function closePopover() { if (popover) { popover.hidden = true; } }
  function openPopover(mark) {
    if (!popover) { return; }
    while (popover.firstChild) { popover.removeChild(popover.firstChild); }
    var close = el("button", "pop-close", "×");
    close.type = "button";
    close.setAttribute("aria-label", "关闭");
    close.addEventListener("click", closePopover);
    popover.appendChild(close);
    var ids = words(mark.getAttribute("data-f")).filter(function (id) { return visible[id]; });
    if (!ids.length) { ids = words(mark.getAttribute("data-f")); }
    ids.forEach(function (id) {
      var card = cardById[id];
      if (!card) { return; }
      var item = el("div", "pop-item sev-" + card.getAttribute("data-severity"));
      var head = el("div", "pop-head");
      head.appendChild(el("b", null, (card.querySelector(".f-num") || {}).textContent || ""));
      head.appendChild(el("span", "sev-tag sev-" + card.getAttribute("data-severity"), SEVERITY_LABEL[card.getAttribute("data-severity")] || ""));
      head.appendChild(el("span", "f-cat", (card.querySelector(".f-cat") || {}).textContent || ""));
      head.appendChild(el("span", "f-code", (card.querySelector(".f-code") || {}).textContent || ""));
      item.appendChild(head);
      item.appendChild(el("div", "pop-msg", (card.querySelector(".msg") || {}).textContent || ""));
      var go = el("button", null, "在发现列表中查看 →");
      go.type = "button";
      go.addEventListener("click", function () { closePopover(); revealCard(card); });
      item.appendChild(go);
      popover.appendChild(item);
    });
    popover.hidden = false;
    var rect = mark.getBoundingClientRect();
    var width = popover.offsetWidth;
    var left = Math.max(8, Math.min(rect.left + window.pageXOffset, window.pageXOffset + d.documentElement.clientWidth - width - 8));
    var top = rect.bottom + window.pageYOffset + 6;
    if (rect.bottom + popover.offsetHeight + 12 > window.innerHeight && rect.top > popover.offsetHeight + 12) {
      top = rect.top + window.pageYOffset - popover.offsetHeight - 6;
    }
    popover.style.left = left + "px";
    popover.style.top = top + "px";
  }

  var documentPane = d.getElementById("document");
  if (documentPane) {
    documentPane.addEventListener("click", function (event) {
      var ref = event.target.closest ? event.target.closest("a.ref") : null;
      if (ref) {
        event.preventDefault();
        closePopover();
        revealCard(cardById[ref.getAttribute("data-goto")]);
        return;
      }
      var mark = event.target.closest ? event.target.closest(".ev") : null;
      if (mark && !mark.classList.contains("off")) {
        event.stopPropagation();
        openPopover(mark);
      }
    });
    documentPane.addEventListener("keydown", function (event) {
      var mark = event.target.closest ? event.target.closest(".ev") : null;
      if (mark && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        openPopover(mark);
      }
    });
  }
  d.addEventListener("click", function (event) {
    if (popover && !popover.hidden && !popover.contains(event.target) &&
        !(event.target.closest && event.target.closest(".document .ev"))) {
      closePopover();
    }
  });

  // ---- Filters.
  var form = d.getElementById("filters");
  var shown = d.getElementById("shown-count");
  function checked(name) {
    var out = {};
    all("input[name='" + name + "']", form).forEach(function (input) { out[input.value] = input.checked; });
    return out;
  }
  function applyFilters() {
    if (!form) { return; }
    var sev = checked("severity"), cat = checked("category"), tri = checked("triage");
    var count = 0;
    cards.forEach(function (card) {
      var t = card.getAttribute("data-triage");
      var ok = sev[card.getAttribute("data-severity")] !== false && cat[card.getAttribute("data-category")] !== false &&
               (!t || tri[t] !== false);
      visible[card.id] = ok;
      card.classList.toggle("filtered", !ok);
      if (ok) { count += 1; }
    });
    if (active && !visible[active.id]) { setActive(null); }
    marks.forEach(function (mark) {
      var best = null;
      words(mark.getAttribute("data-f")).forEach(function (id) {
        if (!visible[id]) { return; }
        var s = SEVERITIES.indexOf(cardById[id].getAttribute("data-severity"));
        if (best === null || s < best) { best = s; }
      });
      SEVERITIES.forEach(function (s) { mark.classList.remove("sev-" + s); });
      mark.classList.toggle("off", best === null);
      mark.classList.add("sev-" + SEVERITIES[best === null ? 2 : best]);
    });
    all(".document a.ref").forEach(function (ref) { ref.classList.toggle("off", !visible[ref.getAttribute("data-goto")]); });
    if (shown) { shown.textContent = count + " / " + cards.length; }
    closePopover();
  }
  if (form) {
    form.addEventListener("change", function (event) {
      if (event.target && event.target.id === "show-claims") {
        d.body.classList.toggle("hide-claims", !event.target.checked);
        return;
      }
      applyFilters();
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
  }

  // ---- Keyboard: j / k walk through the visible findings, Escape closes the popover.
  d.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { closePopover(); return; }
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var target = event.target || {};
    var tag = target.tagName || "";
    if (tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable ||
        (tag === "INPUT" && target.type !== "checkbox")) { return; }
    if (event.key !== "j" && event.key !== "k") { return; }
    var list = cards.filter(function (card) { return visible[card.id]; });
    if (!list.length) { return; }
    var i = active ? list.indexOf(active) : -1;
    i = event.key === "j" ? Math.min(i + 1, list.length - 1) : Math.max(i - 1, 0);
    var card = list[i];
    reveal(card);
    card.focus({ preventScroll: true });
    selectFinding(card);
  });

  d.documentElement.classList.add("js");
}());
