/**
 * Host mode speaks the same contract over HTTP on 127.0.0.1:
 * - the printed URL carries `?token=…`; the page keeps that token for its tab (in
 *   sessionStorage, which is per origin, so per port) and drops it from the address bar;
 * - every API call carries it in the `${HOST_TOKEN_HEADER}` header. Never a cookie: browsers
 *   send a 127.0.0.1 cookie to every port, so any other local web service the operator
 *   visits would receive it;
 * - POST `${HOST_INVOKE_PATH}/<channel>` with the JSON input → a JSON `Result`;
 * - GET `${HOST_EVENTS_PATH}?token=…` → server-sent events, `event: <name>` and
 *   `data: <json payload>` (EventSource cannot send headers; the URL stays inside the page);
 * - an operator's own sign-in in this tab: `session:signIn` answers a `sessionToken`, kept in
 *   sessionStorage like the URL token (never a cookie) and sent in `${HOST_SESSION_HEADER}`
 *   with every call. A call without that header acts as the console's current operator (the
 *   one `tenantctl serve` signed in at start); a call with an unknown, expired or signed-out
 *   session token is answered UNAUTHENTICATED and never falls back to that operator.
 */
export const HOST_INVOKE_PATH = '/api/invoke';
export const HOST_EVENTS_PATH = '/api/events';
export const HOST_TOKEN_PARAM = 'token';
export const HOST_TOKEN_HEADER = 'x-tenant-console-token';
export const HOST_SESSION_HEADER = 'x-tenant-console-session';
