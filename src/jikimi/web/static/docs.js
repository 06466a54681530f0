// The API's own OpenAPI document in Swagger UI, served from this server (no CDN):
// an external script, as the content-security policy allows no inline one.
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null, // the public validator would be a request off the closed network
});
