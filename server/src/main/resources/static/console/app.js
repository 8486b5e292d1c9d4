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
let renders = 0;

/**
 * Each render builds its page in a container of its own and shows it only if no newer render began
 * meanwhile (a slow answer for a page left behind must not replace the page now asked for); a page
 * left behind before it was shown is stopped at once.
 */
async function render() {
    const generation = ++renders;
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
    const target = el('div');
    try {
        const me = await whoAmI();
        if (generation !== renders) return;
        showIdentity(me);
        const show = page === 'webhooks' && detail ? timelineView
            : page === 'keys' && detail ? usageView
            : routes[page] || itemsView;
        const stop = await show(target, me, detail);
        if (generation !== renders) {
            if (typeof stop === 'function') stop();
            return;
        }
        view.replaceChildren(target);
        if (typeof stop === 'function') stopCurrent = stop;
    } catch (error) {
        if (session.token && generation === renders) {
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
