/** The part of unzipper's API the import uses: a zip's central directory, and each entry's inflated stream. */
declare module 'unzipper' {
  export const Open: {
    buffer(source: Buffer): Promise<{ files: Array<{ path: string; uncompressedSize: number; stream(): NodeJS.ReadableStream }> }>;
  };
}
