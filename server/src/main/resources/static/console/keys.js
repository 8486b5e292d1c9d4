// API keys: list, create with a scope preset (the key is shown once), rotate, revoke.
import { api } from './api.js';
import { busy, el, formValues, showSecretOnce, when, newestOnly } from './ui.js';

const PRESETS = {
    'read-only': ['items:read', 'webhooks:read'],
    'read-write': ['items:read', 'items:write', 'items:delete', 'webhooks:read', 'webhooks:write'],
};

export async function keysView(view, me) {
    const table = el('tbody');
    const scopeBoxes = me.scopes.map(scope => el('label', { class: 'scope' },
        el('span', {}, el('input', { type: 'checkbox', name: 'scope', value: scope }), ` ${scope}`)));
    const preset = el('select', { name: 'preset', onchange: () => applyPreset(preset.value) },
        el('option', { value: 'read-only', text: 'Read-only' }),
        el('option', { value: 'read-write', text: 'Read-write' }),
        el('option', { value: 'full', text: 'Full (everything you may do)' }),
        el('option', { value: 'custom', text: 'Custom' }));
    const form = el('form', { class: 'grid', 'aria-label': 'Create API key' },
        el('label', {}, 'Name', el('input', { name: 'name', required: true, maxlength: 100 })),
        el('label', {}, 'Scopes', preset),
        el('label', {}, 'Environment', el('select', { name: 'environment' },
            el('option', { value: 'live', text: 'live' }), el('option', { value: 'test', text: 'test' }))),
        el('label', {}, 'Expires (optional)', el('input', { name: 'expiresAt', type: 'datetime-local' })),
        el('label', {}, 'Requests per minute (optional)', el('input', { name: 'rateLimitPerMinute', type: 'number', min: 1 })),
        el('label', {}, 'Allowed IPs or CIDRs (optional, comma-separated)', el('input', { name: 'allowedIps' })),
        el('fieldset', { style: 'grid-column: 1 / -1' }, el('legend', { text: 'Scopes of this key' }), ...scopeBoxes),
        el('button', { type: 'submit', text: 'Create key' }));

    function applyPreset(name) {
        const wanted = name === 'full' ? me.scopes : PRESETS[name];
        if (!wanted) return;
        for (const box of form.querySelectorAll('input[name=scope]')) box.checked = wanted.includes(box.value);
    }
    form.addEventListener('change', event => {
        if (event.target.name === 'scope') preset.value = 'custom';
    });
    applyPreset('read-only');

    form.addEventListener('submit', async event => {
        event.preventDefault();
        const values = formValues(form);
        const scopes = [...form.querySelectorAll('input[name=scope]:checked')].map(box => box.value);
        const body = {
            name: values.name, scopes, environment: values.environment,
            expiresAt: values.expiresAt ? new Date(values.expiresAt).toISOString() : undefined,
            rateLimitPerMinute: values.rateLimitPerMinute ? Number(values.rateLimitPerMinute) : undefined,
            allowedIps: values.allowedIps ? values.allowedIps.split(',').map(ip => ip.trim()).filter(Boolean) : undefined,
        };
        const issued = await busy(form.querySelector('button[type=submit]'), form, () => api('POST', '/api-keys', body));
        if (issued) {
            form.reset();
            applyPreset('read-only');
            showOnce(issued);
            await load();
        }
    });

    const startLoad = newestOnly();
    async function load() {
        const current = startLoad();
        const page = await api('GET', '/api-keys?size=100');
        if (!current()) return;
        table.replaceChildren(...page.keys.map(row));
        if (page.keys.length === 0) table.append(el('tr', {}, el('td', { colspan: 6, class: 'muted', text: 'No keys yet.' })));
    }

    function row(key) {
        const actions = el('div', { class: 'actions' });
        if (key.status === 'active') {
            const grace = el('select', { 'aria-label': `Grace period for rotating ${key.name}` },
                el('option', { value: 86400, text: 'old key works 24 h' }),
                el('option', { value: 3600, text: 'old key works 1 h' }),
                el('option', { value: 0, text: 'old key stops now' }));
            const rotate = el('button', { type: 'button', class: 'secondary', text: 'Rotate', onclick: async () => {
                const rotated = await busy(rotate, actions,
                    () => api('POST', `/api-keys/${key.id}/rotate`, { gracePeriodSeconds: Number(grace.value) }));
                if (rotated) {
                    showOnce(rotated);
                    await load();
                }
            } });
            const revoke = el('button', { type: 'button', class: 'danger', text: 'Revoke', onclick: async () => {
                if (!confirm(`Revoke ${key.name}? Requests with it are refused from the next one on.`)) return;
                const done = await busy(revoke, actions, () => api('DELETE', `/api-keys/${key.id}`).then(() => true));
                if (done) await load();
            } });
            actions.append(grace, rotate, revoke);
        }
        actions.append(el('a', { href: `#/keys/${key.id}`, text: 'Usage' }));
        return el('tr', { 'data-key': key.name },
            el('td', {}, key.name, el('div', { class: 'mono muted', text: `${key.prefix}…` })),
            el('td', { class: 'optional', text: key.scopes.join(' ') }),
            el('td', { class: 'optional', text: `${key.environment} · created ${when(key.createdAt)}` }),
            el('td', { class: 'optional', text: `last used ${when(key.lastUsedAt)}${key.expiresAt ? ` · expires ${when(key.expiresAt)}` : ''}` }),
            el('td', {}, el('span', { class: `status status-${key.status}`, text: key.status })),
            el('td', {}, actions));
    }

    view.replaceChildren(
        el('h1', { text: 'API keys' }),
        el('section', { class: 'card' }, el('h2', { text: 'New key' }), form),
        el('section', { class: 'card' }, el('div', { class: 'table-wrap' }, el('table', {},
            el('thead', {}, el('tr', {}, el('th', { text: 'Name' }), el('th', { class: 'optional', text: 'Scopes' }),
                el('th', { class: 'optional', text: 'Environment' }), el('th', { class: 'optional', text: 'Use' }),
                el('th', { text: 'Status' }), el('th', { text: '' }))),
            table))));
    await load();
}

function showOnce(issued) {
    const dialog = showSecretOnce(`Key “${issued.name}”`, issued.key,
        'Copy this key now. It is shown only this once; Keyhook keeps only a hash of it.', 'new-key');
    dialog.querySelector('.actions').append(el('button', { type: 'button', class: 'secondary',
        text: 'Use in API browser', onclick: () => openApiBrowserWith(issued.key) }));
}

/** Opens the API browser (same origin) and authorizes it with the key, so requests can be tried at once. */
function openApiBrowserWith(key) {
    const browser = window.open('/swagger-ui.html', '_blank');
    if (!browser) return;
    const started = Date.now();
    const timer = setInterval(() => {
        try {
            // Only once the API document has loaded does the browser know the scheme to authorize.
            const ui = browser.ui;
            if (ui && ui.specSelectors && ui.specSelectors.securityDefinitions()) {
                ui.preauthorizeApiKey('api-key', key);
                if (ui.authSelectors.authorized().size > 0) clearInterval(timer);
            }
        } catch {
            // not loaded yet
        }
        if (Date.now() - started > 15000) clearInterval(timer);
    }, 200);
}
