// The command line's conventions, in one place: `--help` prints the usage and exits 0; a mistake (an
// unknown option, a missing value) prints what is wrong and the usage on stderr and exits 2 — never a
// stack trace.
import { parseArgs, type ParseArgsConfig } from 'node:util'

type Options = NonNullable<ParseArgsConfig['options']>

/** Prints `message` on stderr and exits with 2 (the user's mistake). */
export function fail (message: string): never {
  process.stderr.write(`${message}\n`)
  process.exit(2)
}

/**
 * node:util parseArgs (positionals allowed) with `--help`/`-h` added. Exits 0 after printing `usage`
 * on --help; exits 2 with Node's message and `usage` on a mistake.
 */
export function readArgs<const O extends Options> (options: O, usage: string) {
  const config = { allowPositionals: true as const, options: { ...options, help: { type: 'boolean' as const, short: 'h' } } }
  let parsed: ReturnType<typeof parseArgs<typeof config>>
  try {
    parsed = parseArgs(config)
  } catch (err) {
    return fail(`${mistake(err as Error & { code?: string })}\n${usage}`)
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(`${usage}\n`)
    process.exit(0)
  }
  return parsed
}

/** parseArgs's errors, in the users' language (Node's English for anything else). */
function mistake (err: Error & { code?: string }): string {
  const option = /'(--?[^' ]+)/.exec(err.message)?.[1] ?? ''
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `Ukjent valg «${option}».`
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return `Valget «${option}» mangler en verdi, eller har en det ikke tar.`
  if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `Uventet argument: ${err.message}`
  return err.message
}
