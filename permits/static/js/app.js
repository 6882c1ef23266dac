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
