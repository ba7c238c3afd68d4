import { AjvCompiler } from '@fastify/ajv-compiler';

type Validate = ((data: unknown) => unknown) & { errors?: unknown };
type BuildValidator = ReturnType<typeof AjvCompiler>;

/**
 * Fastify's own validator compiler (the same Ajv, the same options), compiling each route's
 * schema when the route is first called rather than at start: Ajv compiling the ~200 route
 * schemas was a second of every start-up (a CPU profile of `node dist/main.js`), and most
 * routes of a running desk are never called between two restarts. A request is validated
 * exactly as before; the first call of a route pays its own compile (about a millisecond).
 */
export function lazyValidators(): BuildValidator & { compileAll(): number } {
  const build = AjvCompiler();
  // What is not compiled yet, so a test can compile every schema at once (compileAll) and a
  // schema Ajv refuses still fails a test run rather than a route's first call in production.
  const pending = new Set<() => void>();
  const factory = ((externalSchemas: unknown, options: unknown) => {
    const compile = (build as any)(externalSchemas, options) as (route: unknown) => Validate;
    return (route: unknown) => {
      let compiled: Validate | undefined;
      const ensure = () => {
        compiled ??= compile(route);
        pending.delete(ensure);
        return compiled;
      };
      pending.add(ensure);
      const validate: Validate = (data) => {
        const result = ensure()(data);
        // Fastify reads a failed validation's reasons here (lib/validation.js).
        validate.errors = compiled!.errors;
        return result;
      };
      return validate;
    };
  }) as BuildValidator & { compileAll(): number };
  factory.compileAll = () => {
    const all = [...pending];
    for (const ensure of all) ensure();
    return all.length;
  };
  return factory;
}
