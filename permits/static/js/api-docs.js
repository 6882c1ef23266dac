// The API documentation page: Swagger UI (vendored) reads the OpenAPI document
// named by the container's data-spec-url. No inline script: the page runs
// under the site's Content-Security-Policy.
(function () {
  "use strict";
  var container = document.getElementById("api-docs");
  if (!container || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: container.getAttribute("data-spec-url"),
    domNode: container,
    deepLinking: true,
    // Never send the document to an outside validator.
    validatorUrl: null,
    tryItOutEnabled: false,
    persistAuthorization: false,
    defaultModelsExpandDepth: 0,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
})();
