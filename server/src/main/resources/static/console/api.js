// The REST API as the console uses it: the login token travels in the Authorization header, and
// every failure arrives as an RFC 9457 problem, which callers show next to the form that caused it.

const TOKEN = 'keyhook.token';

export class Problem extends Error {
    constructor(problem) {
        super(problem.detail || problem.title || 'Request failed');
        this.problem = problem;
    }
}

export const session = {
    get token() { return sessionStorage.getItem(TOKEN); },
    set token(value) { value ? sessionStorage.setItem(TOKEN, value) : sessionStorage.removeItem(TOKEN); },
};

export async function api(method, path, body, extraHeaders = {}) {
    const headers = { 'Accept': 'application/json', ...extraHeaders };
    if (session.token) headers['Authorization'] = `Bearer ${session.token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`/api/v1${path}`, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 204) return null;
    const text = await response.text();
    const data = text ? JSON.parse(text) : null;
    if (!response.ok) {
        if (response.status === 401 && session.token) {
            session.token = null;
            location.hash = '#/login';
        }
        throw new Problem(data || { title: response.statusText, status: response.status });
    }
    return data;
}
