/** DATABASE_URL's form, checked without loading `pg` (the configuration is read in every mode). */

/** `postgres://` or `postgresql://`: what DATABASE_URL may hold. */
export const POSTGRES_URL = /^postgres(ql)?:\/\//i;

/** The host, port and database of a URL, without user or password: safe to print. */
export function describePostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    return `postgres://${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return 'postgres://(unreadable URL)';
  }
}
