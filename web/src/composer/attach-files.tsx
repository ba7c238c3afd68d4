import { useI18n } from '../i18n.js';
import { formatSize } from '../format.js';

/** The file input and the list of files a mail will carry (the form itself takes drops). */
export function AttachFiles({ files, onChange }: { files: File[]; onChange: (files: File[]) => void }) {
  const { t } = useI18n();
  return (
    <div class="drop">
      <label>
        {t('compose.attach')}
        <input type="file" multiple onChange={(e) => onChange([...files, ...Array.from((e.currentTarget as HTMLInputElement).files ?? [])])} />
      </label>
      <span class="hint">{t('compose.drop')}</span>
      {files.length > 0 && (
        <ul class="files" aria-label={t('message.attachments')}>
          {files.map((f, i) => (
            <li key={`${f.name}-${i}`}>
              {f.name} <span class="size">({formatSize(f.size)})</span>{' '}
              <button type="button" class="link" onClick={() => onChange(files.filter((_, j) => j !== i))}>{t('compose.remove', { name: f.name })}</button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Form handlers that take files dropped anywhere on the form. */
export function dropTarget(enabled: boolean, setDragging: (on: boolean) => void, add: (files: File[]) => void) {
  return {
    onDragOver: (e: DragEvent) => {
      if (!enabled) return;
      e.preventDefault();
      setDragging(true);
    },
    onDragLeave: () => setDragging(false),
    onDrop: (e: DragEvent) => {
      if (!enabled) return;
      e.preventDefault();
      setDragging(false);
      add(Array.from(e.dataTransfer?.files ?? []));
    },
  };
}
