// Main navigation on narrow screens: collapses the list behind the "Menü" button.
// Without this script the button stays hidden and the list open, so the menu stays reachable.
(() => {
  const narrow = window.matchMedia("(max-width: 47.99em)");

  function setOpen(nav, button, open) {
    button.setAttribute("aria-expanded", String(open));
    nav.dataset.menu = open ? "open" : "closed";
  }

  function init() {
    document.querySelectorAll("[data-fb15-menu]").forEach((nav) => {
      const button = nav.querySelector(".fb15-nav__toggle");
      if (!button) return;
      button.hidden = false;
      setOpen(nav, button, !narrow.matches);
      button.addEventListener("click", () => {
        setOpen(nav, button, button.getAttribute("aria-expanded") !== "true");
      });
      // Back to wide: the list shows in any case; back to narrow: start closed.
      narrow.addEventListener("change", () => setOpen(nav, button, !narrow.matches));
      nav.addEventListener("keydown", (event) => {
        if (event.key === "Escape" && narrow.matches && button.getAttribute("aria-expanded") === "true") {
          setOpen(nav, button, false);
          button.focus();
        }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
