// One subscription's deliveries: a time axis with every attempt as a mark coloured by outcome, a
// filterable list with redelivery, and live updates from the server-sent-event stream.
import { api, session } from './api.js';
import { busy, el, when } from './ui.js';

const SVG = 'http://www.w3.org/2000/svg';
const ROWS = 20;

export async function timelineView(view, me, subscriptionId) {
    const subscription = await api('GET', `/webhooks/${subscriptionId}`);
    const deliveries = new Map();
    const axis = document.createElementNS(SVG, 'svg');
    axis.setAttribute('role', 'img');
    axis.setAttribute('aria-label', 'Delivery attempts over time');
    axis.classList.add('timeline');
    const details = el('div', { class: 'attempt-details', role: 'status' }, 'Hover or click a mark for its attempt.');
    const list = el('tbody');
    const filter = el('select', { 'aria-label': 'Filter by status', onchange: () => drawList() },
        ...['all', 'pending', 'retrying', 'succeeded', 'failed'].map(status => el('option', { value: status, text: status })));
    const live = el('span', { class: 'muted', role: 'status', text: 'connecting…' });

    const page = await api('GET', `/webhooks/${subscriptionId}/deliveries?size=100`);
    page.deliveries.forEach(delivery => deliveries.set(delivery.id, delivery));

    function sorted() {
        return [...deliveries.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    }

    function drawAxis() {
        const shown = sorted().slice(0, ROWS);
        const width = 900, rowHeight = 22, top = 24;
        const height = top + Math.max(1, shown.length) * rowHeight + 8;
        axis.setAttribute('viewBox', `0 0 ${width} ${height}`);
        axis.replaceChildren();
        if (shown.length === 0) return;
        const times = shown.flatMap(d => [Date.parse(d.createdAt), ...d.attempts.map(a => Date.parse(a.at)),
            d.nextAttemptAt ? Date.parse(d.nextAttemptAt) : Date.parse(d.createdAt)]);
        const start = Math.min(...times), end = Math.max(Date.now(), ...times);
        const x = time => 170 + (width - 190) * ((time - start) / Math.max(1, end - start));
        axis.append(text(170, 14, new Date(start).toLocaleTimeString()), text(width - 80, 14, new Date(end).toLocaleTimeString()));
        shown.forEach((delivery, index) => {
            const y = top + index * rowHeight + rowHeight / 2;
            axis.append(text(4, y + 4, `${delivery.eventType} · ${delivery.status}`));
            const line = document.createElementNS(SVG, 'line');
            Object.entries({ x1: 170, x2: width - 10, y1: y, y2: y, class: 'lane' }).forEach(([k, v]) => line.setAttribute(k, v));
            axis.append(line);
            for (const attempt of delivery.attempts) {
                axis.append(mark(x(Date.parse(attempt.at)), y, attempt.succeeded ? 'ok' : 'bad', describe(delivery, attempt)));
            }
            if (delivery.nextAttemptAt && (delivery.status === 'retrying' || delivery.status === 'pending')) {
                axis.append(mark(x(Date.parse(delivery.nextAttemptAt)), y, 'next', `${delivery.id}: next attempt due ${when(delivery.nextAttemptAt)}`));
            }
        });
    }

    function text(x, y, content) {
        const node = document.createElementNS(SVG, 'text');
        node.setAttribute('x', x);
        node.setAttribute('y', y);
        node.textContent = content;
        return node;
    }

    function mark(cx, cy, kind, description) {
        const circle = document.createElementNS(SVG, 'circle');
        Object.entries({ cx, cy, r: 6, class: `mark mark-${kind}`, tabindex: 0 }).forEach(([k, v]) => circle.setAttribute(k, v));
        const title = document.createElementNS(SVG, 'title');
        title.textContent = description;
        circle.append(title);
        const show = () => { details.textContent = description; };
        circle.addEventListener('mouseenter', show);
        circle.addEventListener('click', show);
        circle.addEventListener('focus', show);
        return circle;
    }

    function describe(delivery, attempt) {
        return `${delivery.id} attempt ${attempt.number} at ${when(attempt.at)} (due ${when(attempt.dueAt)}): `
            + `${attempt.statusCode ?? 'no answer'} in ${attempt.durationMs} ms`
            + `${attempt.error ? ' — ' + attempt.error : ''}${attempt.responseBody ? ' — answer: ' + attempt.responseBody : ''}`;
    }

    function drawList() {
        const wanted = filter.value;
        const rows = sorted().filter(delivery => wanted === 'all' || delivery.status === wanted).map(delivery => {
            const last = delivery.attempts[delivery.attempts.length - 1];
            const actions = el('div', { class: 'actions' });
            if (delivery.status !== 'succeeded') {
                const redeliver = el('button', { type: 'button', class: 'secondary', text: 'Redeliver', onclick: () =>
                    busy(redeliver, actions, () => api('POST', `/deliveries/${delivery.id}/redeliver`)) });
                actions.append(redeliver);
            }
            return el('tr', { 'data-delivery': delivery.id, 'data-status': delivery.status },
                el('td', { text: when(delivery.createdAt) }),
                el('td', { class: 'mono', text: delivery.eventType }),
                el('td', {}, el('span', { class: `status status-${delivery.status}`, text: delivery.status }),
                    delivery.failureReason ? el('div', { class: 'muted', text: delivery.failureReason }) : null),
                el('td', { class: 'optional', text: `${delivery.attempts.length}${last ? ` · last ${last.statusCode ?? last.error}` : ''}` }),
                el('td', {}, actions));
        });
        list.replaceChildren(...rows);
        if (rows.length === 0) list.append(el('tr', {}, el('td', { colspan: 5, class: 'muted', text: 'No deliveries.' })));
    }

    function redraw() {
        drawAxis();
        drawList();
    }

    view.replaceChildren(
        el('p', {}, el('a', { href: '#/webhooks', text: '← Webhooks' })),
        el('h1', { text: `Deliveries to ${subscription.url}` }),
        el('p', { class: 'muted' }, subscription.active ? 'Active' : `Disabled: ${subscription.disabledReason || ''}`, ' · ', live),
        el('section', { class: 'card' }, el('h2', { text: 'Timeline' }), axis, details),
        el('section', { class: 'card' }, el('div', { class: 'actions' }, el('h2', { text: 'Deliveries' }), filter),
            el('div', { class: 'table-wrap' }, el('table', {},
                el('thead', {}, el('tr', {}, el('th', { text: 'Created' }), el('th', { text: 'Event' }), el('th', { text: 'Status' }),
                    el('th', { class: 'optional', text: 'Attempts' }), el('th', { text: '' }))),
                list))));
    redraw();
    return follow(subscriptionId, delivery => {
        deliveries.set(delivery.id, delivery);
        redraw();
    }, state => { live.textContent = state; });
}

/**
 * Reads the server-sent-event stream with the login token (EventSource cannot send one); returns a
 * stop function. A dropped stream is reopened with growing pauses (2 s up to 30 s); an answer that
 * will not change by asking again ends it: 401 logs out, 403 and 404 say why and stop.
 */
function follow(subscriptionId, onDelivery, onState) {
    const stop = new AbortController();
    (async () => {
        let pause = 2000;
        while (!stop.signal.aborted) {
            try {
                const response = await fetch(`/api/v1/webhooks/${subscriptionId}/deliveries/stream`, {
                    headers: { Authorization: `Bearer ${session.token}`, Accept: 'text/event-stream' }, signal: stop.signal,
                });
                if (response.status === 401) {
                    session.token = null;
                    location.hash = '#/login';
                    return;
                }
                if (response.status === 403 || response.status === 404) {
                    onState(response.status === 404 ? 'stopped: this subscription no longer exists'
                        : 'stopped: not allowed to watch this subscription');
                    return;
                }
                if (!response.ok) throw new Error(`stream answered ${response.status}`);
                onState('live');
                pause = 2000;
                const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
                let buffer = '';
                for (;;) {
                    const { value, done } = await reader.read();
                    if (done) break;
                    buffer += value;
                    let end;
                    while ((end = buffer.indexOf('\n\n')) >= 0) {
                        const event = buffer.slice(0, end);
                        buffer = buffer.slice(end + 2);
                        const data = event.split('\n').filter(line => line.startsWith('data:')).map(line => line.slice(5)).join('\n');
                        if (data) onDelivery(JSON.parse(data));
                    }
                }
            } catch (error) {
                if (stop.signal.aborted) return;
            }
            onState('reconnecting…');
            await new Promise(resolve => setTimeout(resolve, pause));
            pause = Math.min(pause * 2, 30000);
        }
    })();
    return () => stop.abort();
}
