// htmx forms that show their errors. htmx 2 swaps no 4xx answers by default, so a form
// answered with 422 (our "invalid input" answer, rendered with its German errors) would
// silently do nothing. Swap 422 like a success; other errors stay unswapped.
// After a swap, move the keyboard focus to what the user has to read next: the first
// invalid field, else the form's error summary, else a card that confirms the save.
htmx.config.responseHandling = [
  { code: "204", swap: false },
  { code: "[23]..", swap: true },
  { code: "422", swap: true, error: false },
  { code: "[45]..", swap: false, error: true },
  { code: "...", swap: false },
];

document.addEventListener("htmx:afterSwap", (event) => {
  const swapped = event.target;
  if (!(swapped instanceof HTMLElement) || !document.body.contains(swapped)) return;
  if (event.detail.xhr && event.detail.xhr.status === 422) {
    const target =
      swapped.querySelector('[aria-invalid="true"]') ||
      swapped.querySelector('.kern-error[role="alert"], [role="alert"]');
    if (target) {
      if (!target.matches("input, select, textarea, button, a[href]")) {
        target.setAttribute("tabindex", "-1");
      }
      target.focus();
    }
  } else if (swapped.matches("[tabindex='-1'].fb15-inline-status")) {
    swapped.focus();
  }
});

// Long actions say they are working: the element that sends is aria-busy while its request
// runs (screen readers wait for it), and its `.fb15-busy` indicator shows (CSS, via htmx's
// `htmx-request` class on the hx-indicator element).
document.addEventListener("htmx:beforeRequest", (event) => {
  event.detail.elt.setAttribute("aria-busy", "true");
});
document.addEventListener("htmx:afterRequest", (event) => {
  event.detail.elt.removeAttribute("aria-busy");
});
