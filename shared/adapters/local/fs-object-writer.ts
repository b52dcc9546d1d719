/** Local ObjectWriter: objects become files under a root folder (same keys as in S3). */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { ObjectWriter } from '../../use-cases/export-footprints';

export class FsObjectWriter implements ObjectWriter {
  private readonly root: string;
  constructor(root: string) {
    this.root = resolve(root);
  }

  async put(key: string, body: string): Promise<void> {
    const file = resolve(join(this.root, key));
    if (!file.startsWith(this.root + '/')) throw new Error(`object key escapes the export folder: ${key}`);
    await mkdir(dirname(file), { recursive: true });
    // Write then rename: a reader never sees a half-written part file (rename is atomic on one filesystem).
    const tmp = `${file}.tmp-${process.pid}`;
    await writeFile(tmp, body, 'utf8');
    await rename(tmp, file);
  }
}
