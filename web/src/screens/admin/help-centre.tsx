import { useEffect, useState } from 'preact/hooks';
import { api, ApiFailure } from '../../api.js';
import type { CustomFieldDefinition } from '../../../../src/desk/custom-fields.js';
import { changer, field, fieldNumber, useList } from './shared.js';
import { useContentWords } from './content-words.js';

// The help centre (src/http/routes/help-centre-settings.ts): the public address and portal
// link lifetime, a public page per department, and which custom fields customers fill in on
// those pages (the `public` flag of /custom-fields).

interface Page {
  departmentId: string;
  departmentName: string;
  enabled: boolean;
  slug: string;
  title: string;
  intro: string;
  path: string;
}

interface HelpCentreView {
  publicUrl: string;
  portalLinkDays: number;
  pages: Page[];
}

export function HelpCentre() {
  const w = useContentWords();
  const [view, setView] = useState<HelpCentreView | null>(null);
  const [error, setError] = useState('');
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    api<HelpCentreView>('/help-centre').then(setView, (err: Error) => setError(err.message));
  }, []);

  const saveSettings = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    setError('');
    setSaved(false);
    try {
      setView(await api<HelpCentreView>('/help-centre', { method: 'PATCH', json: { publicUrl: field(form, 'publicUrl'), portalLinkDays: fieldNumber(form, 'portalLinkDays') ?? 30 } }));
      setSaved(true);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  if (!view) return error ? <p class="error" role="alert">{error}</p> : <p class="loading">…</p>;
  const pageSaved = (p: Page) => setView({ ...view, pages: view.pages.map((x) => (x.departmentId === p.departmentId ? p : x)) });
  return (
    <section aria-labelledby="help-centre-title">
      <h2 id="help-centre-title">{w('helpCentre')}</h2>
      <p class="hint">{w('helpCentreHint')}</p>
      <form class="admin-form wide" onSubmit={saveSettings} aria-label={w('helpCentre')}>
        <label>{w('publicUrl')}<input name="publicUrl" type="url" defaultValue={view.publicUrl} maxLength={300} placeholder="https://help.example.com" /></label>
        <label>{w('portalLinkDays')}<input name="portalLinkDays" type="number" min={1} max={365} required defaultValue={String(view.portalLinkDays)} /></label>
        {error && <p class="error" role="alert">{error}</p>}
        <div class="actions">
          <button type="submit">{w('save')}</button>
          {saved && <p class="ok" role="status">{w('saved')}</p>}
        </div>
      </form>
      <h3>{w('pages')}</h3>
      {view.pages.length === 0 && <p class="empty">{w('noDepartments')}</p>}
      {view.pages.map((p) => <PageForm key={p.departmentId} page={p} onSaved={pageSaved} />)}
      <PublicFields />
    </section>
  );
}

function PageForm({ page, onSaved }: { page: Page; onSaved: (p: Page) => void }) {
  const w = useContentWords();
  const [error, setError] = useState('');
  const [slugError, setSlugError] = useState('');
  const [saved, setSaved] = useState(false);
  const prefix = `page-${page.departmentId}`;

  const save = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    setError('');
    setSlugError('');
    setSaved(false);
    try {
      const body = { enabled: new FormData(form).get('enabled') === 'on', slug: field(form, 'slug'), title: field(form, 'title'), intro: String(new FormData(form).get('intro') ?? '') };
      onSaved(await api<Page>(`/help-centre/pages/${page.departmentId}`, { method: 'PUT', json: body }));
      setSaved(true);
    } catch (err) {
      if (err instanceof ApiFailure && err.code.startsWith('slug_')) setSlugError(err.message);
      else setError((err as Error).message);
    }
  };

  return (
    <form class="admin-form wide" onSubmit={save} aria-label={w('pageOf', { name: page.departmentName })} data-department={page.departmentId}>
      <fieldset>
        <legend>{page.departmentName}</legend>
        <label class="inline"><input type="checkbox" name="enabled" defaultChecked={page.enabled} />{w('pageEnabled')}</label>
        {/* One box whatever the error: an element appearing among the fields made Preact
            rebuild the title field after it, losing what the admin had typed there. */}
        <div class="field-with-hint">
          <label>
            {w('slug')}
            <input
              name="slug" type="text" required maxLength={40} defaultValue={page.slug}
              aria-invalid={slugError ? 'true' : undefined}
              aria-describedby={slugError ? `${prefix}-slug-hint ${prefix}-slug-error` : `${prefix}-slug-hint`}
            />
          </label>
          <p id={`${prefix}-slug-hint`} class="hint">{w('slugHint')}</p>
          {slugError && <p id={`${prefix}-slug-error`} class="error field-error">{slugError}</p>}
        </div>
        <label>{w('pageTitle')}<input name="title" type="text" required maxLength={120} defaultValue={page.title} /></label>
        <label>{w('intro')}<textarea name="intro" rows={4} maxLength={4000} defaultValue={page.intro} /></label>
        {error && <p class="error" role="alert">{error}</p>}
        <div class="actions">
          <button type="submit">{w('save')}</button>
          {saved && <p class="ok" role="status">{w('saved')}</p>}
        </div>
        {/* Only a page that is on has anything to show; it opens apart, being the customers' view. */}
        {page.enabled && <a href={page.path} target="_blank" rel="noopener">{w('openPage', { name: page.departmentName })}</a>}
      </fieldset>
    </form>
  );
}

/** Each custom field's `public` flag, switched at once. */
function PublicFields() {
  const w = useContentWords();
  const { items, error, setError, reload } = useList<CustomFieldDefinition>('/custom-fields');
  const run = changer(setError, reload);
  return (
    <section aria-labelledby="public-fields-title">
      <h3 id="public-fields-title">{w('publicFields')}</h3>
      <p class="hint">{w('publicFieldsHint')}</p>
      {error && <p class="error" role="alert">{error}</p>}
      {items?.length === 0 && <p class="empty">{w('noFields')}</p>}
      <ul class="plain-list">
        {(items ?? []).map((f) => (
          <li key={f.key}>
            <label class="inline">
              <input
                type="checkbox" checked={!!f.public} aria-label={w('publicOf', { name: f.label })}
                onChange={(e) => run(() => api(`/custom-fields/${f.key}`, { method: 'PATCH', json: { public: (e.currentTarget as HTMLInputElement).checked } }))}
              />
              {f.label} <code>{f.key}</code>
            </label>
          </li>
        ))}
      </ul>
    </section>
  );
}
