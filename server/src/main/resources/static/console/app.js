// The console: a hash router over a few views, all speaking the public REST API with the user's token.
import { session } from './api.js';
import { authView, whoAmI } from './auth.js';
import { itemsView } from './items.js';
import { keysView } from './keys.js';
import { timelineView } from './timeline.js';
import { usageView } from './usage.js';
import { webhooksView } from './webhooks.js';
import { el, showProblem } from './ui.js';

const view = document.getElementById('view');
const routes = { items: itemsView, keys: keysView, webhooks: webhooksView };
let stopCurrent = null;

async function render() {
    if (stopCurrent) {
        stopCurrent();
        stopCurrent = null;
    }
    const page = currentPage();
    const detail = location.hash.replace(/^#\/?/, '').split('/')[1];
    if (page === 'login' || page === 'signup' || !session.token) {
        showIdentity(null);
        authView(view, page === 'signup' ? 'signup' : 'login');
        return;
    }
    try {
        const me = await whoAmI();
        showIdentity(me);
        const show = page === 'webhooks' && detail ? timelineView
            : page === 'keys' && detail ? usageView
            : routes[page] || itemsView;
        const stop = await show(view, me, detail);
        if (typeof stop === 'function') stopCurrent = stop;
    } catch (error) {
        if (session.token) {
            const note = el('p');
            view.replaceChildren(note);
            showProblem(note, error);
        }
    }
}

function showIdentity(me) {
    document.getElementById('nav').hidden = !me;
    document.getElementById('who').hidden = !me;
    if (!me) return;
    document.getElementById('who-org').textContent = me.organizationName;
    document.getElementById('who-email').textContent = me.email;
    document.getElementById('who-role').textContent = me.role;
    const page = currentPage();
    for (const link of document.querySelectorAll('[data-nav]')) {
        if (link.dataset.nav === page) link.setAttribute('aria-current', 'page');
        else link.removeAttribute('aria-current');
    }
}

function currentPage() {
    return location.hash.replace(/^#\/?/, '').split('/')[0] || 'items';
}

document.getElementById('logout').addEventListener('click', () => {
    session.token = null;
    location.hash = '#/login';
});
window.addEventListener('hashchange', render);
render();
