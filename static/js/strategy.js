// Strategy page: open/close all fields of action, print with everything open.
document.addEventListener("click", (event) => {
  const toggle = event.target.closest("[data-details]");
  if (toggle) {
    const open = toggle.dataset.details === "open";
    document.querySelectorAll("details.fb15-field").forEach((d) => { d.open = open; });
  }
  if (event.target.closest("[data-print]")) window.print();
});
window.addEventListener("beforeprint", () => {
  document.querySelectorAll("details.fb15-field").forEach((d) => { d.open = true; });
});
