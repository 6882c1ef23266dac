// Entry point for GOV.UK Frontend behaviour, loaded as an ES module so no
// inline script is needed under a strict Content-Security-Policy:
//
//   <script type="module" src="{{ url_for('static', filename='js/app.js') }}"></script>
//
// Module scripts only run in browsers that GOV.UK Frontend v5 supports, so
// reaching this line is itself the feature test that the usual inline
// `'noModule' in HTMLScriptElement.prototype` snippet performs.
// Module scripts are deferred: document.body exists by now.

import { initAll } from '../vendor/govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')

initAll()

// Every table sits in a box that scrolls sideways when the table is wider than
// its column (permits/templating.py, table_box). The box is in the Tab order,
// so that a keyboard can scroll it, only while there is something to scroll.
const tableBoxes = document.querySelectorAll('.app-table-box')
const focusableWhileItScrolls = (box) => {
  if (box.scrollWidth > box.clientWidth + 1) {
    box.setAttribute('tabindex', '0')
  } else {
    box.removeAttribute('tabindex')
  }
}
if ('ResizeObserver' in window) {
  const observer = new ResizeObserver((entries) => entries.forEach((entry) => focusableWhileItScrolls(entry.target)))
  tableBoxes.forEach((box) => observer.observe(box))
} else {
  tableBoxes.forEach(focusableWhileItScrolls)
}
