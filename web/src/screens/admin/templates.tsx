import { useEffect, useState } from 'preact/hooks';
import { api, ApiFailure } from '../../api.js';
import { templateProblems, type DepartmentTemplates, type Language, type MailTemplate, type TemplateKind } from '../../../../src/desk/templates.js';
import { field } from './shared.js';
import { useContentWords, type ContentWord } from './content-words.js';

// The desk's own mails per department (src/http/routes/templates.ts): language, closing mail
// on/off, and per kind and language a subject and text, each either the department's own or
// the built-in one. What the server refuses (an unknown placeholder) is shown on the field.

interface KindInfo {
  kind: TemplateKind;
  placeholders: string[];
  defaults: Record<Language, MailTemplate>;
}

interface DepartmentView extends DepartmentTemplates {
  departmentId: string;
  name: string;
}

interface TemplatesView {
  panelUrl: string;
  languages: Language[];
  kinds: KindInfo[];
  departments: DepartmentView[];
}

type Drafts = Partial<Record<TemplateKind, Partial<Record<Language, MailTemplate>>>>;
/** Problems per field, keyed "kind.lang.subject" / "kind.lang.text". */
type FieldErrors = Record<string, string[]>;

export function Templates() {
  const w = useContentWords();
  const [view, setView] = useState<TemplatesView | null>(null);
  const [departmentId, setDepartmentId] = useState('');
  const [error, setError] = useState('');
  const [urlSaved, setUrlSaved] = useState(false);

  useEffect(() => {
    api<TemplatesView>('/templates').then((v) => {
      setView(v);
      setDepartmentId((d) => d || v.departments[0]?.departmentId || '');
    }, (err: Error) => setError(err.message));
  }, []);

  const savePanelUrl = async (e: Event) => {
    e.preventDefault();
    setError('');
    setUrlSaved(false);
    try {
      setView(await api<TemplatesView>('/templates', { method: 'PUT', json: { panelUrl: field(e.currentTarget as HTMLFormElement, 'panelUrl') } }));
      setUrlSaved(true);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  if (!view) return error ? <p class="error" role="alert">{error}</p> : <p class="loading">…</p>;
  const department = view.departments.find((d) => d.departmentId === departmentId);
  const replaced = (d: DepartmentView) => setView({ ...view, departments: view.departments.map((x) => (x.departmentId === d.departmentId ? d : x)) });

  return (
    <section aria-labelledby="templates-title">
      <h2 id="templates-title">{w('templates')}</h2>
      <p class="hint">{w('templatesHint')}</p>
      <form class="admin-form wide" onSubmit={savePanelUrl} aria-label={w('panelUrl')}>
        <label>
          {w('panelUrl')}
          <input name="panelUrl" type="url" defaultValue={view.panelUrl} maxLength={300} placeholder="https://desk.example.com" aria-describedby="panel-url-hint" />
        </label>
        <p id="panel-url-hint" class="hint">{w('panelUrlHint')}</p>
        {error && <p class="error" role="alert">{error}</p>}
        <div class="actions">
          <button type="submit">{w('save')}</button>
          {urlSaved && <p class="ok" role="status">{w('saved')}</p>}
        </div>
      </form>
      {view.departments.length === 0 ? <p class="empty">{w('noDepartments')}</p> : (
        <label class="pick-department">
          {w('department')}
          <select value={departmentId} onChange={(e) => setDepartmentId((e.currentTarget as HTMLSelectElement).value)}>
            {view.departments.map((d) => <option key={d.departmentId} value={d.departmentId}>{d.name}</option>)}
          </select>
        </label>
      )}
      {department && <DepartmentForm key={department.departmentId} view={view} department={department} onSaved={replaced} />}
    </section>
  );
}

/** The drafts a form starts from: the department's own text where it has one, else the built-in. */
const startingDrafts = (view: TemplatesView, d: DepartmentView): Drafts =>
  Object.fromEntries(view.kinds.map((k) => [k.kind, Object.fromEntries(view.languages.map((l) => [l, d.templates[k.kind]?.[l] ?? k.defaults[l]]))]));

const same = (a: MailTemplate | undefined, b: MailTemplate | undefined) => !!a && !!b && a.subject === b.subject && a.text === b.text;

function DepartmentForm({ view, department, onSaved }: { view: TemplatesView; department: DepartmentView; onSaved: (d: DepartmentView) => void }) {
  const w = useContentWords();
  const [drafts, setDrafts] = useState<Drafts>(() => startingDrafts(view, department));
  const [language, setLanguage] = useState<Language>(department.language);
  const [closingMail, setClosingMail] = useState(department.closingMail);
  const [error, setError] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [saved, setSaved] = useState(false);
  const kindName = (k: TemplateKind) => w(`kind.${k}` as ContentWord);
  const langName = (l: Language) => w(`lang.${l}` as ContentWord);

  const edit = (kind: TemplateKind, lang: Language, part: keyof MailTemplate, value: string) => {
    setSaved(false);
    setDrafts((d) => ({ ...d, [kind]: { ...d[kind], [lang]: { ...d[kind]![lang]!, [part]: value } } }));
  };

  /** Only what changed goes to the server: an untouched built-in text stays built-in. */
  const changedTemplates = () => {
    const out: Drafts = {};
    for (const k of view.kinds) {
      for (const l of view.languages) {
        const draft = drafts[k.kind]?.[l];
        const own = department.templates[k.kind]?.[l];
        if (!draft || same(draft, own ?? k.defaults[l])) continue;
        (out[k.kind] ??= {})[l] = draft;
      }
    }
    return out;
  };

  const send = async (templates: Record<string, Record<string, MailTemplate | null>>, next: Drafts | null) => {
    setError('');
    setFieldErrors({});
    setSaved(false);
    try {
      const body = { language, closingMail, ...(Object.keys(templates).length ? { templates } : {}) };
      const result = await api<DepartmentView>(`/templates/${department.departmentId}`, { method: 'PUT', json: body });
      onSaved(result);
      setDrafts(next ?? startingDrafts(view, result));
      setSaved(true);
    } catch (err) {
      if (err instanceof ApiFailure && (err.code === 'unknown_placeholder' || err.code === 'invalid_template')) {
        // The server checks with the same pure function: run it per field to say which one.
        const found: FieldErrors = {};
        for (const [kind, langs] of Object.entries(templates) as Array<[TemplateKind, Record<Language, MailTemplate | null>]>) {
          for (const [lang, t] of Object.entries(langs) as Array<[Language, MailTemplate | null]>) {
            if (!t) continue;
            for (const part of ['subject', 'text'] as const) {
              const problems = templateProblems(kind, lang, { subject: part === 'subject' ? t.subject : '', text: part === 'text' ? t.text : '' });
              if (problems.length) found[`${kind}.${lang}.${part}`] = problems;
            }
          }
        }
        setFieldErrors(found);
      }
      setError((err as Error).message);
    }
  };

  const save = (e: Event) => {
    e.preventDefault();
    void send(changedTemplates(), null);
  };

  const reset = (kind: TemplateKind, lang: Language) => {
    if (!confirm(w('resetConfirm', { kind: kindName(kind), lang: langName(lang) }))) return;
    const info = view.kinds.find((k) => k.kind === kind)!;
    // Other unsaved edits stay in the form.
    void send({ [kind]: { [lang]: null } }, { ...drafts, [kind]: { ...drafts[kind], [lang]: info.defaults[lang] } });
  };

  const id = (kind: string, lang: string, part: string) => `tpl-${kind}-${lang}-${part}`;
  return (
    <form class="admin-form wide templates" onSubmit={save} aria-label={w('templatesOf', { name: department.name })}>
      <h3>{w('templatesOf', { name: department.name })}</h3>
      <label>
        {w('customerLanguage')}
        <select value={language} aria-describedby="tpl-language-hint" onChange={(e) => setLanguage((e.currentTarget as HTMLSelectElement).value as Language)}>
          {view.languages.map((l) => <option key={l} value={l}>{langName(l)}</option>)}
        </select>
      </label>
      <p id="tpl-language-hint" class="hint">{w('customerLanguageHint')}</p>
      <label class="inline">
        <input type="checkbox" checked={closingMail} onChange={(e) => setClosingMail((e.currentTarget as HTMLInputElement).checked)} />
        {w('closingMail')}
      </label>
      {view.kinds.map((k) => (
        <fieldset key={k.kind}>
          <legend>{kindName(k.kind)}</legend>
          <p class="hint">{w('placeholdersOf')} {k.placeholders.map((p, i) => <span key={p}>{i > 0 && ', '}<code>{`{{${p}}}`}</code></span>)}</p>
          {view.languages.map((l) => {
            const own = department.templates[k.kind]?.[l];
            const draft = drafts[k.kind]?.[l] ?? k.defaults[l];
            const names = { kind: kindName(k.kind), lang: langName(l) };
            return (
              <div key={l} class="part" data-template={`${k.kind}.${l}`}>
                <p><strong>{langName(l)}</strong> · <span>{own ? w('ownText') : w('builtInText')}</span></p>
                {(['subject', 'text'] as const).map((part) => {
                  const problems = fieldErrors[`${k.kind}.${l}.${part}`];
                  const errorId = `${id(k.kind, l, part)}-error`;
                  const props = {
                    id: id(k.kind, l, part),
                    value: draft[part],
                    required: true,
                    'aria-invalid': problems ? ('true' as const) : undefined,
                    'aria-describedby': problems ? errorId : undefined,
                    'aria-label': w(part === 'subject' ? 'subjectOf' : 'textOf', names),
                    onInput: (e: Event) => edit(k.kind, l, part, (e.currentTarget as HTMLInputElement).value),
                  };
                  return (
                    <div key={part} class="template-field">
                      <label for={props.id}>{w(part)}</label>
                      {part === 'subject' ? <input type="text" maxLength={300} {...props} /> : <textarea rows={8} maxLength={20_000} {...props} />}
                      {problems && <p id={errorId} class="error field-error">{problems.join(' ')}</p>}
                    </div>
                  );
                })}
                <details>
                  <summary>{w('showBuiltIn')}</summary>
                  <pre class="built-in">{`${k.defaults[l].subject}\n\n${k.defaults[l].text}`}</pre>
                </details>
                {own && <button type="button" aria-label={w('resetOf', names)} onClick={() => reset(k.kind, l)}>{w('resetBuiltIn')}</button>}
              </div>
            );
          })}
        </fieldset>
      ))}
      {error && <p class="error" role="alert">{error}</p>}
      <div class="actions">
        <button type="submit" class="primary">{w('save')}</button>
        {saved && <p class="ok" role="status">{w('saved')}</p>}
      </div>
    </form>
  );
}
