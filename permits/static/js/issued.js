// While the permit's PDF is being prepared, reload the page every few
// seconds (the page says so and offers a plain refresh link too).
const pending = document.querySelector("[data-permit-pending]");
if (pending) {
  window.setTimeout(() => window.location.reload(), 5000);
}
