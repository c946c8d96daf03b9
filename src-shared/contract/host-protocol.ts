/**
 * Host mode speaks the same contract over HTTP on 127.0.0.1:
 * - the printed URL carries `?token=…`; the server answers with an HttpOnly cookie and a
 *   redirect to `/`, after which every call carries the cookie;
 * - POST `${HOST_INVOKE_PATH}/<channel>` with the JSON input → a JSON `Result`;
 * - GET `${HOST_EVENTS_PATH}` → server-sent events, `event: <name>` and `data: <json payload>`.
 */
export const HOST_INVOKE_PATH = '/api/invoke';
export const HOST_EVENTS_PATH = '/api/events';
export const HOST_TOKEN_PARAM = 'token';
export const HOST_COOKIE_NAME = 'tc_session';
