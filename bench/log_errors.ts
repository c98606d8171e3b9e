// Reads what an API log says went wrong without holding the log in memory.

/**
 * The error lines of an API log, counted as the file streams by: a full run's access lines pass
 * 512 MB, more than one string can hold.
 */
export async function errorLines(path: string): Promise<{ count: number; first: string }> {
  let count = 0;
  let first = "";
  let rest = "";
  const file = await Deno.open(path);
  for await (const chunk of file.readable.pipeThrough(new TextDecoderStream())) {
    const lines = (rest + chunk).split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.includes('"level":"error"')) continue;
      if (count++ === 0) first = line;
    }
  }
  if (rest.includes('"level":"error"') && count++ === 0) first = rest;
  return { count, first };
}
