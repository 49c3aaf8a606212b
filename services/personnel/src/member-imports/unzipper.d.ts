/** The part of unzipper's API the import uses: a zip's central directory, read without inflating anything. */
declare module 'unzipper' {
  export const Open: {
    buffer(source: Buffer): Promise<{ files: Array<{ path: string; uncompressedSize: number }> }>;
  };
}
