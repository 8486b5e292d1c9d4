// Small DOM helpers: build elements, show a problem beside a form, keep a button busy while it works.

export function el(tag, attributes = {}, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
        if (value === undefined || value === null || value === false) continue;
        if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
        else if (name === 'text') element.textContent = value;
        else element.setAttribute(name, value === true ? '' : value);
    }
    for (const child of children.flat()) {
        if (child !== null && child !== undefined) element.append(child instanceof Node ? child : String(child));
    }
    return element;
}

/**
 * For a view that loads more than once (after each change, on each filter): each call of the
 * returned function starts a load and gives back a check that says whether that load is still the
 * newest. An answer that arrives after a newer request's must not overwrite it.
 */
export function newestOnly() {
    let newest = 0;
    return () => {
        const mine = ++newest;
        return () => mine === newest;
    };
}

/** Shows an API problem (title and detail, and each invalid field) right after the given element. */
export function showProblem(after, error) {
    clearProblem(after);
    const problem = error.problem || { title: 'Something went wrong', detail: error.message };
    const box = el('div', { class: 'problem', role: 'alert' },
        el('strong', { text: problem.title || 'Error' }),
        el('span', { text: problem.detail || '' }));
    after.after(box);
    after.problemBox = box;
}

export function clearProblem(after) {
    if (after.problemBox) {
        after.problemBox.remove();
        after.problemBox = null;
    }
}

/** Runs an action with the button disabled and its label showing progress; problems land beside the form. */
export async function busy(button, form, action) {
    const label = button.textContent;
    button.disabled = true;
    button.textContent = `${label}…`;
    clearProblem(form);
    try {
        return await action();
    } catch (error) {
        showProblem(form, error);
        return undefined;
    } finally {
        button.disabled = false;
        button.textContent = label;
    }
}

export function when(instant) {
    return instant ? new Date(instant).toLocaleString() : '—';
}

export function formValues(form) {
    return Object.fromEntries(new FormData(form).entries());
}

/** The one time a secret is visible: a dialog with it, a copy button and a warning. */
export function showSecretOnce(title, secret, warning, id) {
    const copied = el('span', { class: 'muted', role: 'status' });
    const dialog = el('dialog', { 'aria-label': title },
        el('h2', { text: title }),
        el('p', { class: 'warning', text: warning }),
        el('code', { class: 'secret', id, text: secret }),
        el('div', { class: 'actions' },
            el('button', { type: 'button', text: 'Copy', onclick: async () => {
                try {
                    await navigator.clipboard.writeText(secret);
                    copied.textContent = 'Copied.';
                } catch {
                    getSelection().selectAllChildren(dialog.querySelector('code'));
                    copied.textContent = 'Selected: press Ctrl+C to copy.';
                }
            } }),
            el('button', { type: 'button', class: 'secondary', text: 'Done', onclick: () => dialog.close() }),
            copied));
    dialog.addEventListener('close', () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
    return dialog;
}
