// Sign up and log in. The token lives in this tab's session storage only.
import { api, session } from './api.js';
import { busy, el, formValues } from './ui.js';

export function authView(view, mode) {
    const signup = mode === 'signup';
    const form = el('form', { class: 'card auth-form', 'aria-label': signup ? 'Sign up' : 'Log in' },
        signup ? el('label', {}, 'Organization', el('input', { name: 'organization', required: true, autocomplete: 'organization' })) : null,
        el('label', {}, 'Email', el('input', { name: 'email', type: 'email', required: true, autocomplete: 'email' })),
        el('label', {}, 'Password', el('input', { name: 'password', type: 'password', required: true, minlength: 8,
            autocomplete: signup ? 'new-password' : 'current-password' })),
        el('div', { class: 'actions' }, el('button', { type: 'submit', text: signup ? 'Create organization' : 'Log in' })));
    form.addEventListener('submit', async event => {
        event.preventDefault();
        const values = formValues(form);
        const answer = await busy(form.querySelector('button'), form,
            () => api('POST', signup ? '/auth/signup' : '/auth/login', values));
        if (answer) {
            session.token = answer.token;
            location.hash = '#/items';
        }
    });
    view.replaceChildren(el('section', { class: 'card auth' },
        el('h1', { text: signup ? 'Create your organization' : 'Log in to Keyhook' }),
        form,
        el('p', { class: 'muted' }, signup ? 'Already have an account? ' : 'New here? ',
            el('a', { href: signup ? '#/login' : '#/signup', text: signup ? 'Log in' : 'Sign up' }))));
    form.querySelector('input').focus();
}

export async function whoAmI() {
    return api('GET', '/auth/me');
}
