import { useI18n } from '../../i18n.js';

// A backup of the running desk, in one click: the browser downloads GET /api/v1/backup (a
// consistent snapshot, see src/backup/write.ts) with the session cookie; the API checks
// the admin role. Restoring is `mxdesk restore` on a stopped, empty data dir.

const en = {
  backup: 'Backup',
  intro: 'A backup holds every ticket, every mail and the key that opens the stored relay passwords: keep it somewhere safe. It is taken while mxdesk runs; nothing stops.',
  download: 'Download a backup',
  restore: 'To restore: stop mxdesk, then run "mxdesk verify FILE" and "mxdesk restore FILE" with an empty data dir.',
};
const es: typeof en = {
  backup: 'Copia de seguridad',
  intro: 'Una copia contiene todos los tickets, todos los correos y la clave que abre las contraseñas de relé guardadas: guárdela en un lugar seguro. Se hace con mxdesk en marcha; nada se detiene.',
  download: 'Descargar una copia de seguridad',
  restore: 'Para restaurar: detenga mxdesk y ejecute "mxdesk verify ARCHIVO" y "mxdesk restore ARCHIVO" con un directorio de datos vacío.',
};

export function Backup() {
  const { lang } = useI18n();
  const w = lang === 'es' ? es : en;
  return (
    <section aria-labelledby="backup-title">
      <h2 id="backup-title">{w.backup}</h2>
      <p>{w.intro}</p>
      <p><a class="button primary" href="/api/v1/backup" download>{w.download}</a></p>
      <p>{w.restore}</p>
    </section>
  );
}
