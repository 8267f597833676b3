// Progressive enhancement only: every page works without this file.
// Print buttons (no inline handlers because of the content security policy).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    event.preventDefault();
    window.print();
  }
});
