// Search box enhancements: "/" focuses the header search box, and suggestions
// appear as you type (ARIA 1.2 combobox with a listbox popup). Without this
// file the box is a plain GET form to /search/, which does everything too.
// CSP-safe: no inline scripts or styles, no eval, DOM built with textContent.
"use strict";

(() => {
  const SUGGEST_URL = "/search/suggest/";
  const DEBOUNCE_MS = 150;
  const MAX_LENGTH = 200;
  const INPUT_SELECTOR = 'form[role="search"] input[name="q"]';

  const isEditable = (element) =>
    element instanceof HTMLElement &&
    (element.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(element.tagName));

  document.addEventListener("keydown", (event) => {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (isEditable(event.target)) return;
    const input = document.querySelector(`header ${INPUT_SELECTOR}`) || document.querySelector(INPUT_SELECTOR);
    if (!input) return;
    event.preventDefault();
    input.focus();
    input.select();
  });

  let counter = 0;

  function enhance(input) {
    const form = input.form;
    const id = `search-suggest-${++counter}`;
    const list = document.createElement("ul");
    list.id = id;
    list.className = "search-suggest";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "搜索建议");
    list.hidden = true;
    const status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    form.classList.add("search-combobox");
    form.append(list, status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id);
    input.setAttribute("autocomplete", "off");

    let results = [];
    let active = -1;
    let timer = 0;
    let controller = null;
    let lastQuery = null;

    const options = () => list.querySelectorAll('[role="option"]');

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function open() {
      if (!results.length) return;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function setActive(index) {
      const items = options();
      if (!items.length) return;
      active = (index + items.length) % items.length;
      items.forEach((item, position) => item.setAttribute("aria-selected", String(position === active)));
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }

    function go(index) {
      const result = results[index];
      if (result) window.location.assign(result.url);
    }

    function render(query, data) {
      results = Array.isArray(data.results) ? data.results : [];
      list.replaceChildren();
      results.forEach((result, index) => {
        const item = document.createElement("li");
        item.id = `${id}-${index}`;
        item.className = "search-suggest__option";
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        const code = document.createElement("span");
        code.className = `code-num c${String(result.code).charAt(0)}`;
        code.textContent = String(result.code);
        const name = document.createElement("span");
        name.className = "search-suggest__zh";
        name.textContent = result.name_zh;
        item.append(code, " ", name);
        if (result.phrase) {
          const phrase = document.createElement("span");
          phrase.className = "search-suggest__en";
          phrase.lang = "en";
          phrase.textContent = result.phrase;
          item.append(" ", phrase);
        }
        // mousedown, not click: keep focus in the box so the list does not close first.
        item.addEventListener("mousedown", (event) => {
          event.preventDefault();
          go(index);
        });
        list.append(item);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      status.textContent = query ? (results.length ? `${results.length} 条建议，用上下方向键选择` : "没有建议") : "";
      if (results.length && document.activeElement === input) open();
      else close();
    }

    async function fetchSuggestions(query) {
      if (controller) controller.abort();
      controller = new AbortController();
      try {
        const response = await fetch(`${SUGGEST_URL}?q=${encodeURIComponent(query)}`, {
          headers: { Accept: "application/json" },
          signal: controller.signal,
        });
        if (!response.ok) return;
        const data = await response.json();
        if (input.value.trim() === query) render(query, data);
      } catch (error) {
        if (error.name !== "AbortError") close();
      }
    }

    input.addEventListener("input", () => {
      window.clearTimeout(timer);
      const query = input.value.trim();
      if (query === lastQuery) return;
      lastQuery = query;
      if (!query || query.length > MAX_LENGTH) {
        if (controller) controller.abort();
        render("", { results: [] });
        return;
      }
      timer = window.setTimeout(() => fetchSuggestions(query), DEBOUNCE_MS);
    });

    input.addEventListener("keydown", (event) => {
      if (event.isComposing) return; // an IME is still composing Chinese text
      switch (event.key) {
        case "ArrowDown":
          if (!results.length) return;
          event.preventDefault();
          if (list.hidden) open();
          setActive(active + 1);
          break;
        case "ArrowUp":
          if (!results.length) return;
          event.preventDefault();
          if (list.hidden) open();
          setActive(active - 1);
          break;
        case "Enter":
          if (!list.hidden && active >= 0) {
            event.preventDefault();
            go(active);
          }
          break;
        case "Escape":
          if (!list.hidden) {
            event.preventDefault();
            close();
          }
          break;
        case "Tab":
          close();
          break;
        default:
          break;
      }
    });

    input.addEventListener("focus", open);
    input.addEventListener("blur", close);
  }

  const start = () => document.querySelectorAll(INPUT_SELECTOR).forEach(enhance);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
