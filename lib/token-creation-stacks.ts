/**
 * cdktf records a full stack trace each time it creates a token (every attribute reference,
 * every lazy value) and keeps it only to print under an error if that token later fails to
 * resolve. Capturing and formatting those traces costs a synth about a tenth of its CPU
 * time, and their strings much of its garbage. cdktf has no switch for them (the App's
 * `stackTraces: false` covers construct metadata only), so this replaces the one function
 * its token classes call for them, in its private module, for the length of a call.
 */

/** cdktf's private module, whose export every token constructor calls through at the time it runs. */
interface StackTraceModule {
  captureStackTrace(below?: unknown): string[];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const stackTrace = require('cdktf/lib/tokens/private/stack-trace') as StackTraceModule;

/**
 * Runs `build` with cdktf's token creation stacks off: the tokens it creates record none
 * (an unresolvable token's error then lacks its "Object creation stack"). The synthesized
 * output is the same. Restored afterwards, also when `build` throws.
 */
export function withoutTokenCreationStacks<T>(build: () => T): T {
  const capture = stackTrace.captureStackTrace;
  stackTrace.captureStackTrace = () => [];
  try {
    return build();
  } finally {
    stackTrace.captureStackTrace = capture;
  }
}
