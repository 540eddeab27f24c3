// Starts Swagger UI from the app's own copy (no CDN) on the API's OpenAPI document.
window.addEventListener("load", function () {
  window.SwaggerUIBundle({ url: "/api/v1/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
});
