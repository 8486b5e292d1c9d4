// Items: enough to produce every event type (created, updated, stock adjusted, low stock, deleted).
import { api } from './api.js';
import { busy, el, formValues, showProblem, newestOnly } from './ui.js';

export async function itemsView(view) {
    const table = el('tbody');
    const createForm = el('form', { class: 'grid', 'aria-label': 'Create item' },
        el('label', {}, 'Name', el('input', { name: 'name', required: true, maxlength: 200 })),
        el('label', {}, 'SKU', el('input', { name: 'sku', maxlength: 64 })),
        el('label', {}, 'Quantity', el('input', { name: 'quantity', type: 'number', min: 0, required: true, value: 10 })),
        el('label', {}, 'Low-stock threshold', el('input', { name: 'lowStockThreshold', type: 'number', min: 0, value: 3 })),
        el('button', { type: 'submit', text: 'Create item' }));
    createForm.addEventListener('submit', async event => {
        event.preventDefault();
        const values = formValues(createForm);
        const created = await busy(createForm.querySelector('button'), createForm, () => api('POST', '/items', {
            name: values.name, sku: values.sku || undefined, quantity: Number(values.quantity),
            lowStockThreshold: values.lowStockThreshold === '' ? undefined : Number(values.lowStockThreshold),
        }));
        if (created) {
            createForm.reset();
            await load();
        }
    });

    const startLoad = newestOnly();
    async function load() {
        const current = startLoad();
        const page = await api('GET', '/items?size=100');
        if (!current()) return;
        table.replaceChildren(...page.items.map(row));
        if (page.items.length === 0) table.append(el('tr', {}, el('td', { colspan: 5, class: 'muted', text: 'No items yet.' })));
    }

    function row(item) {
        const delta = el('input', { type: 'number', value: -1, 'aria-label': `Stock change for ${item.name}`, style: 'width:6rem' });
        const adjust = el('form', { class: 'actions' }, delta, el('button', { type: 'submit', class: 'secondary', text: 'Adjust' }));
        adjust.addEventListener('submit', async event => {
            event.preventDefault();
            const done = await busy(adjust.querySelector('button'), adjust,
                () => api('POST', `/items/${item.id}/stock`, { delta: Number(delta.value) }));
            if (done) await load();
        });
        const remove = el('button', { type: 'button', class: 'danger', text: 'Delete', onclick: async () => {
            if (!confirm(`Delete ${item.name}?`)) return;
            try {
                await api('DELETE', `/items/${item.id}`);
                await load();
            } catch (error) {
                showProblem(remove, error);
            }
        } });
        const edit = el('button', { type: 'button', class: 'secondary', text: 'Edit', onclick: () => tr.replaceWith(editor(item)) });
        const tr = el('tr', { 'data-item': item.name },
            el('td', {}, item.name, item.lowStock ? el('span', { class: 'status status-retrying', text: ' · low stock' }) : null),
            el('td', { class: 'optional mono', text: item.sku || '' }),
            el('td', { class: 'quantity', text: item.quantity }),
            el('td', { class: 'optional', text: item.lowStockThreshold }),
            el('td', {}, el('div', { class: 'actions' }, adjust, edit, remove)));
        return tr;
    }

    /** The row as a form: a replace (PUT) guarded by the version it was read at, so a change made meanwhile is a 409. */
    function editor(item) {
        const form = el('form', { class: 'grid', 'aria-label': `Edit ${item.name}` },
            el('label', {}, 'Name', el('input', { name: 'name', required: true, value: item.name })),
            el('label', {}, 'SKU', el('input', { name: 'sku', value: item.sku || '' })),
            el('label', {}, 'Quantity', el('input', { name: 'quantity', type: 'number', min: 0, required: true, value: item.quantity })),
            el('label', {}, 'Low-stock threshold', el('input', { name: 'lowStockThreshold', type: 'number', min: 0, value: item.lowStockThreshold })),
            el('div', { class: 'actions' }, el('button', { type: 'submit', text: 'Save' }),
                el('button', { type: 'button', class: 'secondary', text: 'Cancel', onclick: () => load() })));
        form.addEventListener('submit', async event => {
            event.preventDefault();
            const values = formValues(form);
            const saved = await busy(form.querySelector('button[type=submit]'), form, () => api('PUT', `/items/${item.id}`, {
                name: values.name, sku: values.sku || undefined, quantity: Number(values.quantity),
                lowStockThreshold: Number(values.lowStockThreshold), description: item.description,
            }, { 'If-Match': `"${item.version}"` }));
            if (saved) await load();
        });
        return el('tr', {}, el('td', { colspan: 5 }, form));
    }

    view.replaceChildren(
        el('h1', { text: 'Items' }),
        el('section', { class: 'card' }, el('h2', { text: 'New item' }), createForm),
        el('section', { class: 'card' }, el('div', { class: 'table-wrap' }, el('table', {},
            el('thead', {}, el('tr', {}, el('th', { text: 'Name' }), el('th', { class: 'optional', text: 'SKU' }),
                el('th', { text: 'Quantity' }), el('th', { class: 'optional', text: 'Threshold' }), el('th', { text: '' }))),
            table))));
    await load();
}
