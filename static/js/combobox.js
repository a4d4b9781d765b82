// Type-ahead combobox over a native <select data-fb15-combobox> (ARIA APG "combobox with
// listbox popup"). Progressive enhancement: the select stays in the form as the source of
// truth and is what the form posts; this script only hides it and keeps it in sync. Without
// JavaScript people use the plain select. Multi-selects show their choices as chips, so a
// click never wipes the others. The German messages come from the select's attribute.
(() => {
  const enhanced = new WeakSet();
  let counter = 0;

  // Lower case, no diacritics: "Müller" -> "muller". German umlauts are also read as
  // "ae/oe/ue" ("Mueller"), so both spellings of a name find it.
  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/\p{Diacritic}/gu, "").replace(/ß/g, "ss");
  }
  function words(text) {
    return text.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }
  function wordStarts(label) {
    const spelled = label.toLowerCase().replace(/ä/g, "ae").replace(/ö/g, "oe").replace(/ü/g, "ue");
    return [...words(fold(label)), ...words(fold(spelled))];
  }
  // Every typed word must begin some word of the label: "mül an" finds "Anna Müller".
  function matches(starts, query) {
    return words(fold(query)).every((token) => starts.some((word) => word.startsWith(token)));
  }
  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, (_, key) => values[key]);
  }

  function enhance(select) {
    if (enhanced.has(select) || select.disabled) return;
    enhanced.add(select);
    const texts = JSON.parse(select.dataset.fb15Combobox || "{}");
    const multiple = select.multiple;
    const id = select.id || `fb15-combobox-${++counter}`;
    const label = document.querySelector(`label[for="${CSS.escape(id)}"]`);
    // The KERN select wrapper draws the box and chevron of a select; it hides with it.
    const native = select.closest(".kern-form-input__select-wrapper") || select;

    const root = document.createElement("div");
    root.className = "fb15-combobox";
    const field = document.createElement("div");
    field.className = "kern-form-input__select-wrapper fb15-combobox__field";
    const input = document.createElement("input");
    const listbox = document.createElement("ul");
    const status = document.createElement("div");
    const chips = document.createElement("ul");

    // The text box takes over the select's id: the label's `for`, the error summary's links
    // and the focus after an htmx error all point at that id and now reach the text box.
    select.id = `${id}-native`;
    input.id = id;
    input.type = "text";
    input.className = "kern-form-input__select fb15-combobox__input";
    input.autocomplete = "off";
    input.spellcheck = false;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", `${id}-listbox`);
    for (const name of ["aria-describedby", "aria-invalid"]) {
      if (select.hasAttribute(name)) input.setAttribute(name, select.getAttribute(name));
    }
    if (select.getAttribute("aria-invalid") === "true") {
      input.classList.add("kern-form-input__select--error");
    }
    // A hidden required select would block the post without a visible message; the
    // server's German error message covers it instead.
    if (select.required) {
      select.required = false;
      input.setAttribute("aria-required", "true");
    }
    const empty = [...select.options].find((option) => option.value === "");
    if (empty && /\p{L}/u.test(empty.text)) input.placeholder = empty.text; // e.g. "alle"

    listbox.id = `${id}-listbox`;
    listbox.className = "fb15-combobox__listbox";
    listbox.setAttribute("role", "listbox");
    listbox.hidden = true;
    if (multiple) listbox.setAttribute("aria-multiselectable", "true");
    if (label) {
      label.id = label.id || `${id}-label`;
      listbox.setAttribute("aria-labelledby", label.id);
    }
    status.className = "kern-sr-only";
    status.setAttribute("role", "status");

    // One listbox entry per native option, built once; filtering only hides entries.
    const items = [...select.options]
      .filter((option) => option.value !== "")
      .map((option, index) => {
        const item = document.createElement("li");
        item.id = `${id}-option-${index}`;
        item.className = "fb15-combobox__option";
        item.setAttribute("role", "option");
        item.textContent = option.text;
        listbox.append(item);
        return { option, item, starts: wordStarts(option.text) };
      });
    let active = null;

    function visible() {
      return items.filter((entry) => !entry.item.hidden);
    }
    function isOpen() {
      return input.getAttribute("aria-expanded") === "true";
    }
    function setActive(entry) {
      if (active) active.item.classList.remove("fb15-combobox__option--active");
      active = entry;
      if (entry) {
        entry.item.classList.add("fb15-combobox__option--active");
        input.setAttribute("aria-activedescendant", entry.item.id);
        entry.item.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function open() {
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    function close() {
      setActive(null);
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }
    function announce(text) {
      status.textContent = text;
    }
    function filter(query) {
      for (const entry of items) entry.item.hidden = !matches(entry.starts, query);
      const count = visible().length;
      announce(count === 0 ? texts.none : count === 1 ? texts.one : format(texts.many, { count }));
      return count;
    }

    // Mirror the select into the listbox marks, the chips and (single) the text.
    function render() {
      for (const entry of items) {
        entry.item.setAttribute("aria-selected", String(entry.option.selected));
      }
      if (!multiple) {
        const chosen = select.selectedOptions[0];
        input.value = chosen && chosen.value !== "" ? chosen.text : "";
        return;
      }
      chips.replaceChildren(
        ...items
          .filter((entry) => entry.option.selected)
          .map((entry) => {
            const chip = document.createElement("li");
            const button = document.createElement("button");
            button.type = "button";
            button.className = "kern-btn kern-btn--secondary kern-btn--x-small fb15-combobox__chip";
            button.setAttribute("aria-label", format(texts.remove, { name: entry.option.text }));
            const name = document.createElement("span");
            name.className = "kern-label";
            name.textContent = entry.option.text;
            const icon = document.createElement("span");
            icon.className = "kern-icon kern-icon--close";
            icon.setAttribute("aria-hidden", "true");
            button.append(name, icon);
            button.addEventListener("click", () => {
              toggle(entry, false);
              input.focus();
            });
            chip.append(button);
            return chip;
          })
      );
      chips.hidden = chips.children.length === 0;
    }
    function toggle(entry, selected) {
      if (!multiple) {
        for (const option of select.options) option.selected = false;
      }
      entry.option.selected = selected;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      render();
      announce(format(selected ? texts.selected : texts.removed, { name: entry.option.text }));
    }
    // Enter or a click: a single select takes the option and closes; a multi-select adds
    // it (or takes a chosen one back off) and clears the typed text for the next search.
    function pick(entry) {
      if (multiple) {
        toggle(entry, !entry.option.selected);
        input.value = "";
      } else {
        toggle(entry, true);
      }
      close();
    }
    // Opened without typing: the whole list, the current choice marked as active.
    function openAll(edge) {
      filter("");
      open();
      const shown = visible();
      const chosen = shown.find((entry) => entry.option.selected && !multiple);
      setActive(chosen || (edge === "last" ? shown[shown.length - 1] : shown[0]) || null);
    }
    function move(step) {
      const shown = visible();
      if (shown.length === 0) return;
      const index = shown.indexOf(active);
      const next = index === -1 ? (step > 0 ? 0 : shown.length - 1) : (index + step + shown.length) % shown.length;
      setActive(shown[next]);
    }
    // Leaving the field: an emptied single choice means "none" where the select offers
    // one; any other typed text that picked nothing falls back to the current choice.
    function commit() {
      close();
      if (multiple) {
        input.value = "";
      } else if (input.value.trim() === "" && empty && !empty.selected) {
        empty.selected = true;
        select.dispatchEvent(new Event("change", { bubbles: true }));
        render();
      } else {
        render();
      }
    }

    input.addEventListener("input", () => {
      if (input.value.trim() === "") {
        openAll("first");
        if (!multiple) setActive(null);
        return;
      }
      // No match: the list closes (an empty listbox tells nothing), the status says so.
      if (filter(input.value) === 0) return close();
      open();
      // Typing then Enter picks the first match, as people expect from a search box.
      setActive(visible()[0]);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!isOpen()) openAll(event.key === "ArrowUp" ? "last" : "first");
        else move(event.key === "ArrowDown" ? 1 : -1);
      } else if (event.key === "Enter" && isOpen()) {
        // An open list answers Enter itself; it never submits the form half-chosen.
        event.preventDefault();
        if (active) pick(active);
      } else if (event.key === "Escape") {
        // Cancels the typing: the list closes, the box shows the choice as it was.
        if (isOpen()) event.preventDefault();
        close();
        render();
        if (multiple) input.value = "";
      } else if (event.key === "Backspace" && multiple && input.value === "") {
        const last = items.filter((entry) => entry.option.selected).pop();
        if (last) toggle(last, false);
      }
    });
    input.addEventListener("click", () => (isOpen() ? close() : openAll("first")));
    // Keep the focus in the text box while an option is clicked.
    listbox.addEventListener("mousedown", (event) => event.preventDefault());
    listbox.addEventListener("click", (event) => {
      const entry = items.find((candidate) => candidate.item === event.target.closest("li"));
      if (entry) pick(entry);
    });
    root.addEventListener("focusout", (event) => {
      if (!root.contains(event.relatedTarget)) commit();
    });

    field.append(input);
    if (multiple) {
      chips.className = "fb15-combobox__chips";
      // Named after the field ("Ausgewählt: beteiligte Fachbereiche"): a page has several.
      const fieldName = label && label.firstChild ? label.firstChild.textContent.trim() : "";
      chips.setAttribute("aria-label", format(texts.chips, { label: fieldName }));
      root.append(chips);
    }
    root.append(field, listbox, status);
    native.before(root);
    native.hidden = true;
    render();
  }

  function init(container) {
    container.querySelectorAll("select[data-fb15-combobox]").forEach(enhance);
  }

  // htmx announces every piece of content it adds (and the page itself) with htmx:load.
  document.addEventListener("htmx:load", (event) => init(event.target));
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => init(document));
  } else {
    init(document);
  }
})();
