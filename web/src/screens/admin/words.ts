import { useI18n } from '../../i18n.js';
import { en, type Words } from './words-en.js';
import { es } from './words-es.js';

// The admin screens' words (words-en.ts, words-es.ts): loaded with them, so agents never
// download them.

export type AdminWord = keyof Words;

export function useWords(): (key: AdminWord, params?: Record<string, string>) => string {
  const { lang } = useI18n();
  const words = lang === 'es' ? es : en;
  return (key, params) => words[key].replace(/\{(\w+)\}/g, (m, n: string) => params?.[n] ?? m);
}
