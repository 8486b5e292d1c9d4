// Webhook subscriptions: list, create (event types from the catalog, with their example payloads;
// the secret shown once), pause/resume, rotate secret, send test, delete.
import { api } from './api.js';
import { busy, el, formValues, showSecretOnce, newestOnly } from './ui.js';

export async function webhooksView(view) {
    const catalog = await api('GET', '/webhooks/event-types');
    const table = el('tbody');
    const form = el('form', { class: 'grid', 'aria-label': 'Create webhook' },
        el('label', { style: 'grid-column: 1 / -1' }, 'Endpoint URL',
            el('input', { name: 'url', type: 'url', required: true, placeholder: 'https://example.com/hooks/keyhook' })),
        el('label', { style: 'grid-column: 1 / -1' }, 'Description (optional)', el('input', { name: 'description', maxlength: 500 })),
        el('fieldset', { style: 'grid-column: 1 / -1' }, el('legend', { text: 'Event types' }),
            ...catalog.map(type => el('div', {},
                el('label', { class: 'scope' }, el('span', {},
                    el('input', { type: 'checkbox', name: 'eventType', value: type.name }), ` ${type.name} `,
                    el('span', { class: 'muted', text: `— ${type.description}` }))),
                el('details', {}, el('summary', { text: 'Example payload' }),
                    el('pre', { class: 'mono', text: JSON.stringify(type.example, null, 2) }))))),
        el('button', { type: 'submit', text: 'Create webhook' }));
    form.addEventListener('submit', async event => {
        event.preventDefault();
        const values = formValues(form);
        const eventTypes = [...form.querySelectorAll('input[name=eventType]:checked')].map(box => box.value);
        const created = await busy(form.querySelector('button[type=submit]'), form, () => api('POST', '/webhooks', {
            url: values.url, description: values.description || undefined, eventTypes,
        }));
        if (created) {
            form.reset();
            showSecretOnce('Signing secret', created.secret,
                `Copy the signing secret now: it is shown only this once.${created.warnings ? ' Note: ' + created.warnings.join('; ') + '.' : ''}`,
                'new-secret');
            await load();
        }
    });

    const startLoad = newestOnly();
    async function load() {
        const current = startLoad();
        const page = await api('GET', '/webhooks?size=100');
        if (!current()) return;
        table.replaceChildren(...page.subscriptions.map(row));
        if (page.subscriptions.length === 0) table.append(el('tr', {}, el('td', { colspan: 4, class: 'muted', text: 'No webhooks yet.' })));
    }

    function row(subscription) {
        const actions = el('div', { class: 'actions' });
        const act = (label, style, action) => {
            const button = el('button', { type: 'button', class: style, text: label, onclick: async () => {
                const done = await busy(button, actions, action);
                if (done !== undefined) await load();
            } });
            return button;
        };
        actions.append(
            el('a', { href: `#/webhooks/${subscription.id}`, text: 'Timeline' }),
            el('button', { type: 'button', class: 'secondary', text: 'Edit', onclick: () => tr.replaceWith(editor(subscription)) }),
            act('Send test', 'secondary', () => api('POST', `/webhooks/${subscription.id}/test`)),
            act(subscription.active ? 'Pause' : 'Resume', 'secondary', () => api('PUT', `/webhooks/${subscription.id}`, {
                url: subscription.url, eventTypes: subscription.eventTypes, description: subscription.description,
                active: !subscription.active,
            })),
            act('Rotate secret', 'secondary', async () => {
                const rotated = await api('POST', `/webhooks/${subscription.id}/rotate-secret`, {});
                showSecretOnce('New signing secret', rotated.secret,
                    'Copy the new secret now. The old one keeps signing beside it for 24 hours.', 'new-secret');
                return rotated;
            }),
            act('Delete', 'danger', () => confirm(`Delete the webhook to ${subscription.url}?`)
                ? api('DELETE', `/webhooks/${subscription.id}`).then(() => true) : Promise.resolve(undefined)));
        const state = subscription.active ? 'active' : `disabled${subscription.disabledReason ? ': ' + subscription.disabledReason : ''}`;
        const tr = el('tr', { 'data-webhook': subscription.url },
            el('td', {}, el('div', { class: 'mono', text: subscription.url }), el('div', { class: 'muted', text: subscription.description || '' })),
            el('td', { class: 'optional', text: subscription.eventTypes.join(' ') }),
            el('td', {}, el('span', { class: `status status-${subscription.active ? 'active' : 'failed'}`, text: state })),
            el('td', {}, actions));
        return tr;
    }

    function editor(subscription) {
        const form = el('form', { class: 'grid', 'aria-label': `Edit webhook ${subscription.url}` },
            el('label', { style: 'grid-column: 1 / -1' }, 'Endpoint URL', el('input', { name: 'url', type: 'url', required: true, value: subscription.url })),
            el('label', { style: 'grid-column: 1 / -1' }, 'Description', el('input', { name: 'description', value: subscription.description || '' })),
            el('fieldset', { style: 'grid-column: 1 / -1' }, el('legend', { text: 'Event types' }),
                ...catalog.map(type => el('label', { class: 'scope' }, el('span', {},
                    el('input', { type: 'checkbox', name: 'eventType', value: type.name, checked: subscription.eventTypes.includes(type.name) }),
                    ` ${type.name}`)))),
            el('div', { class: 'actions' }, el('button', { type: 'submit', text: 'Save' }),
                el('button', { type: 'button', class: 'secondary', text: 'Cancel', onclick: () => load() })));
        form.addEventListener('submit', async event => {
            event.preventDefault();
            const values = formValues(form);
            const saved = await busy(form.querySelector('button[type=submit]'), form, () => api('PUT', `/webhooks/${subscription.id}`, {
                url: values.url, description: values.description || undefined, active: subscription.active,
                eventTypes: [...form.querySelectorAll('input[name=eventType]:checked')].map(box => box.value),
            }));
            if (saved) await load();
        });
        return el('tr', {}, el('td', { colspan: 4 }, form));
    }

    view.replaceChildren(
        el('h1', { text: 'Webhooks' }),
        el('section', { class: 'card' }, el('h2', { text: 'New webhook' }), form),
        el('section', { class: 'card' }, el('div', { class: 'table-wrap' }, el('table', {},
            el('thead', {}, el('tr', {}, el('th', { text: 'Endpoint' }), el('th', { class: 'optional', text: 'Events' }),
                el('th', { text: 'State' }), el('th', { text: '' }))),
            table))));
    await load();
}
