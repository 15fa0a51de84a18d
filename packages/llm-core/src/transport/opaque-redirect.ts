/** The code of the error for a redirect a browser answered without saying where it leads. */
export const OPAQUE_REDIRECT = "LOOM_OPAQUE_REDIRECT";

/**
 * The error for a redirect answered in a browser: redirects are not followed (the key would go
 * with the request), and a browser shows no status, headers or body of one (`opaqueredirect`).
 */
export function opaqueRedirect(): Error {
  return Object.assign(
    new Error(
      "the server answered with a redirect, which is not followed (the browser does not say where it leads)",
    ),
    { code: OPAQUE_REDIRECT },
  );
}
