// One key's usage audit: every attempt with it, newest first, filterable by outcome, and the
// per-day counts as a small bar chart.
import { api } from './api.js';
import { el, when, newestOnly } from './ui.js';

const SVG = 'http://www.w3.org/2000/svg';

export async function usageView(view, me, keyId) {
    const key = await api('GET', `/api-keys/${keyId}`);
    const list = el('tbody');
    const outcome = el('select', { 'aria-label': 'Filter by outcome', onchange: () => load() },
        el('option', { value: '', text: 'all outcomes' }), el('option', { value: 'allowed', text: 'allowed' }),
        el('option', { value: 'denied', text: 'denied' }));
    const total = el('span', { class: 'muted' });
    const chart = document.createElementNS(SVG, 'svg');
    chart.classList.add('chart');
    chart.setAttribute('role', 'img');

    const startLoad = newestOnly();
    async function load() {
        const current = startLoad();
        const page = await api('GET', `/api-keys/${keyId}/usage?size=100${outcome.value ? `&outcome=${outcome.value}` : ''}`);
        if (!current()) return;
        total.textContent = `${page.total} attempts`;
        list.replaceChildren(...page.entries.map(entry => el('tr', { 'data-outcome': entry.outcome },
            el('td', { text: when(entry.at) }),
            el('td', {}, el('span', { class: `status status-${entry.outcome === 'allowed' ? 'active' : 'failed'}`, text: entry.outcome }),
                ' ', el('span', { class: 'muted', text: entry.reason })),
            el('td', { class: 'mono', text: `${entry.method} ${entry.path}` }),
            el('td', { class: 'optional', text: `${entry.clientIp} · ${entry.userAgent || ''}` }),
            el('td', { class: 'optional muted', text: entry.detail || '' }))));
        if (page.entries.length === 0) list.append(el('tr', {}, el('td', { colspan: 5, class: 'muted', text: 'No attempts.' })));
        const days = await api('GET', `/api-keys/${keyId}/usage/daily`);
        if (current()) drawChart(days);
    }

    function drawChart(days) {
        const shown = days.slice(-14);
        const width = 640, height = 140, bottom = 120;
        chart.setAttribute('viewBox', `0 0 ${width} ${height}`);
        chart.setAttribute('aria-label', shown.map(day => `${day.day}: ${day.allowed} allowed, ${day.denied} denied`).join('; ') || 'no attempts yet');
        chart.replaceChildren();
        const most = Math.max(1, ...shown.map(day => day.allowed + day.denied));
        const slot = width / Math.max(shown.length, 1);
        shown.forEach((day, index) => {
            const barWidth = Math.min(36, Math.max(6, slot - 10)), x = index * Math.min(slot, 48) + 4;
            const allowed = (day.allowed / most) * (bottom - 10), denied = (day.denied / most) * (bottom - 10);
            chart.append(rect(x, bottom - allowed, barWidth, allowed, 'bar-allowed', `${day.day}: ${day.allowed} allowed`));
            chart.append(rect(x, bottom - allowed - denied, barWidth, denied, 'bar-denied', `${day.day}: ${day.denied} denied`));
            const label = document.createElementNS(SVG, 'text');
            label.setAttribute('x', x);
            label.setAttribute('y', bottom + 14);
            label.textContent = day.day.slice(5);
            chart.append(label);
        });
    }

    function rect(x, y, width, height, kind, title) {
        const bar = document.createElementNS(SVG, 'rect');
        Object.entries({ x, y, width, height, class: kind }).forEach(([k, v]) => bar.setAttribute(k, v));
        const tip = document.createElementNS(SVG, 'title');
        tip.textContent = title;
        bar.append(tip);
        return bar;
    }

    view.replaceChildren(
        el('p', {}, el('a', { href: '#/keys', text: '← API keys' })),
        el('h1', { text: `Usage of “${key.name}”` }),
        el('p', { class: 'muted' }, el('span', { class: 'mono', text: `${key.prefix}… ` }),
            el('span', { class: `status status-${key.status}`, text: key.status }), ` · last used ${when(key.lastUsedAt)}`),
        el('section', { class: 'card' }, el('h2', { text: 'Attempts per day' }), chart),
        el('section', { class: 'card' }, el('div', { class: 'actions' }, el('h2', { text: 'Audit trail' }), outcome, total),
            el('div', { class: 'table-wrap' }, el('table', {},
                el('thead', {}, el('tr', {}, el('th', { text: 'When' }), el('th', { text: 'Outcome' }), el('th', { text: 'Request' }),
                    el('th', { class: 'optional', text: 'Client' }), el('th', { class: 'optional', text: 'Detail' }))),
                list))));
    await load();
}
