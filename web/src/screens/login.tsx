import { useState } from 'preact/hooks';
import { api, ApiFailure, type Me } from '../api.js';
import { useI18n } from '../i18n.js';

export function Login({ onLoggedIn }: { onLoggedIn: (me: Me) => void }) {
  const { t } = useI18n();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    setError('');
    try {
      const r = await api<{ user: Me }>('/auth/login', { method: 'POST', json: { email: form.get('email'), password: form.get('password') } });
      onLoggedIn(r.user);
    } catch (err) {
      setError(err instanceof ApiFailure && err.status === 401 ? t('login.failed') : t('app.error', { message: (err as Error).message }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="login card" onSubmit={submit} aria-describedby={error ? 'login-error' : undefined}>
      <h1>{t('login.title')}</h1>
      <label>
        {t('login.email')}
        <input name="email" type="email" autoComplete="username" required autoFocus />
      </label>
      <label>
        {t('login.password')}
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      {error && <p id="login-error" class="error" role="alert">{error}</p>}
      <button type="submit" class="primary" disabled={busy}>{t('login.submit')}</button>
    </form>
  );
}
